/** Crews' edits (priority, assignee, notes) via the outbox: in order, once, never over others. */

import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { flush, sendingVersion } from '../src/js/delivery.js';
import { newTransition, State } from '../src/js/outbox.js';
import { newTicketEdit, withPendingEdits } from '../src/js/staff/edits.js';
import { openStaffDb } from '../src/js/staff/store.js';

/**
 * A ticket behind the staff API as the real one behaves: If-Match must name the current
 * version, every field set moves it, and an Idempotency-Key already applied gets the first
 * answer's status with the ticket as it is now, marked as replayed.
 */
class TicketServer {
  constructor() {
    this.ticket = { id: 't1', status: 'new', priority: 'normal', assignee_user_id: null };
    this.ticket.version = 1;
    this.notes = [];
    this.answers = new Map();
    this.requests = [];
    this.trouble = [];
  }

  async handle(kind, item, work) {
    this.requests.push([kind, item.version]);
    const trouble = this.trouble.shift();
    if (trouble === 'offline') throw new TypeError('Failed to fetch');
    const first = this.answers.get(item.key);
    if (first) return { status: first, body: { ...this.ticket }, replayed: true };
    const response = work();
    if (response.status < 300) this.answers.set(item.key, response.status);
    if (trouble === 'lost-answer') throw new TypeError('Failed to fetch');
    return response;
  }

  apply(item, change, steps = 1) {
    if (item.version !== this.ticket.version) return { status: 412, body: { status: 412 } };
    change();
    this.ticket = { ...this.ticket, version: this.ticket.version + steps };
    return { status: 200, body: { ...this.ticket } };
  }

  transport() {
    return {
      editTicket: (item) =>
        this.handle(item.action, item, () => {
          if (item.action === 'update') {
            return this.apply(item, () => this.notes.push(item.body.body));
          }
          const fields = Object.keys(item.body).length;
          return this.apply(item, () => Object.assign(this.ticket, item.body), fields);
        }),
      transition: (item) =>
        this.handle('transition', item, () =>
          this.apply(item, () => Object.assign(this.ticket, { status: item.body.to })),
        ),
      getTicket: () => ({ status: 200, body: { ...this.ticket } }),
    };
  }
}

let outbox;
let server;
let clock;
const run = () => flush(outbox, server.transport(), { now: () => clock, force: true });

function edit(action, body, version = 1) {
  clock += 1;
  return newTicketEdit({ ticketId: 't1', version, action, body, now: clock });
}

beforeEach(async () => {
  ({ outbox } = await openStaffDb({ name: `edits-${crypto.randomUUID()}` }));
  server = new TicketServer();
  clock = 1000;
});

describe('edits made on the same version, offline', () => {
  test('are all applied, in the order they were made, each on the version before', async () => {
    await outbox.put(edit('patch', { priority: 'high' }));
    await outbox.put(edit('update', { body: 'Cones placed', public: false }));
    clock += 1;
    const body = { to: 'acknowledged' };
    await outbox.put(newTransition({ ticketId: 't1', version: 1, body, now: clock }));
    server.trouble.push('offline');
    await run();
    assert.equal(server.ticket.version, 1, 'nothing applied while offline');

    assert.equal((await run()).sent, 3);
    assert.deepEqual(server.requests.slice(1), [
      ['patch', 1],
      ['update', 2],
      ['transition', 3],
    ]);
    assert.deepEqual(
      [server.ticket.priority, server.ticket.status, server.notes],
      ['high', 'acknowledged', ['Cones placed']],
    );
    assert.ok((await outbox.all()).every((item) => item.state === State.SENT));
  });

  test('whose answer was lost are applied once: the retry gets the first answer', async () => {
    const first = await outbox.put(edit('patch', { priority: 'high', assignee_user_id: 7 }));
    await outbox.put(edit('update', { body: 'Seen', public: true }));
    server.trouble.push('lost-answer');
    await run();
    await run();
    assert.deepEqual(server.requests, [
      ['patch', 1],
      ['patch', 1],
      ['update', 3],
    ]);
    assert.deepEqual(server.notes, ['Seen']);
    assert.deepEqual([server.ticket.priority, server.ticket.assignee_user_id], ['high', 7]);
    assert.equal((await outbox.get(first.id)).state, State.SENT);
  });

  test('after a lost answer and a change by someone else, the next is not rebased', async () => {
    await outbox.put(edit('patch', { priority: 'high' }));
    const next = await outbox.put(edit('patch', { assignee_user_id: 7 }));
    server.trouble.push('lost-answer');
    await run();
    server.ticket = { ...server.ticket, assignee_user_id: 9, version: server.ticket.version + 1 };
    await run();
    const stored = await outbox.get(next.id);
    assert.equal(stored.state, State.ATTENTION);
    assert.equal(stored.problem.status, 412);
    assert.equal(server.ticket.assignee_user_id, 9, "the other person's choice stands");
  });
});

