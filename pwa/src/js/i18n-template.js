/** Picking a string from a catalogue, plural forms included (no import: unit-testable). */

/**
 * The template of `key` in `lang`. A count's string has one key per plural form of the
 * language ("mine.photos.one", "mine.photos.other"), picked by Intl.PluralRules from `n`.
 */
export function template(strings, lang, key, n) {
  if (key in strings) return strings[key];
  if (!(`${key}.other` in strings)) return undefined;
  const form = n === undefined ? 'other' : new Intl.PluralRules(lang).select(Number(n));
  return strings[`${key}.${form}`] ?? strings[`${key}.other`];
}
