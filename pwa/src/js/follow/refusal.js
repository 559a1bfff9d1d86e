/** What a refused action on the follow page tells the resident, by the problem the API answered. */

/**
 * The key of the sentence: the link's own state first (unknown, expired), as the page's heading
 * says it; then `own(status, type)`, the action's own refusals (null for none of them); then a
 * general one. The API's own detail is English, so the page says it in the resident's language.
 */
export function refusalKey(answer, own) {
  if (answer.status === 404) return 'follow.invalid.heading';
  if (answer.status === 410) return 'follow.expired.heading';
  return own(answer.status, String(answer.body?.type || '')) ?? 'follow.problem.other';
}
