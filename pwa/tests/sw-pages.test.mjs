// The service worker answers from its cache only the app's own pages; every other page of the
// site goes to the network (once the resident app was installed, /staff or /ogc/ used to show
// the resident app from the cache).
import assert from 'node:assert/strict';
import test from 'node:test';

import { appPage } from '../src/js/sw-pages.js';

test("the app's own pages come from the cache", () => {
  assert.equal(appPage('/'), '/');
  assert.equal(appPage('/staff/'), '/staff/');
  assert.equal(appPage('/follow/Ab3_-x9'), '/follow/');
  assert.equal(appPage('/follow/Ab3_-x9/unsubscribe'), '/follow/');
  assert.equal(appPage('/follow/confirm/Ab3_-x9'), '/follow/');
});

test('every other page is left to the network', () => {
  for (const path of [
    '/staff',
    '/index.html',
    '/staff/index.html',
    '/staff/other',
    '/ogc',
    '/ogc/',
    '/ogc/collections',
    '/open311/v2/discovery.json',
    '/open311/v2/requests.xml',
    '/opendata/catalog',
    '/dashboard/',
    '/api/v1/docs',
    '/follow/',
    '/follow/a/b',
    '/follow/a/unsubscribe/more',
    '/follow/confirm/a/unsubscribe',
    '/anything',
  ]) {
    assert.equal(appPage(path), null, path);
  }
});
