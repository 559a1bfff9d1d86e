/** Photos: downscaled on the phone (long edge 1920, JPEG 0.8, upright) before they are queued. */

import { readExif } from './exif-gps.js';

export const MAX_EDGE = 1920;
export const QUALITY = 0.8;
const MAX_UPLOAD = 15 * 1024 * 1024;
// Types the server accepts as they are when the browser cannot decode them (HEIC outside Safari).
const SERVER_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);

export class UnreadablePhotoError extends Error {}

function encode(bitmap, width, height) {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
    return canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY });
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
}

/**
 * Prepare a picked file for the outbox: { type, data, gps, preview }.
 * The GPS is read from the original bytes first: re-encoding drops all EXIF, which is also
 * what keeps the resident's other metadata off the server.
 */
export async function preparePhoto(file) {
  const original = await file.arrayBuffer();
  const { gps } = readExif(original);
  let bitmap;
  try {
    // 'from-image' applies the EXIF orientation, so the encoded photo is upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    const type = (file.type || '').toLowerCase();
    if (SERVER_TYPES.has(type) && file.size <= MAX_UPLOAD) {
      return { type, data: original, gps, preview: null };
    }
    throw new UnreadablePhotoError(file.name);
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const blob = await encode(bitmap, width, height);
  bitmap.close?.();
  if (!blob) throw new UnreadablePhotoError(file.name);
  return {
    type: 'image/jpeg',
    data: await blob.arrayBuffer(),
    gps,
    preview: URL.createObjectURL(blob),
    width,
    height,
  };
}
