/**
 * The reporter's "Add a photo" on the follow page: shrunk and stripped on the phone by the
 * resident app's own photo preparation, then sent at once. Online only: a follow page has no
 * outbox, so offline the control says so instead of pretending to queue the photo.
 */

import { language, say } from '../i18n.js';
import { preparePhoto } from '../photo.js';
import { uploadFollowPhoto } from './api.js';
import { refusalKey } from './refusal.js';

const $ = (id) => document.getElementById(id);

// What a refused upload tells the reporter, beside what any refusal on this page says.
const PHOTO_REFUSALS = {
  403: 'follow.addPhoto.forbidden',
  413: 'follow.addPhoto.tooBig',
  415: 'follow.addPhoto.type',
  422: 'follow.addPhoto.unreadable',
  429: 'follow.addPhoto.busy',
  503: 'follow.addPhoto.unavailable',
};

function photoRefusal(status, type) {
  if (status === 409) return type.endsWith('/photo-limit-reached') ? 'follow.addPhoto.full' : 'follow.addPhoto.closed';
  return PHOTO_REFUSALS[status] ?? null;
}

// The photo's own id, so that a retried upload stores it once; randomUUID needs a secure page.
function photoId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export class AddPhoto {
  /** `reload` redraws the page from the server, so the new photo shows among the others. */
  constructor(token, reload) {
    this.token = token;
    this.reload = reload;
    this.busy = false;
    $('add-photo').addEventListener('change', (event) => {
      const [file] = event.target.files;
      // Cleared at once: choosing the same file again after an error fires another change.
      event.target.value = '';
      if (file) this.send(file);
    });
    addEventListener('online', () => this.showConnection());
    addEventListener('offline', () => this.showConnection());
  }

  /** Shown to the reporter's link only, while the report is open. */
  render(data) {
    const open = !['resolved', 'rejected', 'duplicate'].includes(data.report.status);
    $('add-photo-box').hidden = !(data.is_reporter === true && open);
    this.showConnection();
  }

  showConnection() {
    if (this.busy) return;
    const offline = navigator.onLine === false;
    $('add-photo').disabled = offline;
    say($('add-photo-status'), offline ? 'follow.addPhoto.offline' : null);
  }

  progress(fraction) {
    const bar = $('add-photo-progress');
    bar.hidden = fraction === null;
    bar.value = Math.round((fraction ?? 0) * 100);
  }

  async send(file) {
    const input = $('add-photo');
    say($('add-photo-done'), null);
    say($('add-photo-error'), null);
    if (navigator.onLine === false) {
      this.showConnection();
      return;
    }
    this.busy = true;
    input.disabled = true;
    let answer = null;
    let failed = null;
    try {
      say($('add-photo-status'), 'follow.addPhoto.preparing');
      let photo;
      try {
        photo = await preparePhoto(file);
      } catch {
        failed = 'follow.addPhoto.unreadable';
        return;
      }
      if (photo.preview) URL.revokeObjectURL(photo.preview);
      say($('add-photo-status'), 'follow.addPhoto.sending');
      this.progress(0);
      try {
        answer = await uploadFollowPhoto(this.token, photo, {
          lang: language,
          idempotencyKey: photoId(),
          onProgress: (fraction) => this.progress(fraction),
        });
      } catch {
        failed = 'follow.offline.action';
        return;
      }
    } finally {
      this.busy = false;
      this.progress(null);
      input.disabled = false;
      say($('add-photo-status'), null);
      if (failed) say($('add-photo-error'), failed);
    }
    if (answer.status === 201) {
      await this.reload();
      say($('add-photo-done'), 'follow.addPhoto.done');
      $('add-photo-done').focus();
      return;
    }
    const key = refusalKey(answer, photoRefusal);
    // Closed meanwhile: the page catches up with the status, and the control goes.
    if (key === 'follow.addPhoto.closed') await this.reload();
    say($('add-photo-error'), key, { status: answer.status });
  }
}
