/**
 * Without a position (no GPS, a desktop, a screen reader), the resident names the commune:
 * the report goes to a point inside it, with the commune's size as its accuracy, and the
 * typed description says where exactly.
 */

import { language, say } from '../i18n.js';
import { searchCommunes } from '../location.js';

const $ = (id) => document.getElementById(id);

async function findCommunes(query, onChosen) {
  const list = $('commune-results');
  const status = $('commune-search-status');
  list.replaceChildren();
  say(status, null);
  if (query.length < 2) return;
  if (!navigator.onLine) {
    say(status, 'where.communeOffline');
    return;
  }
  const communes = await searchCommunes(query, language());
  if ($('commune-search').value.trim() !== query) return; // a newer search is under way
  if (!communes.length) {
    say(status, 'where.communeNone');
    return;
  }
  for (const commune of communes) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    button.textContent = commune.name;
    button.addEventListener('click', () => {
      list.replaceChildren();
      $('commune-search').value = commune.name;
      onChosen(commune);
    });
    item.append(button);
    list.append(item);
  }
  say(status, 'where.communeFound', { n: communes.length });
}

/** Search as the resident types; `onChosen(commune)` when they pick one of the answers. */
export function bindCommuneSearch(onChosen) {
  let searching = null;
  $('commune-search').addEventListener('input', (event) => {
    clearTimeout(searching);
    searching = setTimeout(() => findCommunes(event.target.value.trim(), onChosen), 250);
  });
}
