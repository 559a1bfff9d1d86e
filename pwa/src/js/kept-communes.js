/**
 * The communes kept on the phone (GET /api/v1/communes/places), so that a resident without
 * a position or a network can still name the commune of a report. The search follows the
 * server's (app/geo/search.py search_communes) and answers in the same shape.
 */

import { getJson } from './api.js';

const STORAGE_KEY = 'pave.communes';
// Communes change with a boundary import, a few times a decade: a week-old copy is fine.
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const LIMIT = 6;
// As app/i18n.py: the usual languages of each region, then every language.
const REGION_LANGUAGES = { '02000': ['nl', 'fr'], '03000': ['fr', 'de'], '04000': ['fr', 'nl'] };
const LANGUAGES = ['fr', 'nl', 'de', 'en'];

/** Lower case without accents or punctuation, as the server's fold: 'Saint-Josse' → 'saint josse'. */
export function fold(name) {
  // Python's casefold() differs from toLowerCase() by ß → ss among letters used here.
  const letters = name.toLowerCase().replace(/ß/g, 'ss').normalize('NFKD').replace(/\p{M}/gu, '');
  return letters
    .replace(/[^\p{L}\p{N}]/gu, ' ')
    .split(' ')
    .filter(Boolean)
    .join(' ');
}

/** The name in `lang` if there is one, else in the region's languages, else any. */
export function pickName(names, lang, regionCode) {
  const order = [lang, ...(REGION_LANGUAGES[regionCode] || []), ...LANGUAGES];
  for (const candidate of order) if (names[candidate]) return names[candidate];
  return Object.values(names)[0] || '';
}

// Code-point order, as Python compares strings (localeCompare would not match the server).
const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The kept communes whose name (fr, nl or de) or one of its words starts with `query`:
 * names starting with it first, then alphabetically; as GET /api/v1/communes?q= answers.
 */
export function searchPlaces(places, query, lang, limit = LIMIT) {
  const wanted = fold(query);
  if (!wanted) return [];
  const ranked = [];
  for (const place of places) {
    const names = Object.values(place.names).filter(Boolean).map(fold).sort(compare);
    const start = names.find((n) => n.startsWith(wanted));
    const inside = names.find((n) => ` ${n}`.includes(` ${wanted}`));
    if (start !== undefined) ranked.push({ rank: 0, key: start, place });
    else if (inside !== undefined) ranked.push({ rank: 1, key: inside, place });
  }
  ranked.sort((a, b) => a.rank - b.rank || compare(a.key, b.key) || compare(a.place.nis_code, b.place.nis_code));
  return ranked.slice(0, limit).map(({ place }) => ({
    nis_code: place.nis_code,
    name: pickName(place.names, lang, place.region),
    names: place.names,
    region: { code: place.region },
    point: place.point,
    radius_m: place.radius_m,
  }));
}

/** The copy on the phone, { savedAt, places }, or null when there is none. */
export function keptCommunes() {
  try {
    const kept = JSON.parse(localStorage.getItem(STORAGE_KEY));
    return Array.isArray(kept?.places) && kept.places.length ? kept : null;
  } catch {
    return null;
  }
}

/** Fetch the list when online and the copy is missing or older than a week. */
export async function refreshKeptCommunes(now = Date.now()) {
  const kept = keptCommunes();
  if ((kept && now - kept.savedAt < MAX_AGE_MS) || !navigator.onLine) return;
  const places = await getJson('/api/v1/communes/places');
  if (!Array.isArray(places) || !places.length) return;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ savedAt: now, places }));
  } catch {
    // Storage full or refused: the search still works online.
  }
}

/** The kept copy searched, or null when there is none (the search needs the network). */
export function searchKeptCommunes(query, lang) {
  const kept = keptCommunes();
  return kept ? searchPlaces(kept.places, query, lang) : null;
}
