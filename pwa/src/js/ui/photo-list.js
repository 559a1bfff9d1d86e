/** Thumbnails of the photos picked for a report, each with a button to remove it. */

import { say } from '../i18n.js';

export function renderPhotos(list, photos, onRemove) {
  list.replaceChildren();
  photos.forEach((photo, index) => {
    const li = document.createElement('li');
    if (photo.preview) {
      const img = document.createElement('img');
      img.src = photo.preview;
      img.width = 72;
      img.height = 72;
      img.alt = '';
      li.append(img);
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary small';
    say(button, 'photos.remove', { n: index + 1 });
    button.addEventListener('click', () => onRemove(photo));
    li.append(button);
    list.append(li);
  });
}
