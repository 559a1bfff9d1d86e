// Before the first paint: will the page switch out of English? If so, hide its English text
// until the strings are in (see .i18n-pending in app.css). A classic, blocking script of its own
// file rather than inline, so that the pages' Content-Security-Policy can refuse every inline
// script (script-src 'self'); build.mjs bundles it with language.js, the app's one copy of the
// choice of language.
import { initialLanguage } from './language.js';

if (initialLanguage() !== 'en') document.documentElement.className = 'i18n-pending';
