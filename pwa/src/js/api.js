/** The transport delivery uses: the Pavé API over fetch, usable from the page and the worker. */

import { answer, pageLanguage } from './http.js';

/**
 * Make a transport. A fetch that rejects (no network, connection refused, aborted answer)
 * propagates as an exception: delivery treats it as "try again later".
 */
export function apiTransport({ base = '', fetchImpl = (...args) => globalThis.fetch(...args) } = {}) {
  return {
    async createReport(item) {
      const response = await fetchImpl(`${base}/api/v1/reports`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, application/problem+json',
          'Accept-Language': item.lang || pageLanguage(),
          'Idempotency-Key': item.key,
        },
        body: JSON.stringify(item.body),
      });
      return answer(response);
    },

    async addPhoto(serverId, photo, item) {
      const form = new FormData();
      const name = photo.type === 'image/jpeg' ? 'photo.jpg' : 'photo';
      form.append('photo', new Blob([photo.data], { type: photo.type }), name);
      const response = await fetchImpl(`${base}/api/v1/reports/${serverId}/photos`, {
        method: 'POST',
        headers: {
          Accept: 'application/json, application/problem+json',
          'Accept-Language': item.lang || pageLanguage(),
          'Idempotency-Key': photo.id,
          // The photo token of the report's creation answer, kept with the item and never
          // shown publicly: the server lets only the report's author add photos to it.
          ...(item.photoToken ? { 'Report-Key': item.photoToken } : {}),
        },
        body: form,
      });
      return answer(response);
    },
  };
}

/** GET some JSON from the API; null when offline or on any error (callers have fallbacks). */
export async function getJson(path, lang) {
  try {
    const response = await fetch(path, {
      headers: { Accept: 'application/json', 'Accept-Language': lang || pageLanguage() },
    });
    if (!response.ok) return null;
    return await response.json();
  } catch {
    return null;
  }
}
