/**
 * Which of the app's four languages to speak, from the resident's choice or the browser's.
 * No imports: the pages' first script (lang-pending.js) bundles it on its own.
 */

export const LANGUAGES = ['fr', 'nl', 'de', 'en'];
export const STORAGE_KEY = 'pave.lang';

/** The stored choice, else the first of the browser's languages we speak, else English. */
export function pickLanguage(stored, preferred = []) {
  if (LANGUAGES.includes(stored)) return stored;
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/** The language a page opens in: the one chosen on an earlier visit, else the browser's. */
export function initialLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Private modes may refuse storage: the browser's languages decide.
  }
  return pickLanguage(stored, navigator.languages || [navigator.language]);
}
