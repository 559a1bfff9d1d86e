/** Small DOM helpers the screens share (the follow page, the crews' screens, the dashboard). */

import { say } from './i18n.js';

/** An element with an optional class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A photo's thumbnail (96 px square, loaded lazily), the photo itself where it has none. */
export function thumbnailImage(photo, alt) {
  const img = el('img');
  img.src = photo.thumbnail_url || photo.url;
  img.alt = alt;
  img.width = 96;
  img.height = 96;
  img.loading = 'lazy';
  return img;
}

/**
 * A form field's check: with a `key`, says it in `error`, marks `input` aria-invalid and puts
 * the focus on it; without, clears both. Whether the field is fine.
 */
export function flagField(input, error, key, vars) {
  say(error, key, vars);
  if (key) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return false;
  }
  input.removeAttribute('aria-invalid');
  return true;
}
