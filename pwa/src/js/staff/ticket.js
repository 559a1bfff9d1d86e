/** One ticket: its facts, photos, timeline and audit log, and the forms that change it. */

import { el } from '../dom.js';
import { language, say, t } from '../i18n.js';
import { newTransition, State } from '../outbox.js';
import { preparePhoto } from '../photo.js';
import { plainText } from '../plain-text.js';
import { isPendingChange, mayUpdate, pendingPhotos } from './edits.js';
import { membersOf } from './members.js';
import { initPhotoViewer } from './photo-viewer.js';
import { BodyPicker, DuplicatePicker } from './pickers.js';
import { plannable } from './plan-date.js';
import { problemField, problemKey } from './problems.js';
import { describeEdit, TicketEditor } from './ticket-edit.js';
import { renderFacts } from './ticket-facts.js';
import { renderPhotos } from './ticket-photos.js';
import { renderAudit, renderTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const REASON_REQUIRED = new Set(['rejected', 'transferred']);
// The status form's inputs, kept with a change until it is applied (a refusal gives them back).
const FORM_FIELDS = ['change-note', 'change-reason', 'change-date', 'change-body', 'change-dup'];
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

export class TicketView {
  constructor({ api, cache, outbox, me, onUnauthorized, onQueued }) {
    Object.assign(this, { api, cache, outbox, me, onUnauthorized, onQueued });
    this.ticket = null;
    this.id = null;
    this.live = false;
    this.photos = [];
    this.members = [];
    this.delivered = new Set();
    this.holding = new Set(); // my status changes on their way, which the form waits for
    this.editor = new TicketEditor({
      outbox,
      context: () => ({ ticket: this.ticket, members: this.members, me: this.me() }),
      onQueued: async (item) => {
        await this.render();
        this.onQueued(item);
      },
    });
    initPhotoViewer();
    this.duplicates = new DuplicatePicker(api);
    this.bodies = new BodyPicker(api, () => this.ticket?.body?.code);
    $('change-to').addEventListener('change', () => this.showFields());
    $('change-photo').addEventListener('change', (event) => this.addPhoto(event.target));
    $('change-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  async show(id) {
    if (id !== this.id) {
      this.transferredTo = null;
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
      // Applied, or refused (the ticket may have moved on: the crew decides on it as it is).
      // (A refusal to log in again is sent again after the login: its arrival counts too.)
      const done = item.state === State.SENT || item.state === State.ATTENTION;
      const seen = `${item.id}:${item.state}`;
      if (done && !this.delivered.has(seen)) {
        this.delivered.add(seen);
        arrived = true;
        // The change that held the form is made: the form is free for the next one. (Not an
        // older one, found after a reload: the form then holds what the crew is typing.)
        if (item.state === State.SENT && this.holding.delete(item.id)) {
          if (item.body.to === 'transferred') this.transferredTo = item.form?.['change-body'];
          this.resetForm();
        }
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
      if (this.gone && this.transferredTo) {
        say(heading, 'staff.ticket.transferredTo', { name: this.transferredTo });
      } else say(heading, this.gone ? 'staff.ticket.gone' : 'staff.ticket.unavailable');
      for (const id of ['ticket-status', 'ticket-cached']) say($(id), null);
      for (const id of ['ticket-facts', 'ticket-photos', 'ticket-timeline', 'ticket-audit']) {
        $(id).replaceChildren();
      }
      $('ticket-pending').replaceChildren();
      // No ticket on show: no empty timeline and history headings either.
      for (const id of ['change-form', 'change-none', 'edit-form', 'update-form', 'ticket-record']) {
        $(id).hidden = true;
      }
      return;
    }
    $('ticket-record').hidden = false;
    this.gone = false;
    say(heading, null);
    heading.textContent = `${ticket.category?.name ?? ''} — ${ticket.commune?.name ?? ''}`;
    say($('ticket-status'), 'staff.ticket.status', { status: t(`status.${ticket.status}`) });
    if (this.live) say($('ticket-cached'), null);
    else say($('ticket-cached'), 'staff.ticket.cached');
    const people = { members: this.members, me: this.me(), photos: ticket.photos || [] };
    const items = await this.outbox.all();
    const editable = mayUpdate(this.me(), ticket.body?.code);
    renderFacts(ticket, people);
    renderPhotos(ticket, pendingPhotos(items, ticket.id), editable ? this.editor : null);
    const publish = (row, text) => this.editor.queue('publish', { public: true, body: text }, { updateId: row.id });
    renderTimeline($('ticket-timeline'), ticket, editable ? publish : null);
    renderAudit($('ticket-audit'), ticket.audit, people);
    const mine = items.filter((item) => item.ticketId === ticket.id && isPendingChange(item));
    this.renderPending(mine, people);
    // One status change at a time: the next depends on the status it leads to. A refused one
    // leaves the form open, with what was typed and why it was refused.
    const transitions = mine.filter((item) => item.kind === 'transition');
    const refused = transitions.find((item) => item.state === State.ATTENTION);
    const pending = transitions.length > 0 && !refused;
    for (const item of transitions) if (item !== refused) this.holding.add(item.id);
    const allowed = ticket.allowed_transitions || [];
    $('change-form').hidden = pending || allowed.length === 0;
    $('change-none').hidden = pending || allowed.length > 0;
    this.fillOptions(allowed);
    if (refused) this.showRefusal(refused, allowed);
    else if (this.refusalShown) {
      // The refused change was discarded: its reason goes with it.
      this.refusalShown = null;
      say($('change-error'), null);
    }
    this.editor.render(items, editable);
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
      item.kind === 'ticket-edit' ? { what: describeEdit(item, people) } : { status: t(`status.${item.body.to}`) };
    if (item.state !== State.ATTENTION) {
      return [el('p', 'confirm', t(navigator.onLine ? keys.online : keys.offline, vars))];
    }
    const nodes = [el('p', 'reason', t(keys.attention, vars))];
    // A refused status change says why next to the form's fields (see showRefusal).
    if (item.kind !== 'transition') {
      nodes.push(el('p', 'reason', t(problemKey(item.problem), { status: item.problem?.status })));
    }
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
    plannable($('change-date'));
    $('change-transfer').hidden = to !== 'transferred';
    $('change-duplicate').hidden = to !== 'duplicate';
    if (to === 'duplicate' && this.id) this.duplicates.load(this.id);
    $('change-reason-box').hidden = !REASON_REQUIRED.has(to);
    $('change-note-box').hidden = REASON_REQUIRED.has(to);
    $('change-photo-box').hidden = to !== 'resolved';
  }

  resetForm() {
    for (const id of FORM_FIELDS) {
      $(id).value = '';
      $(id).removeAttribute('aria-invalid');
    }
    // Back to the safe choice: a reason is told to the reporter alone unless staff say so.
    $('change-reason-public').checked = false;
    this.photos = [];
    $('change-photos').replaceChildren();
    say($('change-photo-status'), null);
    say($('change-error'), null);
    this.duplicates.reset();
    this.bodies.reset();
  }

  /**
   * The server (or the outbox, on delivery after being offline) refused my status change: the
   * form stays, with what was typed (given back from the change after a reload), and says why
   * in the crew's language. Making the change again replaces the refused one.
   */
  showRefusal(item, allowed) {
    if (this.refusalShown === item.id) return;
    this.refusalShown = item.id;
    const typed = item.form || {};
    if (FORM_FIELDS.every((id) => !$(id).value) && allowed.includes(item.body.to)) {
      $('change-to').value = item.body.to;
      for (const id of FORM_FIELDS) $(id).value = typed[id] ?? '';
      $('change-reason-public').checked = Boolean(item.body.reason_public);
      this.showFields();
    }
    const key = problemKey(item.problem);
    const field = problemField(key);
    if (field) $(field).setAttribute('aria-invalid', 'true');
    say($('change-error'), key, { status: item.problem?.status ?? '?' });
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
    const note = plainText($('change-note').value);
    if (note && !REASON_REQUIRED.has(to)) body.note = note;
    const need = (id, key) => {
      const input = $(id);
      const value = plainText(input.value);
      if (value) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      if (!value && !this.missing) this.missing = [input, key];
      return value;
    };
    this.missing = null;
    if (to === 'planned') body.planned_for = need('change-date', 'staff.change.needDate');
    if (to === 'transferred') {
      body.to_body = this.bodies.value(need('change-body', 'staff.change.needBody'));
    }
    if (to === 'duplicate') {
      body.duplicate_of = this.duplicates.value(need('change-dup', 'staff.change.needDuplicate'));
    }
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
    for (const old of await this.outbox.all()) {
      const refused = old.kind === 'transition' && old.state === State.ATTENTION;
      if (refused && old.ticketId === ticket.id) await this.outbox.remove(old.id);
    }
    const photos = body.to === 'resolved' ? this.photos : [];
    const item = newTransition({
      ticketId: ticket.id,
      version: ticket.version,
      body,
      photos: photos.map(({ id, type, data }) => ({ id, type, data })),
      lang: language(),
    });
    item.form = Object.fromEntries(FORM_FIELDS.map((id) => [id, $(id).value]));
    this.holding.add(item.id);
    await this.outbox.put(item);
    await this.render();
    $('ticket-pending').querySelector('p')?.setAttribute('tabindex', '-1');
    this.onQueued(item);
  }
}
