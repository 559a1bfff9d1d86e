/** A small picture of a report's first photo, kept for "My reports" once its bytes are sent. */

const EDGE = 160;

/** A JPEG data URL at most 160 px wide or high, or null when the photo cannot be drawn. */
export async function thumbnailOf(photo) {
  if (!photo?.data || typeof createImageBitmap !== 'function') return null;
  try {
    const bitmap = await createImageBitmap(new Blob([photo.data], { type: photo.type }));
    const scale = Math.min(1, EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/jpeg', 0.7);
  } catch {
    return null;
  }
}
