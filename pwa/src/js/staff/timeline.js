/** A ticket's timeline (status changes, updates, internal notes) and audit log, newest first. */

import { el } from '../dom.js';
import { formatDate, language, t } from '../i18n.js';

// Audit fields that say nothing to a person (the version, ids) or are shown elsewhere (texts).
const SILENT_FIELDS = new Set(['version', 'update_id', 'update', 'body', 'note', 'reason', 'photo', 'was']);
// Statuses whose reason is told to the reporter, and published only when staff say so.
const REASONS = new Set(['rejected', 'transferred']);
// A resident's comment: staff read it first, and publish it (edited if need be) or not.
const RESIDENTS = new Set(['reporter', 'follower']);

function when(iso) {
  const time = el('time', '', formatDate(iso));
  time.dateTime = iso;
  return time;
}

// Rows come oldest first; several made in one transaction share a time, and keep their
// order reversed (the sort is stable).
const newestFirst = (rows) => [...rows].reverse().sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

// The note the server once wrote on a report's first row, in English whatever the language;
// the first row now has no note, and either way the screen says it in the crew's words.
const RECEIVED = 'Report received';

/**
 * Who acted, in words: residents are named by the server by their role ("reporter",
 * "follower"), a machine value; staff by their own name, shown as it is.
 */
export function actorName(actor) {
  return RESIDENTS.has(actor) ? t(`staff.author.${actor}`) : actor;
}

/** A translation if there is one, `fallback` otherwise (an action this screen does not know). */
function tOr(key, fallback, vars) {
  const text = t(key, vars);
  return text === key ? fallback : text;
}

/** The photo's number on the ticket (1, 2, …), as the photos are shown. */
export function photoNumber(id, photos = []) {
  const index = photos.findIndex((photo) => photo.id === id);
  return index < 0 ? '?' : index + 1;
}

/** A staff member's name from their id: "me", a colleague, or their number. */
export function personName(id, { members = [], me = null } = {}) {
  if (id === null || id === undefined) return t('staff.assignee.nobody');
  if (me && me.id === id) return t('staff.assignee.me', { name: me.name || me.email });
  const member = members.find((m) => m.id === id);
  return member ? member.name : t('staff.assignee.unknown', { id });
}

/** A value of the audit log in words: a status, a priority, a person, a date, yes or no. */
function value(field, raw, people) {
  if (field === 'assignee_user_id') return personName(raw, people);
  if (raw === null || raw === undefined || raw === '') return '—';
  if (field === 'status') return t(`status.${raw}`);
  if (field === 'priority') return t(`staff.priority.${raw}`);
  if (field === 'planned_for') {
    return new Date(`${raw}T12:00:00`).toLocaleDateString(language(), { dateStyle: 'long' });
  }
  if (typeof raw === 'boolean') return t(raw ? 'staff.audit.yes' : 'staff.audit.no');
  return String(raw);
}

/** "Priority: normal → high", one line per field the entry changed. */
export function changedFields(entry, people) {
  const after = entry.after || {};
  // A photo's change keeps what it was in `was` (the photo is not a field of the ticket).
  const before = { ...(entry.before || {}), ...(after.was || {}) };
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => !SILENT_FIELDS.has(field))
    .map((field) => {
      const n = photoNumber(after.photo, people.photos);
      const name = tOr(`staff.audit.field.${field}`, field, { n });
      const from = field in before ? value(field, before[field], people) : '—';
      const to = field in after ? value(field, after[field], people) : '—';
      return t('staff.audit.change', { field: name, from, to });
    });
}

/** The audit log: who, when (local time), what they did and what changed, newest first. */
export function renderAudit(list, entries, people) {
  const items = newestFirst(entries || []).map((entry) => {
    const li = el('li');
    const action = tOr(`staff.audit.action.${entry.action}`, entry.action.replaceAll('_', ' '));
    // "Chris Crew : a changé…": the colon as the language writes it (a narrow space in French).
    const who = t('staff.audit.who', { who: actorName(entry.actor) });
    li.append(when(entry.at), ` — ${who} `, el('strong', '', action));
    const lines = changedFields(entry, people);
    if (lines.length) {
      const ul = el('ul', 'changes');
      ul.append(...lines.map((line) => el('li', '', line)));
      li.append(ul);
    }
    return li;
  });
  // A redraw must not take the crew's cursor away: the field they were in keeps the focus.
  const active = list.contains(document.activeElement) ? document.activeElement.id : '';
  list.replaceChildren(...items);
  if (active) document.getElementById(active)?.focus();
}

