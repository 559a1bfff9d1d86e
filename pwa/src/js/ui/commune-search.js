/**
 * Without a position (no GPS, a desktop, a screen reader), the resident names the commune:
 * the report goes to a point inside it, with the commune's size as its accuracy, and the
 * typed description says where exactly.
 */

import { language, say } from '../i18n.js';
import { searchCommunes } from '../location.js';
import { pickButtons, searchable } from '../search-list.js';

const $ = (id) => document.getElementById(id);

async function findCommunes(query, onChosen) {
  const list = $('commune-results');
  const status = $('commune-search-status');
  if (!searchable(query, list, status)) return;
  const communes = await searchCommunes(query, language());
  if ($('commune-search').value.trim() !== query) return; // a newer search is under way
  if (communes === null) {
    say(status, 'where.communeOffline'); // offline, and no copy kept on the phone yet
    return;
  }
  if (!communes.length) {
    say(status, 'where.communeNone');
    return;
  }
  pickButtons(
    list,
    communes,
    (commune) => commune.name,
    (commune) => {
      list.replaceChildren();
      $('commune-search').value = commune.name;
      onChosen(commune);
    },
  );
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
