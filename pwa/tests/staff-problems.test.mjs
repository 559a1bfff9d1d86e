/** A refused crew change is told in the crew's words: problem types → catalogue keys. */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { problemField, problemKey } from '../src/js/staff/problems.js';

const BASE = 'https://pave.example/problems/';
const en = JSON.parse(readFileSync(new URL('../src/i18n/en.json', import.meta.url), 'utf8'));

test('each slug of a refused status change has its own string, about its own field', () => {
  const cases = [
    ['unknown-reference', 422, 'staff.problem.unknownReference', 'change-dup'],
    ['ambiguous-reference', 422, 'staff.problem.ambiguousReference', 'change-dup'],
    ['invalid-duplicate', 422, 'staff.problem.invalidDuplicate', 'change-dup'],
    ['invalid-transfer', 422, 'staff.problem.invalidTransfer', 'change-body'],
    ['missing-reason', 422, 'staff.change.needReason', 'change-reason'],
    ['stale-version', 412, 'staff.problem.stale', null],
    ['invalid-transition', 409, 'staff.problem.notAllowed', null],
  ];
  for (const [slug, status, key, field] of cases) {
    const found = problemKey({ type: BASE + slug, status, title: 'English', detail: 'English' });
    assert.equal(found, key, slug);
    assert.ok(en[found], `${found} is in the catalogue`);
    assert.equal(problemField(found), field);
  }
});

test('a field refused by the schema names the field; anything else its status', () => {
  const refused = { type: 'about:blank', status: 422, errors: [{ pointer: '/duplicate_of' }] };
  assert.equal(problemKey(refused), 'staff.problem.unknownReference');
  assert.equal(problemKey({ status: 422, errors: [] }), 'staff.problem.invalid');
  assert.equal(problemKey({ status: 403 }), 'staff.problem.login');
  assert.equal(problemKey({ status: 500 }), 'staff.problem.other');
  assert.equal(problemKey(null), 'staff.problem.other');
});
