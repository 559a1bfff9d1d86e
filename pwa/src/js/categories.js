/** Categories from the API, kept on the phone so the form works offline after one visit. */

import { getJson } from './api.js';

const STORAGE_KEY = 'pave.categories';

// One pictogram per category (decorative: the name is always written next to it).
const ICONS = {
  pothole: '🕳️',
  damaged_pavement: '🧱',
  damaged_sign: '🚧',
  streetlight_out: '💡',
  traffic_light_fault: '🚦',
  illegal_dumping: '🗑️',
  overflowing_bin: '🚮',
  graffiti: '🎨',
  blocked_drain: '🌊',
  fallen_tree: '🌳',
};

export function iconFor(code) {
  return ICONS[code] || '📍';
}

export function cachedCategories() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY)) || [];
  } catch {
    return [];
  }
}

/** The latest list: from the network when reachable, else the copy on the phone. */
export async function loadCategories() {
  const fresh = await getJson('/api/v1/categories');
  if (Array.isArray(fresh) && fresh.length) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(fresh));
    } catch {
      // Storage full or refused: the list still works for this visit.
    }
    return fresh;
  }
  return cachedCategories();
}

/** Categories grouped in their server order: [{ code, names, categories: [...] }]. */
export function groupCategories(categories) {
  const groups = new Map();
  for (const category of categories) {
    const key = category.group.code;
    if (!groups.has(key)) groups.set(key, { ...category.group, categories: [] });
    groups.get(key).categories.push(category);
  }
  return [...groups.values()];
}

export function nameIn(named, lang) {
  return named?.names?.[lang] || named?.name || named?.code || '';
}
