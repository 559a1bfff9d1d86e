/** Reports a body's own system did not take: the failed sends, their error, and a retry. */

import { say, t } from '../i18n.js';
import { shortRef } from './card.js';
import { formatDate } from './list.js';

const $ = (id) => document.getElementById(id);

/** Where a ticket is handled, on its screen: sent (with the reference), being sent, failed. */
export function deliveryLine(delivery) {
  if (!delivery) return null;
  const vars = { body: delivery.body?.name ?? '', ref: delivery.reference ?? '', error: delivery.error ?? '' };
  if (delivery.state === 'sent') return t('staff.delivery.sent', vars);
  if (delivery.state === 'failed') return t('staff.delivery.failed', vars);
  return t(delivery.error ? 'staff.delivery.retrying' : 'staff.delivery.sending', vars);
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
    // The remote's or the network's own words: shown as they are, never as markup.
    const error = Object.assign(document.createElement('p'), { className: 'state', textContent: item.error ?? '' });
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.className = 'secondary small';
    say(retry, 'staff.deliveries.retry');
    retry.addEventListener('click', () => this.retry(item));
    li.append(title, ...facts, error, retry);
    return li;
  }
}
