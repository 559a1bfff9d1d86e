/** Crews' status changes through the outbox: applied once, never over someone else's change. */

import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { flush } from '../src/js/delivery.js';
import { newTransition, State } from '../src/js/outbox.js';
import { bodyCode } from '../src/js/staff/api.js';
import { openStaffDb } from '../src/js/staff/store.js';

/**
 * A ticket behind the staff API, as the real one behaves: If-Match must name the current
 * version, and a retry under an Idempotency-Key already applied is answered, not redone.
 */
class TicketServer {
  constructor() {
    this.ticket = { id: 't1', status: 'new', version: 1 };
    this.keys = new Map();
    this.history = [];
    this.photos = new Set();
    this.requests = [];
    this.trouble = [];
  }

  async handle(kind, work) {
    this.requests.push(kind);
    const trouble = this.trouble.shift();
    if (trouble === 'offline') throw new TypeError('Failed to fetch');
    if (typeof trouble === 'number') return { status: trouble, body: { status: trouble } };
    if (typeof trouble === 'object') return trouble;
    const response = work();
    if (trouble === 'lost-answer') throw new TypeError('Failed to fetch');
    return response;
  }

  transport() {
    return {
      transition: (item) => this.handle('transition', () => this.transition(item)),
      getTicket: () => this.handle('get', () => ({ status: 200, body: { ...this.ticket } })),
      addPhoto: (_id, photo) =>
        this.handle('photo', () => {
          // An "after" photo moves the ticket's version on, once.
          if (!this.photos.has(photo.id)) this.ticket.version += 1;
          this.photos.add(photo.id);
          return { status: 201, body: { id: photo.id } };
        }),
    };
  }

  transition(item) {
    if (this.keys.has(item.key)) return { status: 200, body: { ...this.ticket }, replayed: true };
    if (item.version !== this.ticket.version) return { status: 412, body: { status: 412 } };
    this.ticket = { ...this.ticket, status: item.body.to, version: this.ticket.version + 1 };
    this.history.push(item.body.to);
    this.keys.set(item.key, 200);
    return { status: 200, body: { ...this.ticket } };
  }

  /** Someone else changes the ticket meanwhile. */
  elsewhere(status) {
    this.ticket = { ...this.ticket, status, version: this.ticket.version + 1 };
    this.history.push(status);
  }
}

const PROBLEMS = 'https://pave.example/problems/';
let outbox;
let server;
const run = () => flush(outbox, server.transport(), { now: () => 1000, random: () => 0.5 });
const change = (to, photos = []) =>
  newTransition({
    ticketId: 't1',
    version: 1,
    body: { to },
    photos: photos.map(() => ({ type: 'image/jpeg', data: new Uint8Array([1]).buffer })),
  });

beforeEach(async () => {
  ({ outbox } = await openStaffDb({ name: `staff-${crypto.randomUUID()}` }));
  server = new TicketServer();
});

describe('a status change', () => {
  test('is applied with If-Match, then its after photo is added', async () => {
    const item = await outbox.put(change('resolved', ['after']));
    assert.equal((await run()).sent, 1);
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.deepEqual(stored.result, { id: 't1', status: 'resolved', version: 3 });
    assert.deepEqual(server.history, ['resolved']);
    assert.equal(server.photos.size, 1);
  });

  test('made after a change with an after photo is sent on the version the photo left', async () => {
    await outbox.put({ ...change('resolved', ['after']), createdAt: 1 });
    const later = await outbox.put({ ...change('reopened'), createdAt: 2 });
    assert.equal((await run()).sent, 2);
    assert.equal((await outbox.get(later.id)).version, 3);
    assert.deepEqual(server.history, ['resolved', 'reopened']);
  });

  test('made offline waits, and is applied once the network returns', async () => {
    const item = await outbox.put(change('acknowledged'));
    server.trouble.push('offline');
    await run();
    assert.equal((await outbox.get(item.id)).state, State.WAITING);
    await flush(outbox, server.transport(), { force: true });
    assert.equal((await outbox.get(item.id)).state, State.SENT);
    assert.deepEqual(server.history, ['acknowledged']);
  });

  test('whose answer was lost is answered again on its retry, not applied twice', async () => {
    const item = await outbox.put(change('acknowledged'));
    server.trouble.push('lost-answer');
    await run();
    await flush(outbox, server.transport(), { force: true });
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.result.status, 'acknowledged');
    assert.deepEqual(server.history, ['acknowledged']);
    assert.deepEqual(server.requests, ['transition', 'transition']);
  });

  test('retries while an earlier attempt is still in flight, then is delivered', async () => {
    const item = await outbox.put(change('acknowledged'));
    server.trouble.push({ status: 409, body: { type: `${PROBLEMS}request-in-flight` } });
    await run();
    assert.equal((await outbox.get(item.id)).state, State.WAITING);
    await flush(outbox, server.transport(), { force: true });
    assert.equal((await outbox.get(item.id)).state, State.SENT);
    assert.deepEqual(server.history, ['acknowledged']);
  });

  test("not allowed from the ticket's status (409) needs attention, without retries", async () => {
    const item = await outbox.put(change('acknowledged'));
    server.trouble.push({ status: 409, body: { type: `${PROBLEMS}invalid-transition` } });
    await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.ATTENTION);
    assert.equal(stored.problem.status, 409);
    assert.deepEqual(server.history, []);
  });

  test("over someone else's change is kept aside with the 412 and the ticket's status", async () => {
    const item = await outbox.put(change('acknowledged'));
    server.elsewhere('rejected');
    await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.ATTENTION);
    assert.equal(stored.problem.status, 412);
    assert.equal(stored.problem.current.status, 'rejected');
    assert.deepEqual(server.history, ['rejected']);
  });

  test('a transfer whose answer was lost is done when its retry is refused as replayed', async () => {
    const item = await outbox.put(change('transferred'));
    server.trouble.push('lost-answer');
    await run();
    // The ticket left the crew's commune: the server no longer shows it to them.
    server.trouble.push({ status: 403, body: { status: 403 }, replayed: true });
    await flush(outbox, server.transport(), { force: true });
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.problem ?? null, null);
    assert.deepEqual(server.history, ['transferred']);
  });

  test('retries after a 503, and needs attention after a 403', async () => {
    const first = await outbox.put(change('acknowledged'));
    server.trouble.push(503);
    await run();
    assert.equal((await outbox.get(first.id)).state, State.WAITING);
    await outbox.remove(first.id);
    const second = await outbox.put(change('acknowledged'));
    server.trouble.push(403);
    await flush(outbox, server.transport(), { force: true });
    assert.equal((await outbox.get(second.id)).state, State.ATTENTION);
    assert.deepEqual(server.history, []);
  });
});

test('a commune is named by its NIS code, other bodies by their code', () => {
  assert.equal(bodyCode(' 21009 '), 'commune-21009');
  assert.equal(bodyCode('region-brussels'), 'region-brussels');
});
