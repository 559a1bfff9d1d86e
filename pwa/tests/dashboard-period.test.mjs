/** The dashboard's own limit on the period: never more months than the server's trend computes. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PERIODS, monthsBetween } from '../src/js/dashboard/format.js';

test('counts calendar months, both ends included', () => {
  assert.equal(monthsBetween('2026-01-31', '2026-01-01'), 1);
  assert.equal(monthsBetween('2025-12-31', '2026-01-01'), 2);
  assert.equal(monthsBetween('1930-01-01', '2029-12-31'), MAX_PERIODS);
  assert.equal(monthsBetween('1930-01-01', '2030-01-01'), MAX_PERIODS + 1);
  assert.equal(monthsBetween('0001-01-01', '9999-12-30'), 119988);
});

test('an empty bound is today', () => {
  const today = new Date(2026, 5, 15);
  assert.equal(monthsBetween('', '', today), 1);
  assert.equal(monthsBetween('1926-06-01', '', today), MAX_PERIODS + 1);
  assert.equal(monthsBetween('', '2126-05-31', today), MAX_PERIODS);
});
