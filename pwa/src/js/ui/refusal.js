/** Why the server refused a report, and how to fix it, in the resident's language. */

import { language, t } from '../i18n.js';

const KNOWN = ['unknown-category', 'outside-service-area', 'invalid-text', 'photo-upload-forbidden'];

/** What a resident can do about each refusal; none for those only a retry or time can fix. */
const FIXES = {
  'outside-service-area': 'fix.place',
  'unknown-category': 'fix.edit',
  'invalid-text': 'fix.edit',
  validation: 'fix.edit',
};

function slugOf(problem) {
  return (problem?.type || '').split('/').pop();
}

/**
 * A commune as the resident knows it: in their language, then as it is called locally when
 * that differs ("Fourons/Voeren" in French, "Voeren" in Dutch).
 */
export function communeName(commune, lang = language()) {
  const local = commune?.name || '';
  const own = commune?.names?.[lang];
  return own && own !== local ? `${own}/${local}` : local;
}

/** [key, vars] of the sentence saying why the server refused an item. */
export function reasonKey(problem) {
  const slug = slugOf(problem);
  const nearest = problem?.nearest_commune;
  if (slug === 'outside-service-area' && nearest?.name) {
    return ['problem.outsideNear', { distance: nearest.distance_m, name: communeName(nearest) }];
  }
  if (KNOWN.includes(slug)) return [`problem.${slug}`, {}];
  if (problem?.status === 422 && problem.errors?.length) return ['problem.validation', {}];
  return ['problem.other', { status: problem?.status ?? '?' }];
}

/** The key of the sentence saying how to fix it, or null. */
export function fixKey(problem) {
  const slug = slugOf(problem);
  if (FIXES[slug]) return FIXES[slug];
  if (problem?.status === 422 && problem.errors?.length) return FIXES.validation;
  return null;
}

/**
 * [key, vars] of the sentence saying why one photo of a sent report was refused: the photo,
 * not the report, and in plain words rather than the answer's status code.
 */
export function photoReasonKey(problem) {
  if (slugOf(problem) === 'photo-upload-forbidden') {
    return ['mine.photoRefused', { reason: t('problem.photo-upload-forbidden') }];
  }
  if (problem?.status === 415) return ['mine.photoRefused.notPhoto', {}];
  if (problem?.status === 413) return ['mine.photoRefused.tooLarge', {}];
  return ['mine.photoRefused.other', {}];
}

/** Whether reasonKey says it all in the resident's words (the server's English adds nothing). */
export function isExplained(problem) {
  return KNOWN.includes(slugOf(problem));
}
