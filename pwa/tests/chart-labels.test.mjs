/** The dashboard's bar labels: long category names in lines a phone's axis can show whole. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wrapLabel } from '../src/js/dashboard/wrap-label.js';

test('a long name is cut between words into lines of at most 18 characters', () => {
  assert.deepEqual(wrapLabel('Feu de signalisation en panne'), ['Feu de', 'signalisation en', 'panne']);
  assert.deepEqual(wrapLabel('Verkeerslicht defect of uitgevallen'), ['Verkeerslicht', 'defect of', 'uitgevallen']);
});

test('a short name stays one line, and a word longer than a line stays whole', () => {
  assert.equal(wrapLabel('Nid-de-poule'), 'Nid-de-poule');
  assert.deepEqual(wrapLabel('Straatverlichtingsonderhoud nodig'), ['Straatverlichtingsonderhoud', 'nodig']);
  assert.equal(wrapLabel(''), '');
});
