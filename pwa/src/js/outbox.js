/** The outbox: every report (or crew status change) made on this phone, kept until delivered. */

const STORE = 'reports';
const VERSION = 1;

export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Open (or create) the outbox database.
 * The IndexedDB factory is a parameter so the same code runs in the page, in the service
 * worker and in Node's tests (fake-indexeddb).
 */
export async function openOutbox({ indexedDB = globalThis.indexedDB, name = 'pave' } = {}) {
  const open = indexedDB.open(name, VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains(STORE)) {
      const store = db.createObjectStore(STORE, { keyPath: 'id' });
      store.createIndex('createdAt', 'createdAt');
    }
  };
  const db = await request(open);
  return new Outbox(db);
}

export class Outbox {
  constructor(db) {
    this.db = db;
  }

  /** Every item, oldest first. */
  async all() {
    const tx = this.db.transaction(STORE, 'readonly');
    const items = await request(tx.objectStore(STORE).index('createdAt').getAll());
    return items;
  }

  async get(id) {
    const tx = this.db.transaction(STORE, 'readonly');
    return (await request(tx.objectStore(STORE).get(id))) ?? null;
  }

  /** Write an item; resolves only once IndexedDB has committed it. */
  async put(item) {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(item);
    await done(tx);
    return item;
  }

  /**
   * Read, change and write one item in a single transaction, so a change made meanwhile by
   * the service worker is never overwritten with a stale copy. `change` must be synchronous:
   * an IndexedDB transaction closes as soon as it waits for anything else.
   */
  async update(id, change) {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    let updated = null;
    const req = store.get(id);
    req.onsuccess = () => {
      if (req.result) {
        updated = change(req.result);
        store.put(updated);
      }
    };
    await done(tx);
    return updated;
  }

  async remove(id) {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(id);
    await done(tx);
  }

  close() {
    this.db.close();
  }
}

/** States an item goes through; `sending` left behind by a closed page counts as waiting. */
export const State = Object.freeze({
  WAITING: 'waiting',
  SENDING: 'sending',
  SENT: 'sent',
  ATTENTION: 'attention',
});

/** A new outbox item. Its id is made here, on the phone, and is the report's idempotency key. */
export function newItem({ body, photos = [], lang = 'en', now = Date.now(), id }) {
  const itemId = id || crypto.randomUUID();
  return {
    id: itemId,
    key: itemId,
    createdAt: now,
    lang,
    body,
    photos: photos.map((photo) => ({
      id: photo.id || crypto.randomUUID(),
      type: photo.type,
      data: photo.data,
      size: photo.data.byteLength,
      sent: false,
      rejected: null,
    })),
    state: State.WAITING,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    problem: null,
    serverId: null,
    // The creation answer's capability to add the photos (Report-Key); a secret of this phone.
    photoToken: null,
    // The reporter's private follow link's token, from the same answer (/follow/<token>).
    followToken: null,
    // A small picture of the first photo, kept once the photos' bytes are sent and dropped.
    thumbnail: null,
    result: null,
    sentAt: null,
  };
}

/**
 * A crew's status change for the outbox: `version` is the ticket's version the crew saw when
 * they made it (sent as If-Match), `body` the transition ({to, note, reason, …}), `photos`
 * the "after" photos to add once the change is applied. The id is its Idempotency-Key.
 */
export function newTransition({ ticketId, version, body, photos = [], lang, now }) {
  return { ...newItem({ body, photos, lang, now }), kind: 'transition', ticketId, version };
}
