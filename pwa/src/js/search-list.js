/** A search as one types, answered by a list of buttons to pick from (communes, bodies). */

import { el } from './dom.js';
import { say } from './i18n.js';

/**
 * Empties `list` and `status`; then whether `query` is worth asking the server: two letters
 * at least, and online (offline, `status` says `offlineKey`; without one, the caller has a
 * copy to search offline).
 */
export function searchable(query, list, status, offlineKey = null) {
  list.replaceChildren();
  say(status, null);
  if (query.length < 2) return false;
  if (offlineKey && !navigator.onLine) {
    say(status, offlineKey);
    return false;
  }
  return true;
}

/** One button per item in `list`, `label(item)` on it, `onPick(item)` when it is pressed. */
export function pickButtons(list, items, label, onPick) {
  const rows = items.map((item) => {
    const li = el('li');
    const button = el('button', 'secondary', label(item));
    button.type = 'button';
    button.addEventListener('click', () => onPick(item));
    li.append(button);
    return li;
  });
  list.replaceChildren(...rows);
}
