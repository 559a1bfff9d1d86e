/** The crew's edits of a ticket (priority, assignee, updates and notes), through the outbox. */

import { newItem, State } from '../outbox.js';

/**
 * An edit for the outbox, delivered exactly once like a status change: `version` is the
 * ticket's version it was made on (the If-Match follows my changes applied before it is
 * sent, see delivery.js, sendingVersion), its id the Idempotency-Key. `action` is
 * 'patch' (body: priority, assignee_user_id, description_public), 'update' ({body, public})
 * 'photo' ({hidden}, with `photoId`) or 'publish' ({public, body}, with `updateId`: a
 * resident's comment published, edited if need be).
 */
export function newTicketEdit({ ticketId, version, action, body, photoId, updateId, lang, now }) {
  return {
    ...newItem({ body, lang, now }),
    kind: 'ticket-edit',
    ticketId,
    version,
    action,
    ...(photoId === undefined ? {} : { photoId }),
    ...(updateId === undefined ? {} : { updateId }),
    // The server moves the version once per field it sets (see delivery.js, appliedSummary).
    steps: action === 'patch' ? Object.keys(body).length : 1,
  };
}

/** The crew's changes to tickets not yet applied (waiting, or needing attention). */
export function isPendingChange(item) {
  return (item.kind === 'transition' || item.kind === 'ticket-edit') && item.state !== State.SENT;
}

/** The ticket's fields as they will be once my waiting edits arrive, to show them at once. */
export function withPendingEdits(ticket, items) {
  const shown = { ...ticket };
  for (const item of items) {
    const waiting = item.state === State.WAITING || item.state === State.SENDING;
    if (item.ticketId === ticket.id && item.action === 'patch' && waiting) {
      Object.assign(shown, item.body);
    }
  }
  return shown;
}

/** Photo id → hidden, as my waiting edits will leave each photo of the ticket. */
export function pendingPhotos(items, ticketId) {
  const hidden = new Map();
  for (const item of items) {
    const waiting = item.state === State.WAITING || item.state === State.SENDING;
    if (item.ticketId === ticketId && item.action === 'photo' && waiting) {
      hidden.set(item.photoId, item.body.hidden);
    }
  }
  return hidden;
}

/** May this user change tickets of this body? (The server decides; this only hides controls.) */
export function mayUpdate(user, bodyCode) {
  return (user?.grants || []).some(
    (grant) =>
      grant.role === 'administrator' ||
      (['crew_member', 'commune_manager'].includes(grant.role) && grant.body_code === bodyCode),
  );
}
