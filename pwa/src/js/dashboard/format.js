/** Numbers, dates and names in the reader's language. */

// The usual language of each region, for a name missing in the reader's (as app/i18n.py).
const REGION_LANGUAGES = { brussels: ['fr', 'nl'], flanders: ['nl', 'fr'], wallonia: ['fr', 'de'] };

export function pickName(names, lang, region) {
  for (const candidate of [lang, ...(REGION_LANGUAGES[region] || []), 'fr', 'nl', 'de', 'en']) {
    if (names?.[candidate]) return names[candidate];
  }
  return '';
}

export function number(value, lang, decimals = 0) {
  return new Intl.NumberFormat(lang, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

/** A period's first day (YYYY-MM-DD), as a week's Monday or as a month. */
export function period(isoDate, interval, lang) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const options =
    interval === 'month'
      ? { year: 'numeric', month: 'short', timeZone: 'UTC' }
      : { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(lang, options).format(date);
}

/** A day (YYYY-MM-DD) written out: "1er janvier 2020", "1 januari 2020", "1. Januar 2020". */
export function day(isoDate, lang) {
  const [year, month, date] = isoDate.split('-').map(Number);
  const options = { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' };
  // British English puts the day first, as the three other languages do.
  const parts = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, options).formatToParts(
    new Date(Date.UTC(year, month - 1, date)),
  );
  // French writes the first of the month as an ordinal.
  return parts.map((p) => (p.type === 'day' && lang === 'fr' && p.value === '1' ? '1er' : p.value)).join('');
}

/** YYYY-MM-DD of a local date. */
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// The most periods the server's trend computes (DASHBOARD_MAX_PERIODS): 100 years of months.
export const MAX_PERIODS = 1200;

/** Calendar months from `start` to `end` (YYYY-MM-DD; empty is today), both included: the
 * most periods the trend of that period has, since the page lets the server pick weeks only
 * up to a year. */
export function monthsBetween(start, end, today = new Date()) {
  const [y1, m1] = (start || isoDay(today)).split('-').map(Number);
  const [y2, m2] = (end || isoDay(today)).split('-').map(Number);
  return (y2 - y1) * 12 + m2 - m1 + 1;
}
