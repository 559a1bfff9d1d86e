/** Photo downscale off the main thread: decode upright, shrink, re-encode as JPEG in a Worker. */

// Built as its own classic script (build.mjs): no imports, so any browser with workers loads it.
self.addEventListener('message', async (event) => {
  const { id, file, maxEdge, quality } = event.data;
  if (typeof OffscreenCanvas === 'undefined' || typeof createImageBitmap === 'undefined') {
    self.postMessage({ id, unsupported: true });
    return;
  }
  let bitmap;
  try {
    // 'from-image' applies the EXIF orientation, so the encoded photo is upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    self.postMessage({ id, undecodable: true });
    return;
  }
  try {
    const scale = Math.min(1, maxEdge / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) {
      self.postMessage({ id, unsupported: true });
      return;
    }
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    self.postMessage({ id, blob, width, height });
  } catch {
    // Out of memory or an encoder the worker lacks: the page tries again on its own thread.
    self.postMessage({ id, unsupported: true });
  } finally {
    bitmap.close();
  }
});
