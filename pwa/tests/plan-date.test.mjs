/** The crews' date picker offers the days the server takes: today in Belgium to five years on. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plannable } from '../src/js/staff/plan-date.js';

test('the first day is today in Belgium, even when it is still yesterday in UTC', () => {
  const input = {};
  plannable(input, new Date('2026-12-06T23:30:00Z')); // 00:30 on the 7th in Brussels
  assert.deepEqual(input, { min: '2026-12-07', max: '2031-12-07' });
});

test('five years after a 29 February is the 28th', () => {
  const input = {};
  plannable(input, new Date('2028-02-29T12:00:00Z'));
  assert.deepEqual(input, { min: '2028-02-29', max: '2033-02-28' });
});
