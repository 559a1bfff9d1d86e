/** What a list card says of a ticket: its short reference, and its age in words. */

const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How long ago, in words of the crew's language: "il y a 3 jours", "3 dagen geleden". Under a
 * minute, `justNow` ("à l'instant", from the catalogue): the browser's own words for it
 * ("cette minute-ci") read oddly after "Signalé".
 */
export function age(iso, now, lang, justNow) {
  const seconds = (Date.parse(iso) - now) / 1000;
  const words = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return words.format(Math.trunc(seconds / size), unit);
  }
  return justNow;
}

/** A ticket's short reference, as crews say it on the phone: its id's first 8 characters. */
export function shortRef(id) {
  return String(id).replaceAll('-', '').slice(0, 8);
}
