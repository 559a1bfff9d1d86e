/** My tickets: the list (the primary view, kept for offline use) and the optional map. */

import { formatDate, language, say, t } from '../i18n.js';
import { canShowTiles } from '../map-base.js';
import { State } from '../outbox.js';
import { age, shortRef } from './card.js';
import { isPendingChange } from './edits.js';
import { membersOf } from './members.js';

const $ = (id) => document.getElementById(id);
const OPEN = 'new,acknowledged,planned,in_progress,transferred,reopened';
// Details fetched ahead, so that a ticket opened in a dead zone still shows.
const PREFETCH = 50;

/** The query string of the filters as the crew set them. */
export function listQuery(status, mine) {
  const params = new URLSearchParams({ limit: '100', sort: '-updated_at' });
  if (status) params.set('status', status === 'open' ? OPEN : status);
  if (mine) params.set('assigned_to_me', 'true');
  return params.toString();
}

/** The changes (status changes and edits) of each ticket not yet applied, oldest first. */
export async function pendingByTicket(outbox) {
  const pending = new Map();
  for (const item of await outbox.all()) {
    if (!isPendingChange(item)) continue;
    pending.set(item.ticketId, [...(pending.get(item.ticketId) || []), item]);
  }
  return pending;
}

/**
 * The resident's text, each paragraph on its own line: the report form sends the place they
 * typed ("Grand-Place 12") and their description as two paragraphs, which one line glued
 * together. Screen readers hear "Description:" first, then each paragraph apart.
 */
export function saidBlock(description) {
  const block = document.createElement('div');
  block.className = 'said';
  const paragraphs = description.split(/\n\s*\n/).filter((part) => part.trim());
  for (const [i, part] of paragraphs.entries()) {
    const p = document.createElement('p');
    if (i === 0) {
      const label = document.createElement('span');
      label.className = 'visually-hidden';
      label.textContent = `${t('staff.list.said')} `;
      p.append(label);
    }
    p.append(part.trim());
    block.append(p);
  }
  return block;
}

export class TicketList {
  constructor({ api, cache, outbox, config, onUnauthorized }) {
    Object.assign(this, { api, cache, outbox, config, onUnauthorized });
    this.items = [];
    this.fetchedAt = null;
    this.live = false;
    this.map = null;
    $('filter-status').addEventListener('change', () => this.load());
    $('filter-mine').addEventListener('change', () => this.load());
    $('refresh').addEventListener('click', () => this.load());
    $('show-map').addEventListener('click', () => this.toggleMap());
  }

  query() {
    return listQuery($('filter-status').value, $('filter-mine').checked);
  }

  async load() {
    const query = this.query();
    const cached = await this.cache.get(`list:${query}`);
    if (cached) {
      Object.assign(this, { items: cached.items, fetchedAt: cached.at, live: false });
      await this.render();
    }
    let answer;
    try {
      answer = await this.api.list(query);
    } catch {
      answer = null;
    }
    if (query !== this.query()) return;
    if (answer?.status === 401) {
      this.onUnauthorized();
      return;
    }
    if (answer?.status === 200) {
      const at = new Date().toISOString();
      await this.cache.put(`list:${query}`, { items: answer.body.items, at });
      Object.assign(this, { items: answer.body.items, fetchedAt: at, live: true });
      this.prefetch(answer.body.items);
    } else if (!cached) {
      Object.assign(this, { items: [], fetchedAt: null, live: false });
    }
    await this.render();
  }

  async prefetch(items) {
    // Who may be assigned, for tickets opened later without a network.
    for (const code of new Set(items.map((item) => item.body.code))) {
      await membersOf(this.api, this.cache, code);
    }
    for (const item of items.slice(0, PREFETCH)) {
      const known = await this.cache.get(`ticket:${item.id}`);
      if (known && known.version === item.version) continue;
      try {
        const answer = await this.api.getTicket(item.id);
        if (answer.status === 200) await this.cache.put(`ticket:${item.id}`, answer.body);
      } catch {
        return;
      }
    }
  }