// The texts being edited for publication, by update id: the timeline is redrawn (the outbox,
// a language switch, a refresh) while a crew member edits, and must not lose their words.
const drafts = new Map();
// The comments whose empty text the crew tried to publish: the error stays through redraws.
const emptied = new Set();

/** The publish control of a resident's comment: its text, editable, and a button. */
function publishForm(row, onPublish) {
  const form = el('form', 'publish');
  const id = `publish-${row.id}`;
  const label = el('label', '', t('staff.publish.label'));
  label.htmlFor = id;
  const text = el('textarea');
  const error = el('p', 'error');
  Object.assign(text, { id, rows: 3, maxLength: 5000, value: drafts.get(row.id) ?? row.body });
  text.addEventListener('input', () => {
    drafts.set(row.id, text.value);
    emptied.delete(row.id);
    error.textContent = '';
    text.removeAttribute('aria-invalid');
  });
  const button = el('button', 'secondary', t('staff.publish.button'));
  button.type = 'submit';
  error.id = `${id}-error`;
  error.setAttribute('role', 'alert');
  text.setAttribute('aria-describedby', error.id);
  if (emptied.has(row.id)) {
    error.textContent = t('staff.publish.needText');
    text.setAttribute('aria-invalid', 'true');
  }
  form.append(label, text, error, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // The latest words typed, in whichever copy of the form: a redraw may have replaced the
    // one typed into just before, and this copy would then still hold the resident's text.
    const body = (drafts.get(row.id) ?? text.value).trim();
    if (!body) {
      // Nothing would be published: say so where the crew looks, not silently.
      emptied.add(row.id);
      error.textContent = t('staff.publish.needText');
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    drafts.delete(row.id);
    onPublish(row, body);
  });
  return form;
}

/**
 * Status changes and updates together; internal notes and residents' comments not yet
 * published marked, for staff eyes only. `onPublish(row, text)`, when given, offers to
 * publish those comments.
 */
export function renderTimeline(list, ticket, onPublish = null) {
  const changes = (ticket.history || []).map((row) => ({ at: row.at, row, status: true }));
  const updates = (ticket.updates || []).map((row) => ({ at: row.at, row, status: false }));
  const items = newestFirst([...changes, ...updates]).map(({ row, status }) => {
    const li = el('li');
    if (status) {
      const to = t(`status.${row.to_status}`);
      const line = row.from_status
        ? t('staff.history.change', { from: t(`status.${row.from_status}`), to })
        : t('staff.history.start', { to });
      li.append(el('strong', '', line), ' ', when(row.at));
      if (row.actor) li.append(el('span', 'note', ` — ${actorName(row.actor)}`));
      const received = !row.from_status && (!row.note || row.note === RECEIVED);
      if (received) li.append(el('p', '', t('staff.history.received')));
      else if (row.note) li.append(el('p', '', row.note));
      if (row.note && REASONS.has(row.to_status)) {
        const key = row.reason_public ? 'staff.history.reasonPublic' : 'staff.history.reasonPrivate';
        li.append(el('p', 'note', t(key)));
      }
      return li;
    }
    const resident = RESIDENTS.has(row.author);
    li.className = row.public ? 'update' : 'update internal';
    let kind = t(row.public ? 'staff.update.public' : 'staff.update.internal');
    if (resident && !row.public) kind = t('staff.update.resident');
    li.append(el('strong', 'kind', kind), ' ', when(row.at));
    const author = actorName(row.author);
    if (author) li.append(el('span', 'note', ` — ${author}`));
    li.append(el('p', '', row.body));
    if (resident && !row.public && onPublish) li.append(publishForm(row, onPublish));
    return li;
  });
  // A redraw must not take the crew's cursor away: the field they were in keeps the focus.
  const active = list.contains(document.activeElement) ? document.activeElement.id : '';
  list.replaceChildren(...items);
  if (active) document.getElementById(active)?.focus();
}
