/** Small DOM builders the screens share (the follow page, the crews' ticket screen). */

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
