/** A ticket's photo, large, inside the app: a dialog with a close button (and Escape). */

import { t } from '../i18n.js';

const $ = (id) => document.getElementById(id);

let opener = null;

/** Show `url` large; `n` is the photo's number on the ticket. Focus returns to `from`. */
export function openPhoto(url, n, from) {
  const dialog = $('photo-viewer');
  const img = $('photo-viewer-img');
  img.src = url;
  img.alt = t('photos.alt', { n });
  dialog.setAttribute('aria-label', t('photos.alt', { n }));
  opener = from;
  if (!dialog.open) dialog.showModal();
  $('photo-viewer-close').focus();
}

export function initPhotoViewer() {
  const dialog = $('photo-viewer');
  $('photo-viewer-close').addEventListener('click', () => dialog.close());
  // A tap on the dark backdrop closes it too (the dialog itself is the backdrop's target).
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    $('photo-viewer-img').removeAttribute('src');
    // The ticket may have been redrawn meanwhile: the same photo's button, as it is now.
    const again = opener && document.querySelector(`[data-photo="${opener.dataset.photo}"]`);
    (again || opener)?.focus();
    opener = null;
  });
}
