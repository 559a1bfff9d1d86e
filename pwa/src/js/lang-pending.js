// Before the first paint: will the page switch out of English? If so, hide its English text
// until the strings are in (see .i18n-pending in app.css). A classic, blocking script of its own
// file rather than inline, so that the pages' Content-Security-Policy can refuse every inline
// script (script-src 'self').
try {
  let pick = localStorage.getItem('pave.lang');
  if (!pick) {
    const tags = navigator.languages || [navigator.language];
    for (let i = 0; i < tags.length && !pick; i++) {
      const base = String(tags[i]).toLowerCase().split('-')[0];
      if (/^(fr|nl|de|en)$/.test(base)) pick = base;
    }
  }
  if (pick && pick !== 'en') document.documentElement.className = 'i18n-pending';
} catch {
  // No storage (private mode, blocked): the app picks the language itself a moment later.
}
