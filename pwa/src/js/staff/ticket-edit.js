/** The ticket's priority, assignee and open-data consent, and its updates and internal notes. */

import { flagField } from '../dom.js';
import { language, say, t } from '../i18n.js';
import { newTicketEdit, withPendingEdits } from './edits.js';
import { personName, photoNumber } from './timeline.js';

const $ = (id) => document.getElementById(id);

function option(value, text) {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = text;
  return node;
}

/**
 * Both forms put an edit in the outbox, as status changes are: applied once the network
 * allows, in the order they were made. `context()` gives { ticket, members, me }.
 */
export class TicketEditor {
  constructor({ outbox, context, onQueued }) {
    Object.assign(this, { outbox, context, onQueued });
    this.shownKey = null;
    $('edit-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.saveFields();
    });
    $('update-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.postUpdate();
    });
    $('update-body').addEventListener('input', () => say($('update-done'), null));
  }

  /** Fill the form with the ticket as it will be once my waiting edits arrive. */
  render(items, editable) {
    const { ticket, members, me } = this.context();
    $('edit-form').hidden = !editable;
    $('update-form').hidden = !editable;
    if (!editable) return;
    const shown = withPendingEdits(ticket, items);
    // Redraws (a language switch, the outbox) keep what the crew is choosing, unless the
    // ticket itself changed underneath.
    const key = JSON.stringify([shown.id, shown.version, shown.priority, shown.assignee_user_id]);
    const changed = key !== this.shownKey;
    this.shownKey = key;

    const assignee = $('edit-assignee');
    const chosen = changed ? String(shown.assignee_user_id ?? '') : assignee.value;
    const people = { members, me };
    const options = [option('', t('staff.assignee.nobody'))];
    if (me) options.push(option(String(me.id), personName(me.id, people)));
    for (const member of members) {
      if (member.id !== me?.id) options.push(option(String(member.id), member.name));
    }
    const current = shown.assignee_user_id;
    if (current != null && !options.some((o) => o.value === String(current))) {
      options.push(option(String(current), personName(current, people)));
    }
    assignee.replaceChildren(...options);
    assignee.value = chosen;
    if (changed) $('edit-priority').value = shown.priority || 'normal';

    // Only offered once the server knows the field.
    const consent = 'description_public' in ticket;
    $('edit-publish-box').hidden = !consent;
    if (consent && changed) $('edit-publish').checked = Boolean(shown.description_public);
  }

  /** What the crew changed in the form, as a PATCH body (empty when nothing). */
  collect(shown) {
    const body = {};
    const priority = $('edit-priority').value;
    if (priority !== (shown.priority || 'normal')) body.priority = priority;
    const picked = $('edit-assignee').value;
    const assignee = picked === '' ? null : Number(picked);
    if (assignee !== (shown.assignee_user_id ?? null)) body.assignee_user_id = assignee;
    if (!$('edit-publish-box').hidden) {
      const publish = $('edit-publish').checked;
      if (publish !== Boolean(shown.description_public)) body.description_public = publish;
    }
    return body;
  }

  /** Put an edit in the outbox; `extra` names its target (a photo's id). */
  async queue(action, body, extra = {}) {
    const { ticket } = this.context();
    // The version shown: my own changes applied before it is sent are followed then.
    const item = newTicketEdit({
      ticketId: ticket.id,
      version: ticket.version,
      action,
      body,
      lang: language(),
      ...extra,
    });
    await this.outbox.put(item);
    this.onQueued(item);
    return item;
  }

  async saveFields() {
    const { ticket } = this.context();
    if (!ticket) return;
    const body = this.collect(withPendingEdits(ticket, await this.outbox.all()));
    if (!Object.keys(body).length) {
      say($('edit-error'), 'staff.edit.nothing');
      return;
    }
    say($('edit-error'), null);
    await this.queue('patch', body);
  }

  async postUpdate() {
    const { ticket } = this.context();
    if (!ticket) return;
    const text = $('update-body');
    const value = text.value.trim();
    if (!flagField(text, $('update-error'), value ? null : 'staff.post.needText')) return;
    const isPublic = $('update-public').checked;
    await this.queue('update', { body: value, public: isPublic });
    text.value = '';
    // Said where the crew looks; the audience stays as chosen, visibly, for the next text.
    say($('update-done'), isPublic ? 'staff.post.donePublic' : 'staff.post.doneInternal');
  }

  /** Another ticket: an empty form, back to the safe choice (an internal note). */
  resetUpdate() {
    $('update-body').value = '';
    $('update-body').removeAttribute('aria-invalid');
    $('update-internal').checked = true;
    say($('update-error'), null);
    say($('update-done'), null);
  }
}

/** "Priority: high, Assigned to: Me (Ann)" or "Internal note": what a waiting edit does. */
export function describeEdit(item, people) {
  if (item.action === 'update') {
    return t(item.body.public ? 'staff.update.public' : 'staff.update.internal');
  }
  if (item.action === 'publish') return t('staff.edit.publishComment');
  if (item.action === 'photo') {
    const n = photoNumber(item.photoId, people.photos);
    return t(item.body.hidden ? 'staff.edit.photoHidden' : 'staff.edit.photoShown', { n });
  }
  const parts = [];
  if ('priority' in item.body) {
    parts.push(t('staff.ticket.priority', { priority: t(`staff.priority.${item.body.priority}`) }));
  }
  if ('assignee_user_id' in item.body) {
    parts.push(t('staff.ticket.assignee', { who: personName(item.body.assignee_user_id, people) }));
  }
  if ('description_public' in item.body) {
    parts.push(t(item.body.description_public ? 'staff.edit.published' : 'staff.edit.private'));
  }
  return parts.join(', ');
}
