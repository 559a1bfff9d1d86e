/** Nearby reports at the same published point show as one entry, the oldest report first. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupByPlace } from '../src/js/nearby-groups.js';

const at = (id, lon, lat, created_at) => ({
  id,
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties: { created_at },
});

test('reports at the same point are one group, nearest group first, oldest report first', () => {
  const features = [
    at('b', 4.3525, 50.8467, '2026-12-03T10:00:00Z'),
    at('a', 4.3525, 50.8467, '2026-12-01T10:00:00Z'),
    at('far', 4.3525, 50.847, '2026-11-01T10:00:00Z'),
    at('c', 4.3525000001, 50.8467000001, '2026-12-02T10:00:00Z'),
  ];
  const groups = groupByPlace(features);
  assert.deepEqual(
    groups.map((group) => group.map((f) => f.id)),
    [['a', 'c', 'b'], ['far']],
  );
});

test('no report, no group', () => {
  assert.deepEqual(groupByPlace([]), []);
});
