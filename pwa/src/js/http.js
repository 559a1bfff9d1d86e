/**
 * What every page's calls to the server share (the resident app, the crews' screens, the follow
 * page, the dashboard, and the service worker): the language to ask in, and a fetch answer read
 * as {status, body, …}.
 */

/**
 * The language to ask for when the caller gave none: the page's (the one chosen in the app),
 * else the browser's (the service worker has no page). The server answers errors in it.
 */
export function pageLanguage() {
  return globalThis.document?.documentElement?.lang || globalThis.navigator?.language || 'en';
}

/**
 * A fetch Response as callers use it: its status; its JSON or problem+json body, null when it
 * has none or it does not parse (a proxy's HTML error page); its ETag; whether it answers the
 * retry of a change already applied (Idempotent-Replayed: the first answer was lost); and the
 * seconds to wait on a 429 (the login's backoff) or a 503 (Retry-After).
 */
export async function answer(response) {
  let body = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  return {
    status: response.status,
    body,
    etag: response.headers.get('ETag'),
    replayed: response.headers.get('Idempotent-Replayed') === 'true',
    retryAfter: Number(response.headers.get('Retry-After')) || null,
  };
}
