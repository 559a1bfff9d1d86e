/** The crew's phone storage: its outbox of status changes, and the last tickets it saw. */

import { done, Outbox, request } from '../outbox.js';

const NAME = 'pave-staff';
const VERSION = 1;

/**
 * Open the crew's database: the same outbox as residents' reports (in a database of its own,
 * so a resident's "My reports" on a shared phone never lists a crew's changes), and a cache.
 */
export async function openStaffDb({ indexedDB = globalThis.indexedDB, name = NAME } = {}) {
  const open = indexedDB.open(name, VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('reports')) {
      db.createObjectStore('reports', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
    }
    if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache');
  };
  const db = await request(open);
  return { outbox: new Outbox(db), cache: new Cache(db) };
}

/** Keyed copies: 'session', 'list:<query>', 'ticket:<id>'. */
export class Cache {
  constructor(db) {
    this.db = db;
  }

  async get(key) {
    const tx = this.db.transaction('cache', 'readonly');
    return (await request(tx.objectStore('cache').get(key))) ?? null;
  }

  async put(key, value) {
    const tx = this.db.transaction('cache', 'readwrite');
    tx.objectStore('cache').put(value, key);
    await done(tx);
  }

  /** Forget everything a logged-out crew member saw (their pending changes stay in the outbox). */
  async clear() {
    const tx = this.db.transaction('cache', 'readwrite');
    tx.objectStore('cache').clear();
    await done(tx);
  }
}
