/** Which of the app's four languages to speak, from the resident's choice or the browser's. */

export const LANGUAGES = ['fr', 'nl', 'de', 'en'];

/** The stored choice, else the first of the browser's languages we speak, else English. */
export function pickLanguage(stored, preferred = []) {
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}