test('a later change never overtakes an earlier one still waiting for its retry', async () => {
  const first = await outbox.put({ ...edit('patch', { priority: 'high' }), nextAttemptAt: 5000 });
  await outbox.put(edit('update', { body: 'Later', public: false }));
  await flush(outbox, server.transport(), { now: () => clock });
  assert.deepEqual(server.requests, [], 'the first is not due, so neither is the second');

  clock = 5000;
  await flush(outbox, server.transport(), { now: () => clock });
  assert.deepEqual(server.requests, [
    ['patch', 1],
    ['update', 2],
  ]);
  assert.equal((await outbox.get(first.id)).state, State.SENT);
});

test("an edit over someone else's change is kept aside with the 412, so are the next", async () => {
  const mine = await outbox.put(edit('patch', { priority: 'urgent' }));
  const next = await outbox.put(edit('update', { body: 'On my way', public: false }));
  server.ticket = { ...server.ticket, priority: 'low', version: 2 };
  await run();
  assert.equal((await outbox.get(mine.id)).problem.status, 412);
  assert.equal((await outbox.get(next.id)).state, State.ATTENTION);
  assert.deepEqual([server.ticket.priority, server.notes], ['low', []]);
});

test('a second edit queued while the first is being delivered is sent on the version it left', async () => {
  const first = await outbox.put(edit('patch', { description_public: true }));
  let second = null;
  // The page queues the next edit the instant the first is answered (its answer saved, not
  // yet marked sent), on the version it shows: the old one.
  const onChange = async (item) => {
    if (item.id !== first.id || !item.result || second) return;
    second = edit('photo', { hidden: true });
    second.photoId = 'p1';
    await outbox.put(second);
  };
  await flush(outbox, server.transport(), { now: () => clock, force: true, onChange });
  assert.ok(second, 'the second edit was queued during the delivery of the first');
  assert.equal((await run()).sent, 1);
  assert.deepEqual(server.requests, [
    ['patch', 1],
    ['photo', 2],
  ]);
  assert.equal((await outbox.get(second.id)).state, State.SENT);
  assert.equal(server.ticket.version, 3);
});

test('a change made on an offline copy follows my own changes sent before it, not others', () => {
  let n = 0;
  const item = (version, result, extra = {}) => {
    n += 1;
    return {
      id: `i${n}`,
      ticketId: 't1',
      version,
      ...(result ? { result: { version: result } } : {}),
      ...extra,
    };
  };
  const later = item(1);
  assert.equal(sendingVersion([item(1, 2), item(2, 3), later], later), 3);
  const fresh = item(4);
  assert.equal(sendingVersion([item(1, 2), fresh], fresh), 4, 'the copy is newer than my change');
  const replayed = item(1, 5, { result: { version: 5, replayed: true } });
  assert.equal(sendingVersion([replayed, later], later), 1, 'others changed it too');
  assert.equal(sendingVersion([item(1, 2, { ticketId: 't2' }), later], later), 1);
  assert.equal(sendingVersion([later, item(1, 2)], later), 1, 'made after it');
  assert.equal(sendingVersion([item(1), later], later), 1, 'not applied (yet)');
});

test('the ticket shows my waiting edits, not the refused ones', () => {
  const ticket = { id: 't1', priority: 'normal', assignee_user_id: null };
  const waiting = { ...edit('patch', { priority: 'high' }), state: State.WAITING };
  const refused = { ...edit('patch', { assignee_user_id: 3 }), state: State.ATTENTION };
  assert.deepEqual(withPendingEdits(ticket, [waiting, refused]), { ...ticket, priority: 'high' });
});
