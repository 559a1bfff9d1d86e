/**
 * "Already reported nearby": open reports of the chosen category around the position, shown
 * right under the categories as soon as both are known. Reports at the very same point are
 * one entry ("3 reports here"); each entry has a thumbnail, the date, the published text and
 * the distance, and a "Follow this one" that, once done, offers to discard the new report.
 */

import { iconFor } from '../categories.js';
import { language, say, t } from '../i18n.js';
import { groupByPlace } from '../nearby-groups.js';
import { addFollowControls } from './follow-nearby.js';

const $ = (id) => document.getElementById(id);
const MAX_ENTRIES = 5;

/** The plural form of `base` for `n` in the current language: `${base}.one` or `.other`. */
function plural(base, n) {
  return `${base}.${new Intl.PluralRules(language()).select(n) === 'one' ? 'one' : 'other'}`;
}

function day(iso) {
  return new Date(iso).toLocaleDateString(language(), { dateStyle: 'long' });
}

function line(tag, className, key, vars) {
  const el = document.createElement(tag);
  el.className = className;
  say(el, key, vars);
  return el;
}

function thumbnail(group, category) {
  const url = group.map((f) => f.properties.thumbnail_url).find(Boolean);
  if (!url) {
    const placeholder = document.createElement('span');
    placeholder.className = 'nearby-thumb nearby-thumb-none';
    placeholder.append(iconFor(category));
    return placeholder;
  }
  const img = document.createElement('img');
  img.className = 'nearby-thumb';
  img.src = url;
  img.width = 72;
  img.height = 72;
  img.loading = 'lazy';
  img.alt = t('nearby.photo');
  return img;
}

function entry(group, category, { email, onDiscard }) {
  const first = group[0].properties;
  const last = group[group.length - 1].properties;
  const distance = Math.round(Math.min(...group.map((f) => f.properties.distance_m ?? 0)));
  const li = document.createElement('li');
  const text = document.createElement('div');
  text.className = 'nearby-text';
  if (group.length === 1) {
    text.append(
      line('p', 'nearby-title', 'nearby.item', {
        category: first.category?.name ?? category,
        distance,
        status: t(`status.${first.status}`),
      }),
    );
  } else {
    const key = plural('nearby.group', group.length);
    text.append(line('p', 'nearby-title', key, { n: group.length, distance }));
  }
  const [from, to] = [day(first.created_at), day(last.created_at)];
  if (from === to) text.append(line('p', 'nearby-date', 'nearby.date', { date: from }));
  else text.append(line('p', 'nearby-date', 'nearby.dates', { from, to }));
  const said = new Set(group.map((f) => f.properties.description).filter(Boolean));
  for (const description of said) {
    const p = document.createElement('p');
    p.className = 'nearby-description';
    p.textContent = description;
    text.append(p);
  }
  li.append(thumbnail(group, category), text);
  const actions = document.createElement('div');
  actions.className = 'nearby-actions';
  li.append(actions);
  addFollowControls(actions, group[0].id, email, () => {
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'secondary nearby-discard';
    say(discard, 'nearby.discard');
    discard.addEventListener('click', onDiscard);
    actions.append(discard);
  });
  return li;
}

/**
 * Fill the list from `features` (nearest first) and show it, scrolled into view and
 * announced; hide it when there is none.
 */
export function renderNearby(features, category, options) {
  const section = $('nearby');
  const list = $('nearby-list');
  list.replaceChildren();
  const groups = groupByPlace(features.filter((f) => f.id)).slice(0, MAX_ENTRIES);
  for (const group of groups) list.append(entry(group, category, options));
  section.hidden = groups.length === 0;
  if (!groups.length) {
    say($('nearby-found'), null);
    return;
  }
  say($('nearby-found'), plural('nearby.found', features.length), { n: features.length });
  section.scrollIntoView({ block: 'nearest' });
}
