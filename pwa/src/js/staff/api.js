/** The staff API over fetch: login, tickets, members, and the transport of the crew's changes. */

import { answer, pageLanguage } from '../http.js';

const JSON_ACCEPT = 'application/json, application/problem+json';

/** A body code from what the crew typed: a commune's NIS code, or a body code as it is. */
export function bodyCode(typed) {
  const value = typed.trim();
  return /^\d{5}$/.test(value) ? `commune-${value}` : value;
}

/** Each kind of ticket edit: its method and path. */
const EDITS = {
  patch: (item) => ['PATCH', `/staff/tickets/${item.ticketId}`],
  update: (item) => ['POST', `/staff/tickets/${item.ticketId}/updates`],
  photo: (item) => ['PATCH', `/staff/tickets/${item.ticketId}/photos/${item.photoId}`],
  publish: (item) => ['PATCH', `/staff/tickets/${item.ticketId}/updates/${item.updateId}`],
};

/** An outbox item's language, chosen when the crew made the change: its refusal reads in it. */
function itemLanguage(item) {
  return item.lang ? { 'Accept-Language': item.lang } : {};
}

/**
 * Calls to /api/v1: `csrf()` gives the session's CSRF token (from memory in the page, from
 * IndexedDB in the service worker), sent with every request that changes something. A
 * fetch that rejects (no network) propagates: the caller decides what offline means.
 */
export function staffApi({ csrf = async () => null, lang = pageLanguage, fetchImpl } = {}) {
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  async function call(method, path, { json, form, headers = {} } = {}) {
    const all = { Accept: JSON_ACCEPT, 'Accept-Language': lang(), ...headers };
    if (method !== 'GET') {
      const token = await csrf();
      if (token) all['X-CSRF-Token'] = token;
    }
    let body;
    if (json !== undefined) {
      all['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form) {
      body = form;
    }
    const response = await doFetch(`/api/v1${path}`, {
      method,
      headers: all,
      body,
      credentials: 'same-origin',
    });
    return answer(response);
  }

  return {
    login: (email, password) => call('POST', '/auth/login', { json: { email, password } }),
    me: () => call('GET', '/auth/me'),
    logout: () => call('POST', '/auth/logout'),
    list: (query) => call('GET', `/staff/tickets?${query}`),
    getTicket: (id) => call('GET', `/staff/tickets/${id}`),
    duplicateCandidates: (id) => call('GET', `/staff/tickets/${id}/duplicate-candidates`),
    bodies: (query) => call('GET', `/staff/bodies?q=${encodeURIComponent(query)}`),
    members: (body) => call('GET', `/staff/bodies/${encodeURIComponent(body)}/members`),
    accounts: () => call('GET', '/auth/accounts'),
    categories: () => call('GET', '/categories'),
    delivery: (body) => call('GET', `/bodies/${encodeURIComponent(body)}/delivery`),
    saveDelivery: (body, settings) => call('PUT', `/bodies/${encodeURIComponent(body)}/delivery`, { json: settings }),
    deactivate: (id) => call('POST', `/auth/accounts/${id}/deactivate`),
    removeGrant: (id, grantId) => call('DELETE', `/auth/accounts/${id}/grants/${grantId}`),
    endSessions: (id) => call('DELETE', `/auth/accounts/${id}/sessions`),
    sendPasswordReset: (id) => call('POST', `/auth/accounts/${id}/password-reset`),
    failedDeliveries: () => call('GET', '/staff/deliveries/failed'),
    retryDelivery: (id) => call('POST', `/staff/deliveries/${id}/retry`),
    resetPassword: (token, password) => call('POST', '/auth/password-reset', { json: { token, password } }),
    acceptInvitation: (token, password, name = null) =>
      call('POST', '/auth/invitations/accept', {
        json: name ? { token, password, name } : { token, password },
      }),
    /** What an emailed link is now (valid, expired, used, unknown) and whom to ask. */
    linkState: (kind, token) => call('POST', '/auth/link-state', { json: { kind, token } }),

    /** For delivery.js: one outbox item of kind 'ticket-edit' (see edits.js). */
    editTicket(item) {
      const [method, path] = EDITS[item.action](item);
      return call(method, path, {
        json: item.body,
        headers: {
          'If-Match': `"v${item.version}"`,
          'Idempotency-Key': item.key,
          ...itemLanguage(item),
        },
      });
    },

    /** For delivery.js: one outbox item of kind 'transition'. */
    transition: (item) =>
      call('POST', `/staff/tickets/${item.ticketId}/transitions`, {
        json: item.body,
        headers: {
          'If-Match': `"v${item.version}"`,
          'Idempotency-Key': item.key,
          ...itemLanguage(item),
        },
      }),

    /** For delivery.js: an "after" photo of a ticket, with its own Idempotency-Key. */
    addPhoto(ticketId, photo) {
      const form = new FormData();
      const name = photo.type === 'image/jpeg' ? 'photo.jpg' : 'photo';
      form.append('photo', new Blob([photo.data], { type: photo.type }), name);
      return call('POST', `/staff/tickets/${ticketId}/photos`, {
        form,
        headers: { 'Idempotency-Key': photo.id },
      });
    },
  };
}
