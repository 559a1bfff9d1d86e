/** Categories from the API, kept on the phone so the form works offline after one visit. */

import {
  BrickWall,
  Construction,
  createElement,
  Droplets,
  LightbulbOff,
  MapPin,
  OctagonAlert,
  Signpost,
  Sofa,
  SprayCan,
  Trash,
  TreeDeciduous,
} from 'lucide';

import { getJson } from './api.js';

const STORAGE_KEY = 'pave.categories';

// One pictogram per category (decorative: the name is always written next to it). Lucide's
// line icons are inline SVG, so they look the same on every phone; emoji needed a colour
// emoji font and showed as empty boxes where there was none.
const ICONS = {
  pothole: Construction,
  damaged_pavement: BrickWall,
  damaged_sign: Signpost,
  streetlight_out: LightbulbOff,
  traffic_light_fault: OctagonAlert,
  illegal_dumping: Sofa,
  overflowing_bin: Trash,
  graffiti: SprayCan,
  blocked_drain: Droplets,
  fallen_tree: TreeDeciduous,
};

/** The category's pictogram as an <svg> element, hidden from screen readers. */
export function iconFor(code) {
  return createElement(ICONS[code] || MapPin, {
    class: 'category-icon',
    width: 24,
    height: 24,
    'aria-hidden': 'true',
    focusable: 'false',
  });
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

/**
 * One category as a tile: an icon over a short name, and a radio button covering the whole
 * tile, so the tile is the target. `chosen` is the code of the category to check.
 */
export function categoryTile(category, lang, chosen) {
  const label = document.createElement('label');
  label.className = 'tile';
  const input = document.createElement('input');
  input.type = 'radio';
  input.name = 'category';
  input.value = category.code;
  input.checked = category.code === chosen;
  const icon = document.createElement('span');
  icon.className = 'icon';
  icon.setAttribute('aria-hidden', 'true');
  icon.append(iconFor(category.code));
  const name = document.createElement('span');
  name.textContent = nameIn(category, lang);
  label.append(input, icon, name);
  return label;
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
