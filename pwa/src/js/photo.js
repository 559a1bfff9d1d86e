/** Photos: downscaled on the phone (long edge 1920, JPEG 0.8, upright) before they are queued. */

import { readExif } from './exif-gps.js';

export const MAX_EDGE = 1920;
export const QUALITY = 0.8;
const MAX_UPLOAD = 15 * 1024 * 1024;
// Types the server accepts as they are when the browser cannot decode them (HEIC outside Safari).
const SERVER_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);
// The brands of an ISO-BMFF file that make it a HEIF picture (HEIC, AVIF aside).
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

export class UnreadablePhotoError extends Error {}

// The worker's script, named with its content hash by build.mjs.
const WORKER_URL = __PHOTO_WORKER__;
let worker = null;
let workerBroken = false;
let nextRequest = 0;
const pending = new Map();

function photoWorker() {
  if (worker || workerBroken) return worker;
  if (typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') {
    workerBroken = true;
    return null;
  }
  try {
    worker = new Worker(WORKER_URL);
  } catch {
    workerBroken = true;
    return null;
  }
  worker.addEventListener('message', (event) => {
    const request = pending.get(event.data.id);
    pending.delete(event.data.id);
    request?.resolve(event.data);
  });
  worker.addEventListener('error', () => {
    // The script failed to load or crashed: every photo from now on is prepared on the page.
    workerBroken = true;
    worker = null;
    for (const request of pending.values()) request.resolve({ unsupported: true });
    pending.clear();
  });
  return worker;
}

/** Downscale in the worker: { blob, width, height }, { undecodable } or { unsupported }. */
function inWorker(file) {
  const target = photoWorker();
  if (!target) return Promise.resolve({ unsupported: true });
  const id = ++nextRequest;
  return new Promise((resolve) => {
    pending.set(id, { resolve });
    target.postMessage({ id, file, maxEdge: MAX_EDGE, quality: QUALITY });
  });
}

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

/** Downscale on the page's own thread, where OffscreenCanvas or workers are missing. */
async function onMainThread(file) {
  let bitmap;
  try {
    // 'from-image' applies the EXIF orientation, so the encoded photo is upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return { undecodable: true };
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const blob = await encode(bitmap, width, height);
  bitmap.close?.();
  return { blob, width, height };
}

/**
 * Whether these bytes start as the photo formats the server reads do. A file the browser could
 * not decode goes as it is only then: a document named .jpg would be refused by the server
 * later, long after the resident could choose another file.
 */
export function looksLikePhoto(bytes) {
  const b = new Uint8Array(bytes.slice(0, 16));
  const ascii = (from, to) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true; // JPEG
  if (ascii(1, 4) === 'PNG' && b[0] === 0x89) return true;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return true;
  return ascii(4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(8, 12));
}

/**
 * Prepare a picked file for the outbox: { type, data, gps, preview }.
 * The GPS is read from the original bytes first: re-encoding drops all EXIF, which is also
 * what keeps the resident's other metadata off the server. Decoding and encoding a 12 MP
 * photo takes long enough to freeze the page on a phone, so a worker does it where it can.
 */
export async function preparePhoto(file) {
  const original = await file.arrayBuffer();
  const { gps } = readExif(original);
  let result = await inWorker(file);
  if (result.unsupported) result = await onMainThread(file);
  if (result.undecodable) {
    const type = (file.type || '').toLowerCase();
    if (SERVER_TYPES.has(type) && file.size <= MAX_UPLOAD && looksLikePhoto(original)) {
      return { type, data: original, gps, preview: null };
    }
    throw new UnreadablePhotoError(file.name);
  }
  const { blob, width, height } = result;
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
