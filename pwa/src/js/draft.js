/**
 * The report being written, kept on the phone so a reload (or a browser that closed the tab)
 * loses nothing: its fields in one record, written at every keystroke, its photos' bytes in
 * another, written only when the photos change. A database of its own, beside the outbox's,
 * so neither one's version has to follow the other's.
 */

import { done, request } from './outbox.js';

const STORE = 'draft';
const VERSION = 1;

export async function openDraft({ indexedDB = globalThis.indexedDB, name = 'pave-draft' } = {}) {
  const open = indexedDB.open(name, VERSION);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE);
  };
  return new Draft(await request(open));
}

export class Draft {
  constructor(db) {
    this.db = db;
  }

  async write(key, value) {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(value, key);
    await done(tx);
  }

  /** The fields: { description, place, email, category, location, where, photoGps }. */
  saveFields(fields) {
    return this.write('fields', fields);
  }

  /** The prepared photos: [{ id, type, data, gps, width, height, shown }]. */
  savePhotos(photos) {
    return this.write('photos', photos);
  }

  /** { fields, photos } as last saved; null when there is no draft. */
  async load() {
    const tx = this.db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const [fields, photos] = await Promise.all([request(store.get('fields')), request(store.get('photos'))]);
    if (!fields && !photos?.length) return null;
    return { fields: fields ?? {}, photos: photos ?? [] };
  }

  /** Forget it: the report was queued, or the resident gave it up. */
  async clear() {
    const tx = this.db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await done(tx);
  }
}
