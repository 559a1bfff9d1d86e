/** One ticket: its facts, photos, timeline and audit log, and the forms that change it. */

import { language, say, t } from '../i18n.js';
import { newTransition, State } from '../outbox.js';
import { preparePhoto } from '../photo.js';
import { bodyCode } from './api.js';
import { isPendingChange, mayUpdate, pendingPhotos } from './edits.js';
import { formatDate } from './list.js';
import { membersOf } from './members.js';
import { initPhotoViewer, openPhoto } from './photo-viewer.js';
import { describeEdit, TicketEditor } from './ticket-edit.js';
import { personName, renderAudit, renderTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const REASON_REQUIRED = new Set(['rejected', 'transferred']);
const MAX_PHOTOS = 3;
const PENDING = {
  transition: {
    online: 'staff.pending.waiting',
    offline: 'staff.pending.offline',
    attention: 'staff.pending.attention',
  },
  'ticket-edit': {
    online: 'staff.pending.editWaiting',
    offline: 'staff.pending.editOffline',
    attention: 'staff.pending.editAttention',
  },
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class TicketView {
  constructor({ api, cache, outbox, me, onUnauthorized, onQueued }) {
    Object.assign(this, { api, cache, outbox, me, onUnauthorized, onQueued });
    this.ticket = null;
    this.id = null;
    this.live = false;
    this.photos = [];
    this.members = [];
    this.delivered = new Set();
    this.editor = new TicketEditor({
      outbox,
      context: () => ({ ticket: this.ticket, members: this.members, me: this.me() }),
      onQueued: async (item) => {
        await this.render();
        this.onQueued(item);
      },
    });
    initPhotoViewer();
    $('change-to').addEventListener('change', () => this.showFields());
    $('change-photo').addEventListener('change', (event) => this.addPhoto(event.target));
    $('change-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  async show(id) {
    if (id !== this.id) {
      this.photos = [];
      this.ticket = null;
      this.resetForm();
      this.editor.resetUpdate();
    }
    this.id = id;
    this.ticket = (await this.cache.get(`ticket:${id}`)) || this.ticket;
    const code = this.ticket?.body?.code;
    this.members = (code && (await this.cache.get(`members:${code}`))) || [];
    this.live = false;
    await this.render();
    await this.fetch();
  }

  async fetch() {
    const id = this.id;
    let answer;
    try {
      answer = await this.api.getTicket(id);
    } catch {
      return;
    }
    if (id !== this.id) return;
    if (answer.status === 401) {
      this.onUnauthorized();
      return;
    }
    if (answer.status === 200) {
      this.ticket = answer.body;
      this.live = true;
      await this.cache.put(`ticket:${id}`, answer.body);
      this.members = await membersOf(this.api, this.cache, answer.body.body.code);
    } else if (answer.status === 403 || answer.status === 404) {
      // Transferred to another body, for instance: no longer ours to see.
      this.ticket = null;
      this.gone = true;
    }
    await this.render();
  }

  /** The outbox changed: redraw, and fetch the ticket again once a change of ours arrived. */
  async outboxChanged() {
    if (!this.id || $('screen-ticket').hidden) return;
    let arrived = false;
    for (const item of await this.outbox.all()) {
      if (!['transition', 'ticket-edit'].includes(item.kind) || item.ticketId !== this.id) continue;
      if (item.state === State.SENT && !this.delivered.has(item.id)) {
        this.delivered.add(item.id);
        arrived = true;
      }
    }
    if (arrived) await this.fetch();
    else await this.render();
  }

  async render() {
    if (!this.id || $('screen-ticket').hidden) return;
    const ticket = this.ticket;
    const heading = $('ticket-heading');
    if (!ticket) {
      say(heading, this.gone ? 'staff.ticket.gone' : 'staff.ticket.unavailable');
      for (const id of ['ticket-status', 'ticket-cached']) say($(id), null);
      for (const id of ['ticket-facts', 'ticket-photos', 'ticket-timeline', 'ticket-audit']) {
        $(id).replaceChildren();
      }
      $('ticket-pending').replaceChildren();
      for (const id of ['change-form', 'change-none', 'edit-form', 'update-form']) {
        $(id).hidden = true;
      }
      return;
    }
    this.gone = false;
    say(heading, null);
    heading.textContent = `${ticket.category?.name ?? ''} — ${ticket.commune?.name ?? ''}`;
    say($('ticket-status'), 'staff.ticket.status', { status: t(`status.${ticket.status}`) });
    if (this.live) say($('ticket-cached'), null);
    else say($('ticket-cached'), 'staff.ticket.cached');
    const people = { members: this.members, me: this.me(), photos: ticket.photos || [] };
    const items = await this.outbox.all();
    const editable = mayUpdate(this.me(), ticket.body?.code);
    this.renderFacts(ticket, people);
    this.renderPhotos(ticket, items, editable);
    const publish = (row, text) =>
      this.editor.queue('publish', { public: true, body: text }, { updateId: row.id });
    renderTimeline($('ticket-timeline'), ticket, editable ? publish : null);
    renderAudit($('ticket-audit'), ticket.audit, people);
    const mine = items.filter((item) => item.ticketId === ticket.id && isPendingChange(item));
    this.renderPending(mine, people);
    // One status change at a time: the next depends on the status it leads to.
    const pending = mine.some((item) => item.kind === 'transition');
    const allowed = ticket.allowed_transitions || [];
    $('change-form').hidden = pending || allowed.length === 0;
    $('change-none').hidden = pending || allowed.length > 0;
    this.fillOptions(allowed);
    this.editor.render(items, editable);
  }

  renderFacts(ticket, people) {
    const facts = [
      t('staff.ticket.body', { body: ticket.body?.name ?? '' }),
      t('staff.ticket.created', { at: formatDate(ticket.created_at) }),
      t('staff.ticket.priority', { priority: t(`staff.priority.${ticket.priority || 'normal'}`) }),
      t('staff.ticket.assignee', { who: personName(ticket.assignee_user_id, people) }),
    ];
    if (ticket.planned_for) {
      const day = new Date(`${ticket.planned_for}T12:00:00`).toLocaleDateString(language(), {
        dateStyle: 'long',
      });
      facts.push(t('staff.ticket.planned', { date: day }));
    }
    if (ticket.reporter) {
      const who = [ticket.reporter.name, ticket.reporter.email, ticket.reporter.phone];
      facts.push(t('staff.ticket.reporter', { who: who.filter(Boolean).join(', ') }));
    }
    const nodes = facts.map((text) => el('p', 'note', text));
    if (ticket.description) nodes.push(el('p', 'description', ticket.description));
    if (ticket.location) {
      const { lat, lon } = ticket.location;
      const where = { lat: lat.toFixed(5), lon: lon.toFixed(5) };
      const link = el('a', '', t('staff.ticket.where', where));
      link.href = `geo:${lat},${lon}`;
      const p = el('p');
      p.append(link);
      nodes.push(p);
    }
    $('ticket-facts').replaceChildren(...nodes);
  }

  /** The photos, each with a button to hide it from the public (a face, a plate) or show it. */
  renderPhotos(ticket, outboxItems, editable) {
    const waiting = pendingPhotos(outboxItems, ticket.id);
    const items = (ticket.photos || []).map((photo, index) => {
      const li = el('li');
      const n = index + 1;
      if (editable) {
        const hidden = waiting.get(photo.id) ?? photo.hidden;
        const label = t(hidden ? 'staff.photo.show' : 'staff.photo.hide', { n });
        const toggle = el('button', 'secondary small', label);
        toggle.type = 'button';
        toggle.addEventListener('click', () =>
          this.editor.queue('photo', { hidden: !hidden }, { photoId: photo.id }),
        );
        li.append(toggle);
      }
      // A hidden photo's files are served to nobody: its place says so.
      if (photo.hidden) {
        li.prepend(el('p', 'note', t('staff.photo.hidden', { n })));
        return li;
      }
      // Opened large inside the app, never in a new tab or as a download.
      const link = el('button', 'photo-link');
      link.type = 'button';
      link.setAttribute('aria-label', t('staff.photo.open', { n }));
      link.dataset.photo = String(photo.id);
      link.addEventListener('click', () => openPhoto(photo.url, n, link));
      const img = el('img');
      img.src = photo.thumbnail_url || photo.url;
      img.alt = t('photos.alt', { n: index + 1 });
      img.width = 96;
      img.height = 96;
      img.loading = 'lazy';
      link.append(img);
      li.prepend(link);
      return li;
    });
    $('ticket-photos').replaceChildren(...items);
  }

  /** My changes to this ticket not applied yet: waiting to be sent, or refused. */
  renderPending(items, people) {
    const nodes = items.flatMap((item) => this.pendingNodes(item, people));
    $('ticket-pending').replaceChildren(...nodes);
  }

  pendingNodes(item, people) {
    const keys = PENDING[item.kind];
    // A status change names its status; an edit says what it changes.
    const vars =
      item.kind === 'ticket-edit'
        ? { what: describeEdit(item, people) }
        : { status: t(`status.${item.body.to}`) };
    if (item.state !== State.ATTENTION) {
      return [el('p', 'confirm', t(navigator.onLine ? keys.online : keys.offline, vars))];
    }
    const nodes = [];
    const p = item.problem || {};
    let key = 'staff.problem.other';
    if (p.status === 412) key = 'staff.problem.stale';
    else if (p.status === 409) key = 'staff.problem.notAllowed';
    else if (p.status === 401 || p.status === 403) key = 'staff.problem.login';
    else if (String(p.type || '').endsWith('/invalid-text')) key = 'staff.problem.invalidText';
    else if (p.status === 422) key = 'staff.problem.invalid';
    nodes.push(el('p', 'reason', t(keys.attention, vars)));
    nodes.push(el('p', 'reason', t(key, { status: p.status ?? '?' })));
    if (p.detail) nodes.push(el('p', 'note', p.detail));
    const discard = el('button', 'secondary', t('staff.pending.discard'));
    discard.type = 'button';
    discard.addEventListener('click', async () => {
      await this.outbox.remove(item.id);
      await this.fetch();
      await this.render();
    });
    nodes.push(discard);
    return nodes;
  }

  fillOptions(allowed) {
    const select = $('change-to');
    const chosen = select.value;
    select.replaceChildren(
      ...allowed.map((status) => {
        const option = el('option', '', t(`staff.to.${status}`));
        option.value = status;
        return option;
      }),
    );
    if (allowed.includes(chosen)) select.value = chosen;
    this.showFields();
  }

  showFields() {
    const to = $('change-to').value;
    $('change-planned').hidden = to !== 'planned';
    $('change-transfer').hidden = to !== 'transferred';
    $('change-duplicate').hidden = to !== 'duplicate';
    $('change-reason-box').hidden = !REASON_REQUIRED.has(to);
    $('change-photo-box').hidden = to !== 'resolved';
  }

  resetForm() {
    for (const id of ['change-note', 'change-reason', 'change-date', 'change-body', 'change-dup']) {
      $(id).value = '';
      $(id).removeAttribute('aria-invalid');
    }
    // Back to the safe choice: a reason is told to the reporter alone unless staff say so.
    $('change-reason-public').checked = false;
    this.photos = [];
    $('change-photos').replaceChildren();
    say($('change-photo-status'), null);
    say($('change-error'), null);
  }

  async addPhoto(input) {
    const file = input.files?.[0];
    input.value = '';
    if (!file || this.photos.length >= MAX_PHOTOS) return;
    say($('change-photo-status'), 'photos.preparing');
    try {
      const photo = await preparePhoto(file);
      this.photos.push({ id: crypto.randomUUID(), ...photo });
      say($('change-photo-status'), 'staff.change.photoCount', { n: this.photos.length });
    } catch {
      say($('change-photo-status'), 'photos.unreadable');
      return;
    }
    const items = this.photos.map((photo, index) => {
      const li = el('li');
      if (photo.preview) {
        const img = el('img');
        Object.assign(img, { src: photo.preview, width: 72, height: 72 });
        img.alt = t('photos.alt', { n: index + 1 });
        li.append(img);
      }
      return li;
    });
    $('change-photos').replaceChildren(...items);
  }

  /** Check the form; the first missing field gets the focus and the message. */
  collect() {
    const to = $('change-to').value;
    const body = { to };
    const note = $('change-note').value.trim();
    if (note) body.note = note;
    const need = (id, key) => {
      const input = $(id);
      const value = input.value.trim();
      if (value) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      if (!value && !this.missing) this.missing = [input, key];
      return value;
    };
    this.missing = null;
    if (to === 'planned') body.planned_for = need('change-date', 'staff.change.needDate');
    if (to === 'transferred') body.to_body = bodyCode(need('change-body', 'staff.change.needBody'));
    if (to === 'duplicate') body.duplicate_of = need('change-dup', 'staff.change.needDuplicate');
    if (REASON_REQUIRED.has(to)) {
      body.reason = need('change-reason', 'staff.change.needReason');
      body.reason_public = $('change-reason-public').checked;
    }
    return body;
  }

  async submit() {
    const ticket = this.ticket;
    if (!ticket) return;
    const body = this.collect();
    if (this.missing) {
      const [input, key] = this.missing;
      say($('change-error'), key);
      input.focus();
      return;
    }
    say($('change-error'), null);
    const photos = body.to === 'resolved' ? this.photos : [];
    const item = newTransition({
      ticketId: ticket.id,
      version: ticket.version,
      body,
      photos: photos.map(({ id, type, data }) => ({ id, type, data })),
      lang: language(),
    });
    await this.outbox.put(item);
    this.resetForm();
    await this.render();
    $('ticket-pending').querySelector('p')?.setAttribute('tabindex', '-1');
    this.onQueued(item);
  }
}
