/** "My reports": every report made on this phone, its delivery state and its server status. */

import { cachedCategories, iconFor, nameIn } from '../categories.js';
import { language, say, t } from '../i18n.js';
import { State } from '../outbox.js';
import { fixKey, isExplained, photoReasonKey, reasonKey } from './refusal.js';
import { followLink, shortRef } from './send-state.js';

const $ = (id) => document.getElementById(id);

function line(className, key, vars) {
  const p = document.createElement('p');
  p.className = className;
  say(p, key, vars);
  return p;
}

function button(key, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  say(b, key);
  b.addEventListener('click', onClick);
  return b;
}

export class MyReports {
  constructor({ outbox, onEdit, onRetry, onSendNow }) {
    this.outbox = outbox;
    this.onEdit = onEdit;
    this.onRetry = onRetry;
    $('send-now').addEventListener('click', onSendNow);
  }

  async render() {
    const items = (await this.outbox.all()).reverse();
    const pending = items.filter((it) => it.state !== State.SENT);
    const waiting = items.filter((it) => it.state === State.WAITING || it.state === State.SENDING);
    $('mine-count').textContent = pending.length ? `(${pending.length})` : '';
    const summary = $('mine-summary');
    if (!items.length) say(summary, 'mine.empty');
    else if (waiting.length && !navigator.onLine) say(summary, 'mine.offline');
    else if (waiting.length) say(summary, 'mine.waitingCount', { n: waiting.length });
    else say(summary, null);
    $('send-now').hidden = waiting.length === 0;
    // An item drawn as before stays the same element: replaced, the link a finger is on would
    // take no tap, and the keyboard's focus would fall back to the page. (Items with buttons
    // are drawn anew: their handlers hold the item as it is now.)
    const list = $('mine-list');
    const shown = new Map([...list.children].map((li) => [li.dataset.id, li]));
    const drawn = items.map((item) => {
      const fresh = this.renderItem(item);
      const kept = shown.get(item.id);
      return kept && !fresh.querySelector('button') && kept.isEqualNode(fresh) ? kept : fresh;
    });
    if (drawn.length !== list.children.length || drawn.some((li, i) => li !== list.children[i])) {
      list.replaceChildren(...drawn);
    }
  }

  renderItem(item) {
    const lang = language();
    const li = document.createElement('li');
    li.className = `report state-${item.state}`;
    li.dataset.id = item.id;
    const category = cachedCategories().find((c) => c.code === item.body.category);
    const title = document.createElement('h2');
    const icon = document.createElement('span');
    icon.setAttribute('aria-hidden', 'true');
    icon.className = 'icon';
    icon.append(iconFor(item.body.category));
    const name = document.createElement('span');
    name.textContent = category ? nameIn(category, lang) : item.body.category;
    title.append(icon, name);
    if (item.thumbnail) {
      const img = document.createElement('img');
      img.className = 'thumb';
      img.src = item.thumbnail;
      img.alt = t('mine.thumbnail');
      li.append(img);
    }
    const state = document.createElement('p');
    state.className = 'state';
    // Offline, a waiting report is not failing: it waits for the network, and says so.
    const offline = !navigator.onLine && (item.state === State.WAITING || item.state === State.SENDING);
    say(state, offline ? 'state.waitingConnection' : `state.${item.state}`);
    // Belgian time, as on the follow page and in the emails, wherever the phone thinks it is.
    const made = new Date(item.createdAt).toLocaleString(lang, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Europe/Brussels',
    });
    li.append(title, state);
    if (item.serverId && !item.kind) li.append(line('ref', 'mine.reference', { ref: shortRef(item.serverId) }));
    li.append(line('note', 'mine.madeAt', { date: made }));
    const photos = item.photos.length;
    if (photos) li.append(line('note', 'mine.photos', { n: photos }));
    const result = item.result;
    if (result?.commune?.name) li.append(line('note', 'mine.commune', { name: result.commune.name }));
    if (item.state === State.SENT && result?.status) {
      li.append(line('note', 'mine.serverStatus', { status: t(`status.${result.status}`) }));
    }
    const follow = item.serverId ? followLink(item, 'mine.follow') : null;
    if (follow) {
      const p = document.createElement('p');
      p.append(follow);
      li.append(p);
    }
    for (const photo of item.photos.filter((p) => p.rejected)) {
      li.append(line('note', ...photoReasonKey(photo.rejected)));
    }
    if (item.state === State.WAITING && item.lastError && !offline) li.append(line('note', 'mine.lastError'));
    if (item.state === State.ATTENTION) li.append(...this.attention(item));
    return li;
  }

  attention(item) {
    const [key, vars] = reasonKey(item.problem);
    const parts = [line('reason', 'mine.reason', { reason: t(key, vars) })];
    const fix = fixKey(item.problem);
    if (fix) parts.push(line('note', fix));
    // A refusal the app cannot name in the resident's words: the server's own, for help.
    if (item.problem?.detail && !isExplained(item.problem)) {
      // The server's own words, in English: kept for whoever helps the resident.
      const detail = document.createElement('p');
      detail.className = 'note';
      detail.lang = 'en';
      detail.textContent = item.problem.detail;
      parts.push(detail);
    }
    const actions = document.createElement('div');
    actions.className = 'row';
    if (!item.serverId) actions.append(button('mine.edit', 'primary', () => this.onEdit(item)));
    actions.append(
      button('mine.retry', 'secondary', () => this.onRetry(item)),
      button('mine.delete', 'secondary danger', async () => {
        if (!window.confirm(t('mine.confirmDelete'))) return;
        await this.outbox.remove(item.id);
        await this.render();
        $('mine-heading').focus();
      }),
    );
    parts.push(actions);
    return parts;
  }

  /** Refresh the server status of sent reports, when online; quietly skipped otherwise. */
  async refreshStatuses() {
    if (navigator.onLine) await this.fetchStatuses();
    await this.render();
  }

  async fetchStatuses() {
    const sent = (await this.outbox.all()).filter((it) => it.state === State.SENT).slice(-20);
    for (const item of sent) {
      try {
        const response = await fetch(`/api/v1/reports/${item.serverId}`, {
          headers: { Accept: 'application/json', 'Accept-Language': language() },
        });
        if (!response.ok) continue;
        const { status, commune } = await response.json();
        const before = item.result ?? {};
        if (status === before.status && JSON.stringify(commune) === JSON.stringify(before.commune)) continue;
        await this.outbox.update(item.id, (it) => ({ ...it, result: { ...it.result, status, commune } }));
      } catch {
        return;
      }
    }
  }
}
