/** Reports a body's own system did not take: the failed sends, their error, and a retry. */

import { el } from '../dom.js';
import { formatDate, say, t } from '../i18n.js';
import { shortRef } from './card.js';

const $ = (id) => document.getElementById(id);

// The kinds of a failed send (app/delivery/failures.py), each a sentence of its own.
const KINDS = new Set([
  'refused',
  'remote_error',
  'no_answer',
  'unreachable',
  'internal_address',
  'duplicate_id',
  'no_connection',
  'transferred',
  'no_service_code',
  'key_unreadable',
]);
// The kinds whose detail is the remote system's own words.
const REMOTE_WORDS = new Set(['refused', 'remote_error']);

/** Why the last attempt failed, in the reader's language: a catalogue key and its values. */
export function deliveryReason(delivery) {
  const failure = delivery.failure ?? {};
  const kind = KINDS.has(failure.kind) ? failure.kind : 'unknown';
  const vars = {
    body: delivery.body?.name ?? '',
    status: failure.status ?? '',
    category: failure.detail ?? '',
  };
  return { key: `staff.deliveryError.${kind}`, vars };
}

/**
 * The remote system's own words about the failure, if it gave some: quoted as it wrote them
 * (in its language, not the reader's), never as markup.
 */
export function remoteWords(delivery) {
  const failure = delivery?.failure;
  if (!failure || !REMOTE_WORDS.has(failure.kind) || !failure.detail) return null;
  const p = el('p', 'note remote-words');
  const label = el('span');
  say(label, 'staff.deliveryError.remoteSaid');
  const words = el('q', 'remote-text', failure.detail);
  words.translate = false;
  words.dataset.remote = 'true';
  p.append(label, ' ', words);
  return p;
}

/** Where a ticket is handled, on its screen: sent (with the reference), being sent, failed. */
export function deliveryLine(delivery) {
  if (!delivery) return null;
  const vars = { body: delivery.body?.name ?? '', ref: delivery.reference ?? '' };
  if (delivery.state === 'sent') return t('staff.delivery.sent', vars);
  if (delivery.state !== 'failed' && !delivery.error) return t('staff.delivery.sending', vars);
  const reason = deliveryReason(delivery);
  const error = t(reason.key, reason.vars);
  return t(delivery.state === 'failed' ? 'staff.delivery.failed' : 'staff.delivery.retrying', { ...vars, error });
}

export class DeliveriesView {
  constructor({ api, onUnauthorized }) {
    Object.assign(this, { api, onUnauthorized });
    this.items = [];
  }

  async load() {
    say($('deliveries-status'), null);
    let answer;
    try {
      answer = await this.api.failedDeliveries();
    } catch {
      say($('deliveries-status'), 'staff.deliveries.offline');
      return;
    }
    if (answer.status === 401) return this.onUnauthorized();
    if (answer.status !== 200) {
      say($('deliveries-status'), 'staff.deliveries.refused', { status: answer.status });
      return;
    }
    this.items = answer.body.items;
    this.render();
  }

  async retry(item) {
    let answer;
    try {
      answer = await this.api.retryDelivery(item.id);
    } catch {
      say($('deliveries-status'), 'staff.deliveries.offline');
      return;
    }
    if (answer.status === 401) return this.onUnauthorized();
    await this.load();
    const ref = shortRef(item.report_id);
    const key = answer.status === 200 ? 'staff.deliveries.queued' : 'staff.deliveries.refused';
    say($('deliveries-status'), key, { ref, status: answer.status });
  }

  render() {
    const list = $('deliveries-list');
    if (!list) return;
    list.replaceChildren();
    if (!this.items.length) {
      const none = document.createElement('p');
      none.className = 'note';
      say(none, 'staff.deliveries.none');
      list.append(none);
      return;
    }
    for (const item of this.items) list.append(this.item(item));
  }

  item(item) {
    const li = document.createElement('li');
    li.className = 'account';
    li.dataset.deliveryId = item.id;
    const title = document.createElement('h2');
    const link = document.createElement('a');
    link.href = `#/t/${item.report_id}`;
    link.textContent = t('staff.list.ref', { ref: shortRef(item.report_id) });
    title.append(link);
    const facts = [
      t('staff.deliveries.to', { body: item.body.name }),
      t('staff.deliveries.when', { at: formatDate(item.failed_at), attempts: item.attempts }),
    ].map((text) => Object.assign(document.createElement('p'), { className: 'note', textContent: text }));
    // Why, in the reader's words; the remote's own words, if any, quoted apart.
    const error = el('p', 'state');
    const reason = deliveryReason(item);
    say(error, reason.key, reason.vars);
    const remote = remoteWords(item);
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'secondary small';
    say(retry, 'staff.deliveries.retry');
    retry.addEventListener('click', () => this.retry(item));
    li.append(title, ...facts, error, ...(remote ? [remote] : []), retry);
    return li;
  }
}
