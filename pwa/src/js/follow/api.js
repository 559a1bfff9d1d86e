/** The resident's follow API (/api/v1/follow/<token>): every call answers {status, body}. */

import { answer, pageLanguage } from '../http.js';

/**
 * The token of the page's address: /follow/<token>, /follow/<token>/unsubscribe, or
 * /follow/confirm/<token> (a request to follow, confirmed from its email; `confirm` is true).
 */
export function parseFollowPath(pathname) {
  const decode = (raw) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      return '';
    }
  };
  const confirm = /^\/follow\/confirm\/([^/]+)\/?$/.exec(pathname);
  if (confirm) return { token: decode(confirm[1]), unsubscribe: false, confirm: true };
  const match = /^\/follow\/([^/]+)(\/unsubscribe)?\/?$/.exec(pathname);
  if (!match) return { token: '', unsubscribe: false, confirm: false };
  return { token: decode(match[1]), unsubscribe: Boolean(match[2]), confirm: false };
}

/**
 * Confirm a request to follow (a POST: mail scanners open the email's links, and a GET must
 * change nothing). Answers {status, body}; body.token is the follower's own link on 201.
 */
export async function confirmFollow(token, { lang = pageLanguage, fetchImpl = (...a) => globalThis.fetch(...a) } = {}) {
  const response = await fetchImpl(`/api/v1/follow-confirmations/${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { Accept: 'application/json, application/problem+json', 'Accept-Language': lang() },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  return answer(response);
}

/**
 * Calls about one token. A network failure rejects, so the page can tell "no connection"
 * apart from a refusal by the server.
 */
export function followApi(token, { lang = pageLanguage, fetchImpl = (...a) => globalThis.fetch(...a) } = {}) {
  const base = `/api/v1/follow/${encodeURIComponent(token)}`;
  const call = async (path, method = 'GET', body = undefined) => {
    const headers = {
      Accept: 'application/json, application/problem+json',
      'Accept-Language': lang(),
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetchImpl(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    return answer(response);
  };
  const withComment = (comment) => (comment ? { comment } : {});
  return {
    get: () => call(''),
    comment: (body) => call('/comments', 'POST', { body }),
    fixed: (comment) => call('/fixed', 'POST', withComment(comment)),
    notFixed: (comment) => call('/not-fixed', 'POST', withComment(comment)),
    unsubscribe: () => call('/unsubscribe', 'POST'),
  };
}

const EXTENSIONS = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

/**
 * Add a prepared photo ({type, data}) to the reporter's own report. An XMLHttpRequest, not
 * fetch: only it reports the upload's progress, which a phone on a slow network needs to see.
 * Answers {status, body}; a network failure rejects. The Idempotency-Key makes a retry of the
 * same photo store it once.
 */
export function uploadFollowPhoto(token, photo, { lang = pageLanguage, idempotencyKey, onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/follow/${encodeURIComponent(token)}/photos`);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Accept-Language', lang());
    if (idempotencyKey) xhr.setRequestHeader('Idempotency-Key', idempotencyKey);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      if ((xhr.getResponseHeader('Content-Type') || '').includes('json')) {
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
      }
      resolve({ status: xhr.status, body });
    });
    for (const failure of ['error', 'timeout', 'abort']) {
      xhr.addEventListener(failure, () => reject(new Error(`photo upload: ${failure}`)));
    }
    const form = new FormData();
    const extension = EXTENSIONS[photo.type] || 'jpg';
    form.append('photo', new Blob([photo.data], { type: photo.type }), `photo.${extension}`);
    xhr.send(form);
  });
}
