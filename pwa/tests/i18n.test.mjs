/** Translations: the four languages say the same things, and every key the app uses exists. */

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { template } from '../src/js/i18n-template.js';
import { pickLanguage } from '../src/js/language.js';

const src = new URL('../src/', import.meta.url).pathname;
const load = async (lang) => JSON.parse(await readFile(join(src, 'i18n', `${lang}.json`), 'utf8'));

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // A subfolder's text as one string: spreading it would push one character at a time.
    if (entry.isDirectory()) out.push(await sources(path));
    else if (/\.(js|html)$/.test(entry.name)) out.push(await readFile(path, 'utf8'));
  }
  return out.join('\n');
}

test('fr, nl and de have exactly the English keys, none empty', async () => {
  const en = await load('en');
  for (const lang of ['fr', 'nl', 'de']) {
    const strings = await load(lang);
    assert.deepEqual(Object.keys(strings).sort(), Object.keys(en).sort(), lang);
    for (const [key, value] of Object.entries(strings)) {
      assert.ok(value.trim(), `${lang}: ${key} is empty`);
      const holes = (s) => (s.match(/\{\w+\}/g) || []).sort();
      assert.deepEqual(holes(value), holes(en[key]), `${lang}: ${key} placeholders`);
    }
  }
});

test('every key named in the page and the scripts is translated', async () => {
  const en = await load('en');
  const code = await sources(src);
  const named = [
    ...code.matchAll(/data-i18n(?:-aria-label)?="([\w.-]+)"/g),
    ...code.matchAll(/\b(?:say\([^,]+|t|line\([^,]+|button)\(?,?\s*'([\w-]+\.[\w.-]+)'/g),
  ].map((m) => m[1]);
  assert.ok(named.length > 20);
  for (const key of named) {
    assert.ok(key in en || `${key}.other` in en, `missing translation: ${key}`);
  }
});

test('a count takes the plural form of its language: never "photo(s)"', async () => {
  for (const lang of ['en', 'fr', 'nl', 'de']) {
    const strings = await load(lang);
    for (const [key, value] of Object.entries(strings)) {
      assert.doesNotMatch(value, /\w\((s|en|n|'s|e)\)/, `${lang}: ${key} writes a plural by hand`);
      if (key.endsWith('.one')) assert.ok(`${key.slice(0, -4)}.other` in strings, `${lang}: ${key}`);
    }
  }
  const fr = await load('fr');
  const nl = await load('nl');
  assert.equal(template(fr, 'fr', 'where.communeFound', 1), '{n} commune trouvée\u202f: choisissez-la.');
  assert.equal(template(fr, 'fr', 'where.communeFound', 2), '{n} communes trouvées\u202f: choisissez-en une.');
  assert.equal(template(nl, 'nl', 'mine.photos', 1), '{n} foto');
  assert.equal(template(nl, 'nl', 'mine.photos', 3), "{n} foto's");
  assert.equal(template(fr, 'fr', 'mine.photos', 1_000_000), '{n} photos', 'French "many" is "other"');
});

test('nl says "het bestuur" for the administration, never "de administratie"', async () => {
  const nl = await load('nl');
  for (const [key, value] of Object.entries(nl)) assert.doesNotMatch(value, /administratie/i, key);
});

test('French staff strings put a narrow no-break space before : ; ! ?', async () => {
  const fr = await load('fr');
  // "Chris Crew : a changé…", "Statut : nouveau": U+202F, never a plain space, a no-break
  // space (too wide) or nothing ("://" is no sign of punctuation).
  const wrong = Object.entries(fr).filter(
    ([key, value]) => key.startsWith('staff.') && /(^|[^\u202f])[:;!?](?!\/\/)/u.test(value),
  );
  assert.deepEqual(wrong, []);
});

test('the language comes from the browser, falling back to English', () => {
  assert.equal(pickLanguage(null, ['nl-BE', 'fr']), 'nl');
  assert.equal(pickLanguage(null, ['de-DE']), 'de');
  assert.equal(pickLanguage(null, ['es-ES', 'it']), 'en');
  assert.equal(pickLanguage('fr', ['nl-BE']), 'fr', 'a choice made in the app wins');
});

test('French resident strings put a narrow no-break space before : ; ! ?, never a plain one', async () => {
  const fr = await load('fr');
  // The crew screens' strings (staff.*) are left to their own pass.
  const wrong = Object.entries(fr).filter(([key, text]) => !key.startsWith('staff.') && /[ \u00a0][:;!?]/.test(text));
  assert.deepEqual(wrong, []);
  assert.match(fr['follow.comment.label'], /commentaire\u202f; elle/);
});
