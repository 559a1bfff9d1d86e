/**
 * What the crew picks in the status form rather than types: the original of a duplicate among
 * the open tickets nearby (or its short reference), and the body to transfer to, by name.
 */

import { el } from '../dom.js';
import { language, onLanguageChange, say, t } from '../i18n.js';
import { pickButtons, searchable } from '../search-list.js';
import { bodyCode } from './api.js';
import { age } from './card.js';

const $ = (id) => document.getElementById(id);
const SHORT_REF = /^#?[0-9a-f]{8}$/i;

/** "55 m", "1,2 km": the distance in the crew's language. */
export function formatDistance(metres, lang = language()) {
  const km = metres >= 1000;
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: km ? 'kilometer' : 'meter',
    maximumFractionDigits: km ? 1 : 0,
  })
    .format(km ? metres / 1000 : metres)
    .replace(/\s/g, '\u00a0'); // "60 m" never split over two lines
}

/** The nearby open tickets of the same body, as radio choices; or a reference typed. */
export class DuplicatePicker {
  constructor(api) {
    this.api = api;
    this.loadedFor = null;
    // Categories, distances and ages in the new language: the list is asked for again.
    onLanguageChange(() => {
      const shown = this.loadedFor;
      this.loadedFor = null;
      if (shown) this.load(shown);
    });
    $('change-dup').addEventListener('input', () => {
      for (const radio of document.querySelectorAll('input[name="change-dup-pick"]')) {
        radio.checked = radio.value === $('change-dup').value.trim();
      }
    });
  }

  reset() {
    this.loadedFor = null;
    this.candidates = [];
    $('change-dup-list').replaceChildren();
    say($('change-dup-status'), null);
  }

  /** Load the candidates of `ticketId` once (again after `reset`). */
  async load(ticketId) {
    if (this.loadedFor === ticketId) return;
    this.loadedFor = ticketId;
    this.candidates = [];
    $('change-dup-list').replaceChildren();
    if (!navigator.onLine) {
      say($('change-dup-status'), 'staff.dup.offline');
      this.loadedFor = null;
      return;
    }
    say($('change-dup-status'), 'staff.dup.loading');
    let answer;
    try {
      answer = await this.api.duplicateCandidates(ticketId);
    } catch {
      answer = null;
    }
    if (this.loadedFor !== ticketId) return;
    if (answer?.status !== 200) {
      say($('change-dup-status'), 'staff.dup.offline');
      this.loadedFor = null;
      return;
    }
    this.candidates = answer.body;
    this.render();
  }

  render() {
    const status = $('change-dup-status');
    say(status, this.candidates.length ? null : 'staff.dup.none');
    const typed = $('change-dup').value.trim();
    const items = this.candidates.map((c) => {
      const li = el('li');
      const label = el('label', 'choice candidate');
      const radio = el('input');
      Object.assign(radio, { type: 'radio', name: 'change-dup-pick', value: c.reference });
      radio.checked = typed === c.reference;
      radio.addEventListener('change', () => {
        $('change-dup').value = c.reference;
        $('change-dup').removeAttribute('aria-invalid');
      });
      let thumb;
      if (c.thumbnail_url) {
        thumb = el('img', 'thumb');
        Object.assign(thumb, { src: c.thumbnail_url, width: 56, height: 56, loading: 'lazy' });
        thumb.alt = t('staff.dup.photoAlt', { ref: c.reference });
      } else {
        thumb = el('span', 'thumb none', t('staff.dup.noPhoto'));
      }
      const text = el('span', 'what');
      const vars = {
        category: c.category.name,
        distance: formatDistance(c.distance_m),
        age: age(c.created_at, Date.now(), language(), t('staff.age.justNow')),
      };
      text.append(el('strong', 'ref', c.reference), el('span', '', t('staff.dup.item', vars)));
      label.append(radio, thumb, text);
      li.append(label);
      return li;
    });
    $('change-dup-list').replaceChildren(...items);
  }

  /** What to send as duplicate_of: the id of the ticket picked, or the reference typed. */
  value(typed) {
    const ref = typed.replace(/^#/, '').toLowerCase();
    const picked = SHORT_REF.test(typed) && (this.candidates || []).find((c) => c.reference === ref);
    return picked ? picked.id : typed;
  }
}

/** Bodies found by their name in any language; the one picked gives its code. */
export class BodyPicker {
  constructor(api, excluded = () => null) {
    Object.assign(this, { api, excluded, chosen: null, offered: [] });
    $('change-body').addEventListener('input', () => this.search($('change-body').value.trim()));
  }

  reset() {
    this.chosen = null;
    this.offered = [];
    $('change-body-results').replaceChildren();
    say($('change-body-status'), null);
  }

  async search(query) {
    if (this.chosen && query !== this.chosen.name) this.chosen = null;
    const list = $('change-body-results');
    const status = $('change-body-status');
    if (this.chosen) return;
    if (!searchable(query, list, status, 'staff.transfer.offline')) return;
    let answer;
    try {
      answer = await this.api.bodies(query);
    } catch {
      say(status, 'staff.transfer.offline');
      return;
    }
    if ($('change-body').value.trim() !== query) return; // a newer search is under way
    const found = answer.status === 200 ? answer.body : [];
    const bodies = found.filter((body) => body.code !== this.excluded());
    this.offered = bodies;
    if (!bodies.length) {
      // The ticket's own body is never offered: say so, rather than that nothing is called so.
      say(status, found.length ? 'staff.transfer.ownBody' : 'staff.transfer.none');
      return;
    }
    pickButtons(
      list,
      bodies,
      (body) => `${body.name} (${t(`staff.kind.${body.kind}`)})`,
      (body) => this.pick(body),
    );
  }

  pick(body) {
    this.chosen = body;
    $('change-body').value = body.name;
    $('change-body').removeAttribute('aria-invalid');
    $('change-body-results').replaceChildren();
    const kind = t(`staff.kind.${body.kind}`);
    say($('change-body-status'), 'staff.transfer.chosen', { name: body.name, kind });
  }

  /**
   * The code to send: the body picked; else the one offered whose name was typed in full
   * (typing "Ixelles" is choosing it, tapped or not); else a NIS code or body code typed.
   */
  value(typed) {
    if (this.chosen && typed === this.chosen.name) return this.chosen.code;
    const named = this.offered.filter((body) => body.name.toLowerCase() === typed.toLowerCase());
    if (named.length !== 1) return bodyCode(typed);
    this.pick(named[0]); // written as the body writes it, as a tap would have
    return named[0].code;
  }
}
