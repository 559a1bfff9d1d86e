/** A refused change in the crew's language: the server's problem type → a catalogue string. */

const BY_SLUG = {
  'stale-version': 'staff.problem.stale',
  'invalid-transition': 'staff.problem.notAllowed',
  'reopen-window-closed': 'staff.problem.notAllowed',
  'invalid-text': 'staff.problem.invalidText',
  'invalid-duplicate': 'staff.problem.invalidDuplicate',
  'unknown-reference': 'staff.problem.unknownReference',
  'ambiguous-reference': 'staff.problem.ambiguousReference',
  'invalid-transfer': 'staff.problem.invalidTransfer',
  'missing-reason': 'staff.change.needReason',
  'missing-planned-date': 'staff.change.needDate',
};

/** The status form's field a problem is about (its input gets aria-invalid and the focus). */
const FIELD_OF = {
  'staff.problem.invalidDuplicate': 'change-dup',
  'staff.problem.unknownReference': 'change-dup',
  'staff.problem.ambiguousReference': 'change-dup',
  'staff.problem.invalidTransfer': 'change-body',
  'staff.change.needReason': 'change-reason',
  'staff.change.needDate': 'change-date',
};

/** A request's field refused by the schema (a 422 listing `errors`) → the same strings. */
const BY_POINTER = {
  duplicate_of: 'staff.problem.unknownReference',
  to_body: 'staff.problem.invalidTransfer',
  planned_for: 'staff.change.needDate',
  reason: 'staff.problem.invalidText',
  note: 'staff.problem.invalidText',
};

/** The catalogue key saying why the server refused a change; never the server's English. */
export function problemKey(problem) {
  const p = problem || {};
  const slug = String(p.type || '')
    .split('/')
    .pop();
  if (BY_SLUG[slug]) return BY_SLUG[slug];
  if (p.status === 412) return 'staff.problem.stale';
  if (p.status === 409) return 'staff.problem.notAllowed';
  if (p.status === 401 || p.status === 403) return 'staff.problem.login';
  if (p.status === 422) {
    for (const error of p.errors || []) {
      const field = String(error.pointer || '')
        .split('/')
        .pop();
      if (BY_POINTER[field]) return BY_POINTER[field];
    }
    return 'staff.problem.invalid';
  }
  return 'staff.problem.other';
}

/** The id of the form's input a problem key is about, or null. */
export function problemField(key) {
  return FIELD_OF[key] || null;
}
