/** The crews' list card: a ticket's short reference and its age in the crew's words. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { age, shortRef } from '../src/js/staff/card.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const ago = (seconds) => new Date(NOW - seconds * 1000).toISOString();

test('the short reference is the id without dashes, 8 characters', () => {
  assert.equal(shortRef('d85f6c9f-1a2b-4c3d-8e9f-0123456789ab'), 'd85f6c9f');
  assert.equal(shortRef('ab-cd-ef-01-23'), 'abcdef01');
});

test('the age is said in the language asked, whole units, the largest that fits', () => {
  const threeDays = ago(3 * 86400 + 2 * 3600);
  assert.equal(age(threeDays, NOW, 'fr'), 'il y a 3 jours');
  assert.equal(age(threeDays, NOW, 'nl'), '3 dagen geleden');
  assert.equal(age(threeDays, NOW, 'de'), 'vor 3 Tagen');
  assert.equal(age(threeDays, NOW, 'en'), '3 days ago');
  assert.equal(age(ago(86400 + 60), NOW, 'fr'), 'hier');
  assert.equal(age(ago(5 * 3600 + 59 * 60), NOW, 'nl'), '5 uur geleden');
  assert.equal(age(ago(20), NOW, 'fr', "à l'instant"), "à l'instant");
  assert.equal(age(ago(60), NOW, 'nl', 'zojuist'), '1 minuut geleden');
  assert.equal(age(ago(400 * 86400), NOW, 'fr'), 'l’année dernière');
});
