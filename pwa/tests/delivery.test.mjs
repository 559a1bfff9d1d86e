/** The outbox and its delivery: nothing lost, nothing sent twice, whatever the network does. */

import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { apiTransport } from '../src/js/api.js';
import { BACKOFF_MAX_MS, backoffDelay, flush, isRetryable } from '../src/js/delivery.js';
import { newItem, openOutbox, State } from '../src/js/outbox.js';
import { FakeServer } from './fake-server.mjs';

let outbox;
let server;
let clock;
const now = () => clock;
const half = () => 0.5;

function report(category = 'pothole', photos = []) {
  clock += 1;
  return newItem({
    body: { category, location: { lat: 50.8467, lon: 4.3525, accuracy_m: 12 } },
    photos: photos.map((type) => ({ type, data: new Uint8Array([1, 2, 3]).buffer })),
    now: clock,
  });
}

async function run(options = {}) {
  return flush(outbox, server.transport(), { now, random: half, ...options });
}

beforeEach(async () => {
  outbox = await openOutbox({ name: `test-${crypto.randomUUID()}` });
  server = new FakeServer();
  clock = 1_000_000;
});

describe('an online flush', () => {
  test('sends the report, then its photos, and keeps the server id', async () => {
    const item = await outbox.put(report('pothole', ['image/jpeg', 'image/jpeg']));
    const result = await run();
    assert.equal(result.sent, 1);
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.serverId, 'server-1');
    assert.equal(stored.result.commune.nis_code, '21004');
    assert.deepEqual(server.requests, ['report', 'photo', 'photo']);
    assert.ok(stored.photos.every((p) => p.sent && p.data === null));
  });

  test('sends items oldest first, one at a time', async () => {
    const first = await outbox.put(report('pothole'));
    const second = await outbox.put(report('graffiti'));
    await run();
    assert.equal(server.reports.get(first.key).id, 'server-1');
    assert.equal(server.reports.get(second.key).id, 'server-2');
  });

  test('picks up an item a closed page left in "sending"', async () => {
    const item = report();
    item.state = State.SENDING;
    await outbox.put(item);
    await run();
    assert.equal((await outbox.get(item.id)).state, State.SENT);
  });
});

describe('a bad network', () => {
  test('keeps the item on a network error and schedules a retry with backoff', async () => {
    const item = await outbox.put(report());
    server.trouble = ['offline'];
    const result = await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.WAITING);
    assert.equal(stored.attempts, 1);
    assert.equal(result.nextAttemptAt, clock + backoffDelay(1, half));
    assert.equal(server.reports.size, 0);
  });

  test('does not retry before the backoff is over unless forced', async () => {
    const item = await outbox.put(report());
    server.trouble = ['offline'];
    await run();
    await run();
    assert.equal(server.requests.length, 1);
    await run({ force: true });
    assert.equal((await outbox.get(item.id)).state, State.SENT);
  });

  test('stops at the first failure instead of trying every item', async () => {
    await outbox.put(report());
    await outbox.put(report());
    server.trouble = ['offline'];
    await run();
    assert.deepEqual(server.requests, ['report']);
  });

  test('keeps the item on a 5xx, a 409 or a 429', async () => {
    const item = await outbox.put(report());
    for (const status of [503, 409, 429]) {
      server.trouble = [status];
      await run({ force: true });
      assert.equal((await outbox.get(item.id)).state, State.WAITING);
    }
    await run({ force: true });
    assert.equal((await outbox.get(item.id)).state, State.SENT);
    assert.equal(server.reports.size, 1);
  });

  test('a 429 keeps the report and waits as long as Retry-After asks, then sends it', async () => {
    const first = await outbox.put(report());
    const second = await outbox.put(report('graffiti'));
    // Past the server's limit of new reports from this network: half an hour to wait.
    server.trouble = [{ status: 429, retryAfter: 1800 }];
    const result = await run();
    const kept = await outbox.get(first.id);
    assert.equal(kept.state, State.WAITING, 'never a refusal for the resident to fix');
    assert.equal(kept.problem ?? null, null);
    assert.equal(kept.nextAttemptAt, clock + 1800 * 1000);
    assert.equal(result.nextAttemptAt, clock + 1800 * 1000);
    // The next report would meet the same limit: it is not tried, and the page's next flush
    // is not before the server said (DeliveryLoop schedules it at nextAttemptAt).
    assert.deepEqual(server.requests, ['report']);
    clock += 1800 * 1000;
    const later = await run();
    assert.equal(later.sent, 2);
    assert.equal((await outbox.get(first.id)).state, State.SENT);
    assert.equal((await outbox.get(second.id)).state, State.SENT);
    assert.equal(server.reports.size, 2);
  });

  test('a short Retry-After never shortens the backoff', async () => {
    const item = await outbox.put(report());
    server.trouble = [{ status: 429, retryAfter: 1 }];
    await run();
    assert.equal((await outbox.get(item.id)).nextAttemptAt, clock + backoffDelay(1, half));
  });

  test('a lost answer is retried with the same key and makes one report', async () => {
    const item = await outbox.put(report('pothole', ['image/jpeg']));
    server.trouble = ['lost-answer'];
    await run();
    assert.equal(server.reports.size, 1, 'the server committed the first request');
    assert.equal((await outbox.get(item.id)).serverId, null, 'the phone never heard back');
    await run({ force: true });
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.serverId, 'server-1');
    assert.equal(server.reports.size, 1);
  });

  test('a photo whose answer was lost is stored once', async () => {
    const item = await outbox.put(report('pothole', ['image/jpeg']));
    server.trouble = [undefined, 'lost-answer'];
    await run();
    assert.equal((await outbox.get(item.id)).state, State.WAITING);
    await run({ force: true });
    assert.equal((await outbox.get(item.id)).state, State.SENT);
    assert.equal(server.photos.size, 1);
    assert.deepEqual(server.requests, ['report', 'photo', 'photo']);
  });
});

