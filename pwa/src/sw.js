/** Service worker: the three pages' shells from a versioned cache; Background Sync of both outboxes. */

import { apiTransport } from './js/api.js';
import { flush, withOutboxLock } from './js/delivery.js';
import { openOutbox, State } from './js/outbox.js';
import { staffApi } from './js/staff/api.js';
import { openStaffDb } from './js/staff/store.js';
import { appPage } from './js/sw-pages.js';

// Both are written by build.mjs: the content hash of the build and the files it produced.
const VERSION = __VERSION__;
const PRECACHE = __PRECACHE__;
const CACHE = `pave-${VERSION}`;
const CHANNEL = 'pave-outbox';
const STAFF_CHANNEL = 'pave-staff-outbox';
// The one API answer the form needs offline: kept fresh from the network, used when there is none.
const CATEGORIES = '/api/v1/categories';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all([
          cache.addAll(PRECACHE),
          // Best effort: a server without categories yet must not stop the app installing.
          cache.add(CATEGORIES).catch(() => undefined),
        ]),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((key) => key.startsWith('pave-') && key !== CACHE).map((key) => caches.delete(key))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // The API and the settings always go to the network: the outbox is the app's offline store.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === CATEGORIES) {
    event.respondWith(networkFirst(request));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/config.json') return;
  // The open-data dashboard is not part of the installed app: it always comes from the network.
  if (url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/')) return;
  if (request.mode === 'navigate') {
    // Only the app's own pages come from the cache; every other page of the site (the OGC and
    // Open311 APIs, the open-data catalogue, the API docs...) is the server's to answer.
    const page = appPage(url.pathname);
    if (!page) return;
    event.respondWith(caches.match(page, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(CATEGORIES, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(CATEGORIES);
    if (hit) return hit;
    throw error;
  }
}

async function deliverFromWorker(tag) {
  let outbox;
  let transport;
  if (tag === STAFF_CHANNEL) {
    // The crews' changes need the session's CSRF token, which the page keeps in IndexedDB.
    const staff = await openStaffDb();
    outbox = staff.outbox;
    transport = staffApi({ csrf: async () => (await staff.cache.get('session'))?.csrf_token });
  } else {
    outbox = await openOutbox();
    transport = apiTransport();
  }
  const channel = new BroadcastChannel(tag);
  try {
    await withOutboxLock(() =>
      flush(outbox, transport, { force: true, onChange: () => channel.postMessage('changed') }),
    );
    const waiting = (await outbox.all()).some((item) => item.state === State.WAITING || item.state === State.SENDING);
    // Rejecting asks the browser to fire the sync again later, with its own backoff.
    if (waiting) throw new Error('reports still waiting');
  } finally {
    channel.close();
    outbox.close();
  }
}

self.addEventListener('sync', (event) => {
  if (event.tag === CHANNEL || event.tag === STAFF_CHANNEL) {
    event.waitUntil(deliverFromWorker(event.tag));
  }
});
