/** Every API call says the app's chosen language, so that refusals come back in it. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiTransport, getJson } from '../src/js/api.js';
import { getFigure } from '../src/js/dashboard/api.js';
import { followApi } from '../src/js/follow/api.js';
import { staffApi } from '../src/js/staff/api.js';

/** A fetch that records each request's headers and answers an empty JSON object. */
function recorder() {
  const seen = [];
  const fetchImpl = async (url, init = {}) => {
    seen.push({ url, headers: init.headers || {} });
    return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { seen, fetchImpl };
}

describe('Accept-Language', () => {
  test("the resident app's report and photo carry the language of the item", async () => {
    const { seen, fetchImpl } = recorder();
    const transport = apiTransport({ fetchImpl });
    const item = { lang: 'nl', key: 'k1', body: {} };
    await transport.createReport(item);
    await transport.addPhoto('r1', { id: 'p1', type: 'image/jpeg', data: new Uint8Array([1]) }, item);
    assert.deepEqual(
      seen.map((s) => s.headers['Accept-Language']),
      ['nl', 'nl'],
    );
  });

  test('an item saved without a language still names one', async () => {
    const { seen, fetchImpl } = recorder();
    await apiTransport({ fetchImpl }).createReport({ key: 'k2', body: {} });
    assert.ok(seen[0].headers['Accept-Language']);
    assert.notEqual(seen[0].headers['Accept-Language'], 'undefined');
  });

  test("the crews' calls say the screen's language, a queued change the one it was made in", async () => {
    const { seen, fetchImpl } = recorder();
    const api = staffApi({ lang: () => 'de', fetchImpl });
    await api.list('status=new');
    await api.transition({ ticketId: 't1', version: 2, key: 'k3', body: {}, lang: 'fr' });
    await api.editTicket({ action: 'patch', ticketId: 't1', version: 3, key: 'k4', body: {} });
    assert.deepEqual(
      seen.map((s) => s.headers['Accept-Language']),
      ['de', 'fr', 'de'],
    );
  });

  test('the follow page says its language', async () => {
    const { seen, fetchImpl } = recorder();
    await followApi('tok', { lang: () => 'fr', fetchImpl }).get();
    assert.equal(seen[0].headers['Accept-Language'], 'fr');
  });

  test('the dashboard and the shared GET helper say theirs', async () => {
    const { seen, fetchImpl } = recorder();
    const saved = globalThis.fetch;
    globalThis.fetch = fetchImpl;
    try {
      await getFigure('regions', {}, 'nl');
      await getJson('/api/v1/categories', 'de');
      await getJson('/api/v1/categories');
    } finally {
      globalThis.fetch = saved;
    }
    assert.equal(seen[0].headers['Accept-Language'], 'nl');
    assert.equal(seen[1].headers['Accept-Language'], 'de');
    assert.ok(seen[2].headers['Accept-Language']);
  });
});