describe("a report's photos", () => {
  test('go with the photo token, even when sent long after the report', async () => {
    const item = await outbox.put(report('pothole', ['image/jpeg', 'image/jpeg']));
    // The report reaches the server; then the phone goes offline for its photos.
    server.trouble = [undefined, 'offline'];
    await run();
    const halfway = await outbox.get(item.id);
    assert.equal(halfway.state, State.WAITING);
    assert.equal(halfway.serverId, 'server-1');
    clock += 3 * 24 * 3600 * 1000;
    await run({ force: true });
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.ok(stored.photos.every((p) => p.sent && !p.rejected));
    assert.equal(server.photos.size, 2);
    assert.equal(server.reports.size, 1);
  });

  test('a photo the server refuses to add (403) is set aside, the report stays sent', async () => {
    const item = await outbox.put(report('pothole', ['image/jpeg']));
    server.trouble = [undefined, 403];
    await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.photos[0].rejected.status, 403);
    assert.deepEqual(server.requests, ['report', 'photo']);
  });

  test('keeps what the server did with the acknowledgement email, for the send state', async () => {
    server.acknowledgement = 'withheld';
    const item = await outbox.put(report());
    await run();
    assert.equal((await outbox.get(item.id)).result.acknowledgement, 'withheld');
  });

  test('keeps the follow token of the creation answer, for "My reports"', async () => {
    const item = await outbox.put(report());
    await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.followToken, 'follow-server-1');
  });

  test('keeps the nearest commune of an outside-service-area refusal', async () => {
    const item = report();
    item.body.location.lat = 51.5;
    await outbox.put(item);
    const result = await run();
    assert.equal(result.attention, 1);
    const stored = await outbox.get(item.id);
    assert.equal(stored.followToken, null);
    assert.deepEqual(stored.problem.nearest_commune, {
      nis_code: '38014',
      distance_m: 301,
      name: 'Knokke-Heist',
      names: { nl: 'Knokke-Heist' },
    });
  });

  test('keep the photo token of the creation answer in the outbox, for a later page', async () => {
    const item = await outbox.put(report('pothole', ['image/jpeg']));
    server.trouble = [undefined, 'offline'];
    await run();
    // The page closes here; the next one finds the item in IndexedDB with its token.
    const halfway = await outbox.get(item.id);
    assert.equal(halfway.photoToken, 'token-of-server-1');
    await run({ force: true });
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.ok(stored.photos[0].sent);
    assert.equal(server.photos.size, 1);
    // The report was sent once: the token came with its first answer.
    assert.deepEqual(server.requests, ['report', 'photo', 'photo']);
  });

  test('an item delivered without its token gets it from the creation replay, once', async () => {
    const item = report('pothole', ['image/jpeg', 'image/jpeg']);
    // As an older app left it: the report on the server, its photos not, no token kept.
    server.createReport(item);
    await outbox.put({ ...item, serverId: 'server-1', photoToken: undefined });
    await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.photoToken, 'token-of-server-1');
    assert.ok(stored.photos.every((p) => p.sent && !p.rejected));
    assert.deepEqual(server.requests, ['report', 'photo', 'photo']);
    assert.equal(server.reports.size, 1);
    assert.equal(server.photos.size, 2);
  });

  test('the API transport sends the photo token as Report-Key, the photo id as Idempotency-Key', async () => {
    const sent = [];
    const fetchImpl = async (url, init) => {
      sent.push({ url, headers: init.headers });
      return new Response('{}', { status: 201, headers: { 'Content-Type': 'application/json' } });
    };
    const item = { ...report('pothole', ['image/jpeg']), photoToken: 'the-token' };
    const transport = apiTransport({ base: 'https://pave.test', fetchImpl });
    await transport.addPhoto('abc', item.photos[0], item);
    assert.equal(sent[0].url, 'https://pave.test/api/v1/reports/abc/photos');
    assert.equal(sent[0].headers['Report-Key'], 'the-token');
    assert.notEqual(sent[0].headers['Report-Key'], item.key);
    assert.equal(sent[0].headers['Idempotency-Key'], item.photos[0].id);
    assert.notEqual(item.key, item.photos[0].id);
  });
});

