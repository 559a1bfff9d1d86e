/** A ticket's photos on the crew's screen, each with a button to hide it from the public. */

import { el, thumbnailImage } from '../dom.js';
import { t } from '../i18n.js';
import { openPhoto } from './photo-viewer.js';

/**
 * The photos, each with a button to hide it from the public (a face, a plate) or show it
 * again; `waiting` is photo id → hidden as my waiting edits leave it, `editor` the
 * TicketEditor (null for someone who may only read the ticket).
 */
export function renderPhotos(ticket, waiting, editor) {
  const items = (ticket.photos || []).map((photo, index) => {
    const li = el('li');
    const n = index + 1;
    if (editor) {
      const hidden = waiting.get(photo.id) ?? photo.hidden;
      const label = t(hidden ? 'staff.photo.show' : 'staff.photo.hide', { n });
      const toggle = el('button', 'secondary small', label);
      toggle.type = 'button';
      toggle.addEventListener('click', () => editor.queue('photo', { hidden: !hidden }, { photoId: photo.id }));
      li.append(toggle);
    }
    // A hidden photo's files are served to nobody: its place says so.
    if (photo.hidden) {
      li.prepend(el('p', 'note', t('staff.photo.hidden', { n })));
      return li;
    }
    // Opened large inside the app, never in a new tab or as a download.
    const link = el('button', 'photo-link');
    link.type = 'button';
    link.setAttribute('aria-label', t('staff.photo.open', { n }));
    link.dataset.photo = String(photo.id);
    link.addEventListener('click', () => openPhoto(photo.url, n, link));
    link.append(thumbnailImage(photo, t('photos.alt', { n })));
    li.prepend(link);
    return li;
  });
  document.getElementById('ticket-photos').replaceChildren(...items);
}
