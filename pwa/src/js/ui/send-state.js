/**
 * The form's Send and what it says after: held back where the place is known to be in no
 * commune, then "saved on your phone", replaced by "sent" (with the reference and the private
 * follow link) once delivered, or by the server's refusal and its fix.
 */

import { onLanguageChange, say } from '../i18n.js';
import { newItem, State } from '../outbox.js';
import { communeName, fixKey, reasonKey } from './refusal.js';
import { thumbnailOf } from './thumbnail.js';

const $ = (id) => document.getElementById(id);

/** The short reference a resident quotes: the report id's first 8 hex characters. */
export function shortRef(serverId) {
  return String(serverId || '').slice(0, 8);
}

/** A link to the report's private follow page, or null without its token. */
export function followLink(item, key) {
  if (!item.followToken) return null;
  const a = document.createElement('a');
  a.href = `/follow/${encodeURIComponent(item.followToken)}`;
  a.className = 'follow-link';
  say(a, key);
  return a;
}

function part(tag, key, vars, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  say(el, key, vars);
  return el;
}

/** Draw the thumbnail after the save, so that "saved on your phone" never waits for it. */
async function keepThumbnail(outbox, id, photo) {
  const thumbnail = await thumbnailOf(photo);
  if (!thumbnail) return;
  await outbox.update(id, (it) => ({ ...it, thumbnail: it.thumbnail || thumbnail }));
}

/**
 * Write a new report to the outbox, or the correction of a refused one (`editing`: its id):
 * `made` is { body, fields, location, photos } as the form has them. Resolves once saved;
 * `onThumbnail` is called once its thumbnail is kept too.
 */
export async function saveReport(outbox, editing, made, lang, onThumbnail = () => {}) {
  const { body, fields, location, photos } = made;
  let saved;
  if (editing) {
    // Photos added while correcting go with the ones it had.
    const added = newItem({ body, photos }).photos;
    saved = await outbox.update(editing, (it) => ({
      ...it,
      // The refused request created nothing, so a fresh key is safe and avoids the
      // server's "same key, different body" refusal.
      key: crypto.randomUUID(),
      body,
      fields,
      location,
      photos: [...it.photos, ...added],
      state: State.WAITING,
      problem: null,
      attempts: 0,
      nextAttemptAt: 0,
    }));
  } else {
    saved = await outbox.put({ ...newItem({ body, photos, lang }), fields, location });
  }
  if (saved && photos.length && !saved.thumbnail) {
    keepThumbnail(outbox, saved.id, photos[0]).then(onThumbnail, () => {});
  }
  return saved;
}

export class SendState {
  constructor(outbox) {
    this.outbox = outbox;
    this.watched = null;
    this.outside = null;
    onLanguageChange(() => {
      this.showBlocked();
      this.refresh();
    });
  }

  /**
   * What the commune lookup said of the place: outside every commune holds Send back, with
   * the reason and the fix; anything else (a commune, or no answer offline) lets it go.
   */
  place(found) {
    this.outside = found?.outside ? found : null;
    $('send').disabled = Boolean(this.outside);
    this.showBlocked();
  }

  showBlocked() {
    const el = $('send-blocked');
    el.replaceChildren();
    el.hidden = !this.outside;
    if (!this.outside) return;
    const nearest = this.outside.nearest;
    const reason = nearest?.name
      ? part('span', 'send.outsideNear', {
          distance: nearest.distance_m,
          name: communeName(nearest),
        })
      : part('span', 'send.outside');
    el.append(reason, ' ', part('span', 'fix.place'));
  }

  /** Follow this item on the form's status line until the resident starts another report. */
  watch(item) {
    this.watched = item.id;
    this.show(item);
  }

  forget() {
    this.watched = null;
    this.render(null);
  }

  async refresh() {
    if (!this.watched) return;
    const item = await this.outbox.get(this.watched);
    if (!item) this.forget();
    else this.show(item);
  }

  show(item) {
    if (item.state === State.SENT) {
      const parts = [part('span', 'send.sent', { ref: shortRef(item.serverId) })];
      // Past the server's limit of acknowledgements to the address: no email, the link remains.
      if (item.result?.acknowledgement === 'withheld') parts.push(' ', part('span', 'send.noAcknowledgement'));
      const link = followLink(item, 'send.follow');
      if (link) parts.push(' ', link);
      this.render(parts, 'confirm');
    } else if (item.state === State.ATTENTION) {
      const [key, vars] = reasonKey(item.problem);
      const parts = [part('span', 'send.refused'), ' ', part('span', key, vars)];
      const fix = fixKey(item.problem);
      if (fix) parts.push(' ', part('span', fix));
      if (!item.serverId) {
        const edit = part('a', 'send.fixNow', {}, 'fix-link');
        edit.href = `#/edit/${item.id}`;
        parts.push(' ', edit);
      }
      this.render(parts, 'confirm refused');
    } else {
      this.render([part('span', 'saved')], 'confirm');
    }
  }

  render(parts, className = 'confirm') {
    const el = $('send-status');
    el.className = className;
    el.replaceChildren(...(parts || []));
  }

  /** A failure to save on the phone itself. */
  failed() {
    this.watched = null;
    this.render([part('span', 'savedError')], 'confirm refused');
  }
}
