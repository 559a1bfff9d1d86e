/** Translations: the resident's language from the browser, switchable, applied to the page. */

import de from '../i18n/de.json';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import nl from '../i18n/nl.json';
import { template } from './i18n-template.js';
import { initialLanguage, LANGUAGES, STORAGE_KEY } from './language.js';

const STRINGS = { fr, nl, de, en };

let current = 'en';
const listeners = new Set();

export function language() {
  return current;
}

/** The string for `key` with {placeholders} filled in. */
export function t(key, vars = {}) {
  const text = template(STRINGS[current], current, key, vars.n) ?? template(STRINGS.en, 'en', key, vars.n);
  return (text ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** Translate every element of `root` that names its string with data-i18n attributes. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const vars = el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : {};
    el.textContent = t(el.dataset.i18n, vars);
  }
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  // The window's title, when the page names its part of Pavé: "Pavé — Ploegen".
  const titleKey = root === document && document.documentElement.dataset.i18nTitle;
  if (titleKey) document.title = `${t('app.title')} — ${t(titleKey)}`;
}

/** Put a translated string in `el` that follows later language switches; null clears it. */
export function say(el, key, vars = {}) {
  if (!key) {
    delete el.dataset.i18n;
    delete el.dataset.i18nVars;
    el.textContent = '';
    return;
  }
  el.dataset.i18n = key;
  el.dataset.i18nVars = JSON.stringify(vars);
  el.textContent = t(key, vars);
}

export function setLanguage(lang) {
  current = LANGUAGES.includes(lang) ? lang : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // Private modes may refuse storage; the choice then lasts for this visit only.
  }
  document.documentElement.lang = current;
  translate();
  document.documentElement.classList.remove('i18n-pending');
  for (const listener of listeners) listener(current);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** Open the page in its first language, and let its picker (<select id="lang">) switch it. */
export function startLanguage(picker) {
  setLanguage(initialLanguage());
  picker.value = current;
  picker.addEventListener('change', (event) => setLanguage(event.target.value));
}

/** A moment in Belgian time, in the reader's language: as residents see it on the follow page
 * and in the emails, and crews on their screens, wherever the device thinks it is (a laptop
 * set to UTC said 13:29 for a resident's 14:29). */
export function formatDate(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(language(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Brussels',
  });
}
