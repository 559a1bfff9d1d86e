import assert from 'node:assert/strict';
import { test } from 'node:test';

import { plainText } from '../src/js/plain-text.js';

test('controls and text-direction overrides are taken out, line breaks and tabs stay', () => {
  assert.equal(plainText('Sacs\u0007 poubelle \u202egauche'), 'Sacs poubelle gauche');
  assert.equal(plainText('a\u0000b\u001bc\u2066d\u2069'), 'abcd');
  assert.equal(plainText('  ligne 1\nligne\t2  '), 'ligne 1\nligne\t2');
  assert.equal(plainText('Trottoir défoncé 🚧'), 'Trottoir défoncé 🚧');
});
