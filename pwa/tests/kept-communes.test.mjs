/** Finding a commune by name in the copy kept on the phone, by the server's rules. */

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { fold, pickName, refreshKeptCommunes, searchPlaces } from '../src/js/kept-communes.js';
import { searchCommunes } from '../src/js/location.js';

const place = (nis_code, region, fr, nl, de) => ({
  nis_code,
  names: Object.fromEntries(Object.entries({ fr, nl, de }).filter(([, name]) => name)),
  region,
  point: { lat: 50.8, lon: 4.4 },
  radius_m: 2000,
});

// Real communes and names (GET /api/v1/communes/places), in no particular order.
const PLACES = [
  place('62063', '03000', 'Liège', 'Luik', 'Lüttich'),
  place('21014', '04000', 'Saint-Josse-ten-Noode', 'Sint-Joost-ten-Node', 'Saint-Josse-ten-Noode'),
  place('12021', '02000', 'Lierre', 'Lier', 'Lier'),
  place('23044', '02000', 'Liedekerke', 'Liedekerke', 'Liedekerke'),
  place('41063', '02000', 'Sint-Lievens-Houtem', 'Sint-Lievens-Houtem', 'Sint-Lievens-Houtem'),
  place('44085', '02000', 'Lievegem', 'Lievegem', 'Lievegem'),
  place('45063', '02000', 'Lierde', 'Lierde', 'Lierde'),
  place('63045', '03000', 'Lierneux', 'Lierneux', 'Lierneux'),
  place('21009', '04000', 'Ixelles', 'Elsene', 'Ixelles'),
  place('21004', '04000', 'Bruxelles', 'Brussel', 'Brüssel'),
  place('21018', '04000', 'Woluwe-Saint-Lambert', 'Sint-Lambrechts-Woluwe', 'Woluwe-Saint-Lambert'),
  place('55004', '03000', 'Braine-le-Comte', "'s Gravenbrakel", 'Braine-le-Comte'),
  place('63012', '03000', 'Bullange', 'Büllingen', 'Büllingen'),
  place('73111', '02000', null, 'Tongeren-Borgloon', null),
];

const names = (query, lang = 'fr', limit = 6) =>
  searchPlaces(PLACES, query, lang, limit).map((commune) => commune.name);

test('fold drops case, accents and punctuation as the server does', () => {
  assert.equal(fold('Saint-Josse-ten-Noode'), 'saint josse ten noode');
  assert.equal(fold('  LIÈGE '), 'liege');
  assert.equal(fold("'s Gravenbrakel"), 's gravenbrakel');
  assert.equal(fold('Büllingen'), 'bullingen');
  assert.equal(fold('Straße'), 'strasse');
  assert.equal(fold('-- !'), '');
});

test("'lie' finds Liège and Lier: names that start with it first, alphabetically, then words", () => {
  // Each commune ranks by the first of its names that matches: Lierre by its Dutch 'Lier'.
  assert.deepEqual(names('lie', 'fr', 10), [
    'Liedekerke',
    'Liège',
    'Lierre',
    'Lierde',
    'Lierneux',
    'Lievegem',
    'Sint-Lievens-Houtem',
  ]);
  // At most six, as the server's answer to the app.
  assert.equal(names('lie').length, 6);
});

test('accents and hyphens do not matter, and any language finds the commune', () => {
  assert.deepEqual(names('LIEGE'), ['Liège']);
  assert.deepEqual(names('lüttich'), ['Liège']);
  assert.deepEqual(names('saint josse'), ['Saint-Josse-ten-Noode']);
  assert.deepEqual(names('sint-joost'), ['Saint-Josse-ten-Noode']);
  assert.deepEqual(names('gravenbrakel'), ['Braine-le-Comte']);
  assert.deepEqual(names('bullingen'), ['Bullange']);
  assert.deepEqual(names('maastricht'), []);
  assert.deepEqual(names(' - '), []);
});

test('Brussels communes are named in the reader language, Dutch or French', () => {
  assert.deepEqual(names('elsene', 'fr'), ['Ixelles']);
  assert.deepEqual(names('ixelles', 'nl'), ['Elsene']);
  assert.deepEqual(names('saint', 'nl'), ['Sint-Joost-ten-Node', 'Sint-Lambrechts-Woluwe']);
  assert.deepEqual(names('woluwe', 'fr'), ['Woluwe-Saint-Lambert']);
});

test("a name missing in the reader's language falls back to the region's languages", () => {
  // Tongeren-Borgloon (2025) has a Dutch name only; in English, Brussels is French first.
  assert.equal(names('tongeren', 'fr')[0], 'Tongeren-Borgloon');
  assert.equal(pickName({ fr: 'Bruxelles', nl: 'Brussel' }, 'en', '04000'), 'Bruxelles');
  assert.equal(pickName({ fr: 'Lierre', nl: 'Lier' }, 'en', '02000'), 'Lier');
  assert.equal(pickName({ fr: 'Bullange', de: 'Büllingen' }, 'de', '03000'), 'Büllingen');
});

test('the answer has the shape of the server search: name, names, point, radius', () => {
  const [liege] = searchPlaces(PLACES, 'luik', 'nl');
  assert.deepEqual(liege, {
    nis_code: '62063',
    name: 'Luik',
    names: { fr: 'Liège', nl: 'Luik', de: 'Lüttich' },
    region: { code: '03000' },
    point: { lat: 50.8, lon: 4.4 },
    radius_m: 2000,
  });
});

// searchCommunes and the copy on the phone: a fake localStorage, network and connection.
let storage;
let online;
let requests;
beforeEach(() => {
  storage = new Map();
  online = true;
  requests = [];
  globalThis.localStorage = {
    getItem: (key) => storage.get(key) ?? null,
    setItem: (key, value) => storage.set(key, String(value)),
  };
  Object.defineProperty(globalThis, 'navigator', {
    value: {
      get onLine() {
        return online;
      },
    },
    configurable: true,
  });
  globalThis.fetch = async (path) => {
    requests.push(path);
    if (!online) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(PLACES), { status: 200 });
  };
});
afterEach(() => {
  delete globalThis.localStorage;
});

test('offline with no copy kept, the search says it cannot answer', async () => {
  online = false;
  assert.equal(await searchCommunes('lie', 'fr'), null);
});

test('the copy is fetched once online, then offline searches it', async () => {
  const now = Date.now();
  await refreshKeptCommunes(now);
  await refreshKeptCommunes(now + 1000); // fresh: not fetched again
  assert.deepEqual(requests, ['/api/v1/communes/places']);
  online = false;
  const found = await searchCommunes('Luik', 'nl');
  assert.deepEqual(
    found.map((c) => c.name),
    ['Luik'],
  );
  // A week later, online again, it is fetched anew.
  online = true;
  await refreshKeptCommunes(now + 8 * 24 * 3600 * 1000);
  assert.equal(requests.length, 2);
});

test('online, a failed request falls back on the kept copy', async () => {
  await refreshKeptCommunes();
  globalThis.fetch = async () => {
    throw new TypeError('Failed to fetch');
  };
  assert.deepEqual(
    (await searchCommunes('sint-joost', 'fr')).map((c) => c.name),
    ['Saint-Josse-ten-Noode'],
  );
});