describe('a refusal (4xx)', () => {
  test('keeps the item with the reason and goes on with the next', async () => {
    const bad = await outbox.put(report('no_such_category'));
    const good = await outbox.put(report('pothole'));
    const result = await run();
    assert.deepEqual({ sent: result.sent, attention: result.attention }, { sent: 1, attention: 1 });
    const stored = await outbox.get(bad.id);
    assert.equal(stored.state, State.ATTENTION);
    assert.equal(stored.problem.status, 422);
    assert.match(stored.problem.detail, /no_such_category/);
    assert.equal((await outbox.get(good.id)).state, State.SENT);
  });

  test('is not retried by later flushes until the resident acts', async () => {
    await outbox.put(report('no_such_category'));
    await run();
    await run({ force: true });
    assert.deepEqual(server.requests, ['report']);
  });

  test('a refused photo is set aside and the report still counts as sent', async () => {
    const item = await outbox.put(report('pothole', ['text/plain', 'image/jpeg']));
    await run();
    const stored = await outbox.get(item.id);
    assert.equal(stored.state, State.SENT);
    assert.equal(stored.photos[0].rejected.status, 415);
    assert.ok(stored.photos[1].sent);
  });
});

describe('backoff', () => {
  test('doubles from one attempt to the next and stops growing at its cap', () => {
    assert.equal(
      backoffDelay(1, () => 1),
      2000,
    );
    assert.equal(
      backoffDelay(2, () => 1),
      4000,
    );
    assert.equal(
      backoffDelay(3, () => 1),
      8000,
    );
    assert.equal(
      backoffDelay(50, () => 1),
      BACKOFF_MAX_MS,
    );
    assert.equal(
      backoffDelay(1, () => 0),
      1000,
    );
  });

  test('treats 5xx and "not now" statuses as retryable, other 4xx as final', () => {
    assert.ok([500, 502, 503, 408, 409, 425, 429].every(isRetryable));
    assert.ok(![400, 404, 413, 415, 422].some(isRetryable));
  });
});

describe('the outbox', () => {
  test('keeps items across a reopen, oldest first', async () => {
    const name = `reopen-${crypto.randomUUID()}`;
    const first = await openOutbox({ name });
    const a = await first.put(report());
    const b = await first.put(report());
    first.close();
    const again = await openOutbox({ name });
    assert.deepEqual(
      (await again.all()).map((it) => it.id),
      [a.id, b.id],
    );
  });

  test('an item deleted while queued is simply gone', async () => {
    const item = await outbox.put(report());
    await outbox.remove(item.id);
    const result = await run();
    assert.equal(result.sent, 0);
    assert.equal(server.requests.length, 0);
  });
});
