/** Delivery: send the outbox (reports, crews' status changes) one item at a time, exactly once. */

import { State } from './outbox.js';

/** Statuses that say "try again later" rather than "this request is wrong". */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

export const BACKOFF_BASE_MS = 2000;
export const BACKOFF_MAX_MS = 5 * 60 * 1000;

/**
 * A failure worth retrying: no answer, a 5xx, or a 4xx that means "not now". `retryAfter`:
 * the seconds the server asked to wait (Retry-After, as on a 429 past the limit of new reports
 * from one phone or network), never tried again before.
 */
export class RetryLaterError extends Error {
  constructor(message, status = null, retryAfter = null) {
    super(message);
    this.name = 'RetryLaterError';
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export function isRetryable(status) {
  return status >= 500 || RETRYABLE_4XX.has(status);
}

/**
 * Delay before the next attempt: doubling from 2 s up to 5 min. Half of it is random so
 * that many phones coming back online together do not all retry at the same instant.
 */
export function backoffDelay(attempts, random = Math.random) {
  const full = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + (full / 2) * random());
}

/** The delay before the next attempt after `error`: the backoff, or longer if the server asked. */
export function retryDelay(error, attempts, random = Math.random) {
  const asked = error instanceof RetryLaterError && error.retryAfter > 0 ? error.retryAfter * 1000 : 0;
  return Math.max(backoffDelay(attempts, random), asked);
}

/** What the phone keeps of the server's answer: enough for "My reports". */
function summary(report) {
  return {
    id: report.id,
    status: report.status,
    category: report.category,
    commune: report.commune,
    responsible_body: report.responsible_body,
    // "withheld": the server kept the report but sent no acknowledgement email (its limit per
    // address); the send state says so.
    acknowledgement: report.acknowledgement || null,
  };
}

function problemOf(response) {
  const body = response.body && typeof response.body === 'object' ? response.body : {};
  return {
    status: response.status,
    type: body.type || null,
    title: body.title || null,
    detail: body.detail || null,
    errors: Array.isArray(body.errors) ? body.errors : [],
    // outside-service-area: the commune within 1 km, with its names, to say how far it is.
    nearest_commune: body.nearest_commune || null,
  };
}

/** Any other answer: kept to try again later, or a problem to show. */
function retryOrProblem(response) {
  if (isRetryable(response.status)) return { retry: response.status, retryAfter: response.retryAfter };
  return { problem: problemOf(response) };
}

/** A report: created once, whatever the number of attempts, thanks to its Idempotency-Key. */
async function sendReport(transport, item) {
  const response = await transport.createReport(item);
  if (response.status === 200 || response.status === 201) {
    return {
      serverId: response.body.id,
      result: summary(response.body),
      photoToken: response.body.photo_token || null,
      // The private follow link's token: "My reports" links to /follow/<token>.
      followToken: response.body.follow_token || null,
    };
  }
  return retryOrProblem(response);
}

/**
 * A report on the server whose photos still wait, without the photo token they need: an
 * item an older version of the app delivered. Sending the report again is harmless (the
 * server replays the creation, with the same token) and gets it.
 */
function needsPhotoToken(item) {
  if (SENDERS[item.kind] || !item.serverId || item.photoToken) return false;
  return item.photos.some((p) => !p.sent && !p.rejected);
}

/** What the crew's phone keeps of a ticket after a status change it made. */
function ticketSummary(ticket) {
  return { id: ticket.id, status: ticket.status, version: ticket.version };
}

/**
 * The same, once a change is applied. The answer to a retry (replayed) shows the ticket as it
 * is now: if it moved on further than the change itself moves it (`steps` versions), someone
 * else changed it too, and the crew's later changes must not be rebased past that.
 */
function appliedSummary(item, response) {
  const summary = ticketSummary(response.body);
  const further = response.replayed && summary.version !== item.version + (item.steps ?? 1);
  return further ? { ...summary, replayed: true } : summary;
}

/**
 * A retry of a change applied earlier, after which the ticket left the crew's reach (they
 * transferred it): the server says the change was applied (replayed) but, as to any read,
 * answers 403 and shows nothing of the ticket. The change is done; there is nothing to show.
 */
function appliedOutOfReach(item, response) {
  if (!response.replayed || (response.status !== 403 && response.status !== 404)) return null;
  return { serverId: item.ticketId, result: { id: item.ticketId, replayed: true } };
}

/** A crew's change the server has applied, now or at an earlier attempt; null if not. */
function appliedChange(item, response) {
  if (response.status === 200 || response.status === 201) {
    return { serverId: item.ticketId, result: appliedSummary(item, response) };
  }
  return appliedOutOfReach(item, response);
}

/**
 * A crew's status change, sent with If-Match = the ticket's version the change was made on
 * (past my own changes, see sendingVersion), so it never overwrites someone else's, and its
 * Idempotency-Key: if the answer to an earlier attempt was lost, the server answers the retry
 * as it did then (200, replayed) and applies nothing twice. A 412 is someone else's change;
 * the problem keeps the ticket as it is now, for the crew to see.
 */
async function sendTransition(transport, item) {
  const response = await transport.transition(item);
  const applied = appliedChange(item, response);
  if (applied) return applied;
  if (response.status === 412) {
    const now = await transport.getTicket(item.ticketId);
    if (now.status !== 200 && isRetryable(now.status)) return { retry: now.status };
    const problem = problemOf(response);
    if (now.status === 200) problem.current = ticketSummary(now.body);
    return { problem };
  }
  // Unlike a report's, a transition's 409 means "not allowed from this status", unless the
  // same change is still being processed (an earlier attempt): then it is retried.
  const inFlight = String(response.body?.type || '').endsWith('/request-in-flight');
  if (response.status === 409 && !inFlight) return { problem: problemOf(response) };
  return retryOrProblem(response);
}

/**
 * A crew's edit of a ticket (priority, assignee, an update or a note), with If-Match and its
 * own Idempotency-Key: the server answers a retry with the first answer, never applies it twice.
 */
async function sendTicketEdit(transport, item) {
  const response = await transport.editTicket(item);
  return appliedChange(item, response) ?? retryOrProblem(response);
}

const SENDERS = { transition: sendTransition, 'ticket-edit': sendTicketEdit };

/**
 * The version a crew's change is sent on (If-Match), taken when it is sent, not when it was
 * queued: it was made on the version shown then, and each of my own changes to the ticket
 * sent before it and applied on that same version moved the ticket on (otherwise each would
 * meet a 412 of our own making). A change queued in the instant an earlier one was being
 * delivered did not see that one's answer yet; it is seen now. A retry whose answer shows
 * someone else's change too (replayed) is not followed: theirs must not be overwritten.
 */
export function sendingVersion(items, change) {
  let version = change.version;
  for (const earlier of items) {
    if (earlier.id === change.id) break;
    const applied = earlier.ticketId === change.ticketId && earlier.result?.version;
    if (applied && !earlier.result.replayed && earlier.version === version) {
      version = earlier.result.version;
    }
  }
  return version;
}

/**
 * A crew's "after" photo, once the server has it, moved the ticket on by one version, like
 * any change of it (a retry answered as the first time moved it then): my later changes are
 * sent on the version it left (sendingVersion).
 */
function afterPhoto(item, accepted) {
  if (!accepted || !item.ticketId || !item.result?.version) return {};
  return { result: { ...item.result, version: item.result.version + 1 } };
}

/** Is this item due for an attempt now? */
export function isDue(item, now, force) {
  if (item.state !== State.WAITING && item.state !== State.SENDING) return false;
  return force || !item.nextAttemptAt || item.nextAttemptAt <= now;
}

/**
 * Deliver one item: the report first (unless the server already has it), then each photo.
 * Every step is saved before the next, so a closed page resumes where it stopped.
 * Throws RetryLaterError on a network failure or a retryable status.
 */
async function deliverItem(outbox, transport, id, now, onChange) {
  let item = await outbox.update(id, (it) => ({ ...it, state: State.SENDING }));
  // The resident may delete an item while it is being sent; then there is nothing to do.
  if (!item) return null;
  onChange(item);
  if (!item.serverId || needsPhotoToken(item)) {
    if (item.ticketId) {
      // Kept on the item: the answer is read against it (appliedSummary), and so are later ones.
      const version = sendingVersion(await outbox.all(), item);
      if (version !== item.version) item = await outbox.update(id, (it) => ({ ...it, version }));
      if (!item) return null;
    }
    const send = SENDERS[item.kind] || sendReport;
    const sent = await send(transport, item);
    if (sent.retry) {
      throw new RetryLaterError(`HTTP ${sent.retry}`, sent.retry, sent.retryAfter);
    } else if (sent.problem) {
      item = await outbox.update(id, (it) => ({
        ...it,
        state: State.ATTENTION,
        problem: sent.problem,
      }));
      onChange(item);
      return item;
    }
    // Saved with the server id, in the same write: a page closed before the photos are sent
    // leaves an item that can still send them.
    item = await outbox.update(id, (it) => ({
      ...it,
      serverId: sent.serverId,
      result: sent.result,
      ...(sent.photoToken ? { photoToken: sent.photoToken } : {}),
      ...(sent.followToken ? { followToken: sent.followToken } : {}),
    }));
    if (!item) return null;
    onChange(item);
  }
  for (const photo of item.photos) {
    if (photo.sent || photo.rejected) continue;
    const response = await transport.addPhoto(item.serverId, photo, item);
    let change;
    const accepted = response.status === 200 || response.status === 201;
    if (accepted) {
      // The server has the photo: the phone no longer needs its bytes.
      change = (p) => ({ ...p, sent: true, data: null });
    } else if (isRetryable(response.status)) {
      throw new RetryLaterError(`HTTP ${response.status}`, response.status, response.retryAfter);
    } else {
      // The report itself is on the server; a refused photo must not hold it back.
      change = (p) => ({ ...p, rejected: problemOf(response) });
    }
    item = await outbox.update(id, (it) => ({
      ...it,
      photos: it.photos.map((p) => (p.id === photo.id ? change(p) : p)),
      ...afterPhoto(it, accepted),
    }));
    if (!item) return null;
    onChange(item);
  }
  item = await outbox.update(id, (it) => ({
    ...it,
    state: State.SENT,
    sentAt: now(),
    lastError: null,
    nextAttemptAt: 0,
  }));
  if (item) onChange(item);
  return item;
}

/**
 * Flush the outbox: due items, oldest first, one at a time. A network failure, a 5xx or a
 * "not now" 4xx (a 429 past the server's limit) stops the flush (the next item would meet the
 * same network or limit) and schedules the item's next attempt with exponential backoff, or
 * after the server's Retry-After if longer; any other 4xx keeps the item aside for the resident.
 *
 * Returns { sent, attention, nextAttemptAt } where nextAttemptAt is the earliest time a
 * waiting item should be tried again (0 when nothing waits).
 */
export async function flush(
  outbox,
  transport,
  { now = Date.now, random = Math.random, force = false, onChange = () => {} } = {},
) {
  const result = { sent: 0, attention: 0, nextAttemptAt: 0 };
  const items = await outbox.all();
  let stopped = false;
  // Until when the server asked to hear nothing more (Retry-After): the limit it speaks of is
  // the phone's or its network's, so the items not tried yet would only meet it too.
  let quietUntil = 0;
  // A crew's changes to a ticket go in the order they were made: none overtakes one waiting.
  const held = new Set();
  for (const candidate of items) {
    if (stopped || held.has(candidate.ticketId)) continue;
    if (!isDue(candidate, now(), force)) {
      const waiting = candidate.state === State.WAITING || candidate.state === State.SENDING;
      if (waiting && candidate.ticketId) held.add(candidate.ticketId);
      continue;
    }
    try {
      const item = await deliverItem(outbox, transport, candidate.id, now, onChange);
      if (item?.state === State.SENT) result.sent += 1;
      else if (item?.state === State.ATTENTION) result.attention += 1;
    } catch (error) {
      const reason = error instanceof RetryLaterError ? error.message : 'network';
      const item = await outbox.update(candidate.id, (it) => {
        const attempts = it.attempts + 1;
        return {
          ...it,
          state: State.WAITING,
          attempts,
          nextAttemptAt: now() + retryDelay(error, attempts, random),
          lastError: reason,
        };
      });
      if (item) onChange(item);
      if (item && error.retryAfter > 0) quietUntil = item.nextAttemptAt;
      stopped = true;
    }
  }
  const waiting = (await outbox.all()).filter((it) => it.state === State.WAITING || it.state === State.SENDING);
  if (waiting.length) {
    const earliest = Math.min(...waiting.map((it) => it.nextAttemptAt || now()));
    result.nextAttemptAt = Math.max(earliest, quietUntil);
  }
  return result;
}

/**
 * Run `task` while holding the outbox lock, so the page and the service worker never
 * send the same item at once. Browsers without Web Locks run it directly: idempotency
 * keys still make a double send harmless.
 */
export function withOutboxLock(task, locks = globalThis.navigator?.locks) {
  if (locks?.request) return locks.request('pave-outbox', task);
  return task();
}