  async render() {
    const status = $('list-status');
    if (this.live) say(status, 'staff.list.count', { n: this.items.length });
    else if (this.fetchedAt) say(status, 'staff.list.cached', { at: formatDate(this.fetchedAt) });
    else say(status, 'staff.list.unavailable');
    const pending = await pendingByTicket(this.outbox);
    $('ticket-list').replaceChildren(...this.items.map((item) => this.renderItem(item, pending)));
    await this.renderOutbox(pending);
    $('show-map').hidden = !canShowTiles(this.config);
    if (this.map) this.map.show(this.items);
  }

  renderItem(item, pending) {
    const li = document.createElement('li');
    const changes = pending.get(item.id) || [];
    const change = changes.filter((it) => it.kind === 'transition').pop();
    const edits = changes.filter((it) => it.kind === 'ticket-edit');
    li.className = `report ticket status-${item.status}`;
    const link = document.createElement('a');
    link.href = `#/t/${item.id}`;
    link.textContent = `${item.category?.name ?? ''} — ${item.commune?.name ?? ''}`;
    const title = document.createElement('h2');
    title.append(link);
    const ref = document.createElement('p');
    ref.className = 'ref';
    ref.textContent = t('staff.list.ref', { ref: shortRef(item.id) });
    const state = document.createElement('p');
    state.className = 'state';
    state.textContent = t('staff.ticket.status', { status: t(`status.${item.status}`) });
    if (item.thumbnail_url) {
      const img = document.createElement('img');
      Object.assign(img, { src: item.thumbnail_url, width: 72, height: 72, loading: 'lazy' });
      img.className = 'thumb';
      img.alt = t('staff.list.photo');
      li.append(img);
    }
    li.append(title, ref, state);
    if (change) {
      const waiting = document.createElement('p');
      waiting.className = change.state === State.ATTENTION ? 'reason' : 'note';
      const attention = change.state === State.ATTENTION;
      const key = attention ? 'staff.pending.attention' : 'staff.pending.waiting';
      say(waiting, key, { status: t(`status.${change.body.to}`) });
      li.append(waiting);
    }
    if (edits.length) {
      const refused = edits.some((it) => it.state === State.ATTENTION);
      const note = document.createElement('p');
      note.className = refused ? 'reason' : 'note';
      const key = refused ? 'staff.list.editRefused' : 'staff.list.editsWaiting';
      say(note, key, { n: edits.length });
      li.append(note);
    }
    const meta = document.createElement('p');
    meta.className = 'note';
    meta.textContent = t('staff.list.meta', {
      age: age(item.created_at, Date.now(), language(), t('staff.age.justNow')),
      priority: t(`staff.priority.${item.priority || 'normal'}`),
    });
    li.append(meta);
    if (item.description) li.append(saidBlock(item.description));
    return li;
  }

  /** "n changes waiting to be sent", and the button to send them now. */
  async renderOutbox(pending) {
    pending ??= await pendingByTicket(this.outbox);
    const waiting = [...pending.values()].flat().filter((it) => it.state !== State.ATTENTION);
    const summary = $('outbox-summary');
    if (!waiting.length) say(summary, null);
    else if (!navigator.onLine) say(summary, 'staff.outbox.offline', { n: waiting.length });
    else say(summary, 'staff.outbox.waiting', { n: waiting.length });
    $('send-now').hidden = waiting.length === 0;
  }

  async toggleMap() {
    const button = $('show-map');
    const showing = button.getAttribute('aria-pressed') === 'true';
    button.setAttribute('aria-pressed', String(!showing));
    $('ticket-map').hidden = showing;
    if (showing) return;
    if (!this.map) {
      const { TicketMap } = await import('./map.js');
      this.map = new TicketMap($('ticket-map'), this.config);
    }
    await this.map.show(this.items);
  }
}
