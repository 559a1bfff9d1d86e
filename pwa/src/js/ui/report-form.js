/** The reporting screen: photos, place, category, details; Send writes to the outbox at once. */

import { categoryTile, groupCategories } from '../categories.js';
import { language, onLanguageChange, say, t } from '../i18n.js';
import { pickName } from '../kept-communes.js';
import { currentPosition, lookupCommune, nearbyReports } from '../location.js';
import { canShowTiles } from '../map-base.js';
import { preparePhoto } from '../photo.js';
import { plainText } from '../plain-text.js';
import { bindCommuneSearch } from './commune-search.js';
import { bindStartOver, fieldsOf, photosOf, restoreInto, showStartOver, startOver } from './form-draft.js';
import { renderNearby } from './nearby-list.js';
import { renderPhotos } from './photo-list.js';
import { SendState, saveReport } from './send-state.js';

const MAX_PHOTOS = 5;
const $ = (id) => document.getElementById(id);

export class ReportForm {
  constructor({ outbox, draft = null, config, onQueued, onThumbnail }) {
    this.outbox = outbox;
    this.draft = draft;
    this.config = config;
    this.onQueued = onQueued;
    this.onThumbnail = onThumbnail;
    this.categories = [];
    this.categoriesKnown = false;
    this.clear();
    this.map = null;
    this.sendState = new SendState(outbox);
    this.form = $('report-form');
    this.bind();
    onLanguageChange(() => {
      this.renderCategories();
      this.sayCommune();
      this.showNearby({ quiet: true }); // its dates are written in the language
    });
  }

  bind() {
    for (const id of ['photo-camera', 'photo-gallery']) {
      $(id).addEventListener('change', (event) => this.addPhotos(event.target));
    }
    $('use-position').addEventListener('click', () => this.locate());
    $('use-photo-position').addEventListener('click', () => {
      this.setLocation({ ...this.photoGps, accuracy_m: null }, 'where.fromPhoto');
    });
    $('open-map').addEventListener('click', () => this.openMap());
    bindStartOver(this);
    bindCommuneSearch((commune) => {
      const point = { ...commune.point, accuracy_m: commune.radius_m };
      this.setLocation(point, 'where.fromCommune', { name: commune.name });
    });
    $('category-groups').addEventListener('change', () => {
      $('what-error').hidden = true;
      this.showNearby();
    });
    $('cancel-edit').addEventListener('click', () => {
      this.reset();
      this.restoreDraft(); // the new report being written before, if any
      window.location.hash = '#/mine';
    });
    for (const type of ['input', 'change']) this.form.addEventListener(type, () => this.keepDraft());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.updateMapButton();
    window.addEventListener('online', () => this.updateMapButton());
    window.addEventListener('offline', () => this.updateMapButton());
  }

  /**
   * Show the categories. Until a list is known (`final`: the network answered or failed), an
   * empty list keeps the placeholder, which holds the space so nothing jumps when it comes.
   */
  setCategories(categories, { final = true } = {}) {
    if (!categories.length && !final) return;
    this.categories = categories;
    this.categoriesKnown = true;
    this.renderCategories();
  }

  renderCategories() {
    if (!this.categoriesKnown) return;
    const lang = language();
    const chosen = this.chosenCategory() ?? this.pendingCategory;
    const root = $('category-groups');
    // The list is drawn again when the network's copy replaces the phone's: a resident who
    // already tabbed into it keeps the keyboard on the same category, not on the page.
    const focused = root.contains(document.activeElement) ? document.activeElement.value : null;
    root.replaceChildren();
    root.classList.remove('loading');
    root.removeAttribute('aria-busy');
    // One compact grid of tiles, in the groups' order.
    for (const group of groupCategories(this.categories)) {
      for (const category of group.categories) root.append(categoryTile(category, lang, chosen));
    }
    $('what-unavailable').hidden = this.categories.length > 0;
    if (this.chosenCategory()) this.pendingCategory = null;
    if (focused) [...root.querySelectorAll('input')].find((input) => input.value === focused)?.focus();
  }

  chosenCategory() {
    return this.form.querySelector('input[name="category"]:checked')?.value ?? null;
  }

  async addPhotos(input) {
    const files = [...input.files];
    input.value = '';
    const status = $('photo-status');
    for (const file of files) {
      if (this.keptPhotos + this.photos.length >= MAX_PHOTOS) {
        say(status, 'photos.full');
        break;
      }
      status.className = 'note';
      say(status, 'photos.preparing');
      try {
        const photo = await preparePhoto(file);
        this.photos.push({ id: crypto.randomUUID(), ...photo });
        if (photo.gps && !this.photoGps) {
          this.photoGps = photo.gps;
          $('use-photo-position').hidden = false;
          if (!this.location) say($('where-status'), 'where.photoSuggestion');
        }
        say(status, 'photos.kept', { n: this.keptPhotos + this.photos.length });
      } catch {
        status.className = 'error'; // beside the buttons, at once: another file can be chosen
        say(status, 'photos.unreadable');
      }
      this.renderPhotos();
    }
    this.keepDraft({ photos: true });
  }

  renderPhotos() {
    renderPhotos($('photo-list'), this.photos, (photo) => {
      this.photos = this.photos.filter((p) => p !== photo);
      if (photo.preview) URL.revokeObjectURL(photo.preview);
      say($('photo-status'), 'photos.kept', { n: this.keptPhotos + this.photos.length });
      this.renderPhotos();
      this.keepDraft({ photos: true });
      $('photo-camera').focus();
    });
  }

  async locate() {
    const status = $('where-status');
    say(status, 'where.locating');
    try {
      const position = await currentPosition();
      // A phone that gives no accuracy: the position, without a made-up figure.
      const found = position.accuracy_m ? 'where.position' : 'where.positionFound';
      this.setLocation(position, found, { m: position.accuracy_m });
    } catch {
      say(status, 'where.denied');
      // The other ways to give the place (the commune's name, a description) are there.
      $('more').open = true;
    }
  }

  setLocation(point, key, vars = {}) {
    this.location = point;
    this.whereSaid = { key, vars };
    this.keepDraft();
    say($('form-status'), null);
    $('where-error').hidden = true;
    say($('where-status'), key, vars);
    this.map?.moveTo(point);
    this.updateMapButton();
    this.showCommune();
    this.showNearby();
  }

  async showCommune() {
    say($('commune'), null);
    this.communeFound = null;
    this.sendState.place(null);
    const place = this.location;
    if (!place || !navigator.onLine) return;
    const found = await lookupCommune(place.lat, place.lon, language());
    if (place !== this.location) return; // the place changed meanwhile
    // Outside every commune, Send waits for another place; offline (no answer) it goes.
    this.sendState.place(found);
    // The fix it names, the commune search, sits among the details: unfold them.
    if (found?.outside) $('more').open = true;
    this.communeFound = found;
    this.sayCommune();
  }

  /** "Commune : Bruxelles", in the reader's language, again when they change it. */
  sayCommune() {
    const found = this.communeFound;
    if (found?.outside) say($('commune'), 'where.outside');
    else if (found?.name) {
      const name = found.names ? pickName(found.names, language(), found.region?.code) : found.name;
      say($('commune'), 'where.commune', { name });
    }
  }

  /** Open reports like this one around the position, as soon as both are known. */
  async showNearby({ quiet = false } = {}) {
    const category = this.chosenCategory();
    const { location } = this;
    if (quiet && $('nearby').hidden) return;
    $('nearby').hidden = true;
    if (!location || !category || !navigator.onLine || this.editing) return;
    const features = await nearbyReports(location.lat, location.lon, category, language());
    // A newer position or category is being looked up: its answer will show.
    if (location !== this.location || category !== this.chosenCategory()) return;
    renderNearby(features, category, {
      email: () => $('email').value.trim(),
      // The resident follows an existing report instead: their new one is not needed.
      onDiscard: () => startOver(this, 'nearby.discarded'),
    });
  }

  updateMapButton() {
    $('open-map').hidden = !canShowTiles(this.config) || Boolean(this.map);
  }

  async openMap() {
    const container = $('map');
    container.hidden = false;
    $('map-hint').hidden = false;
    container.setAttribute('aria-label', t('where.mapLabel'));
    const { openMap } = await import('../map-picker.js');
    this.map = await openMap(container, {
      config: this.config,
      center: this.location || this.photoGps,
      onPick: (point) => this.setLocation({ ...point, accuracy_m: null }, 'where.fromMap'),
    });
    this.updateMapButton();
  }

  /** Keep what is written so far on the phone (not a refused report being corrected). */
  async keepDraft({ photos = false } = {}) {
    showStartOver(this);
    if (!this.draft || this.editing || this.restoring) return;
    try {
      await this.draft.saveFields(fieldsOf(this));
      if (photos) await this.draft.savePhotos(photosOf(this));
    } catch {
      // Storage full or refused: the form still works, only a reload would lose it.
    }
  }

  /** Fill the form again with the draft a reload left, if any. */
  async restoreDraft() {
    const saved = await this.draft?.load().catch(() => null);
    if (!saved || this.editing) return;
    this.restoring = true;
    try {
      restoreInto(this, saved);
    } finally {
      this.restoring = false;
    }
    showStartOver(this);
  }

  /** Resolves once the draft is gone (or could not be removed). */
  async forgetDraft() {
    await this.draft?.clear().catch(() => {
      // Left behind, it would only fill the form again at the next visit.
    });
  }

  validate() {
    let first = null;
    const category = this.chosenCategory();
    const whatError = $('what-error');
    whatError.hidden = Boolean(category);
    if (!category) {
      say(whatError, 'what.missing');
      first = first || this.form.querySelector('input[name="category"]') || $('categories');
    }
    const whereError = $('where-error');
    whereError.hidden = Boolean(this.location);
    if (!this.location) {
      say(whereError, 'where.missing');
      $('more').open = true; // without a position, the commune search is the way out
      first = $('use-position');
    }
    const email = $('email');
    const emailError = $('email-error');
    emailError.hidden = email.checkValidity();
    email.setAttribute('aria-invalid', String(!email.checkValidity()));
    if (!email.checkValidity()) {
      say(emailError, 'details.emailInvalid');
      $('more').open = true; // an error is never folded away
      first = first || email;
    }
    first?.focus();
    return !first;
  }

  fields() {
    return {
      place: plainText($('place').value),
      description: plainText($('description').value),
      email: $('email').value.trim(),
    };
  }

  body(fields) {
    const text = [fields.place, fields.description].filter(Boolean).join('\n\n');
    const body = {
      category: this.chosenCategory(),
      location: {
        lat: Number(this.location.lat.toFixed(7)),
        lon: Number(this.location.lon.toFixed(7)),
        accuracy_m: this.location.accuracy_m ?? null,
      },
    };
    if (text) body.description = text;
    if (fields.email) body.reporter = { email: fields.email };
    return body;
  }

  async submit() {
    if (this.sendState.outside || !this.validate()) return;
    const fields = this.fields();
    const photos = this.photos.map(({ id, type, data }) => ({ id, type, data }));
    const made = { body: this.body(fields), fields, location: this.location, photos };
    let item;
    try {
      item = await saveReport(this.outbox, this.editing, made, language(), this.onThumbnail);
    } catch {
      this.sendState.failed();
      return;
    }
    const wasEditing = Boolean(this.editing);
    this.reset({ keepStatus: true });
    // The draft is gone before the form says the report is kept: a reload just after that
    // filled the form again with the report already on its way (a second Send, a double).
    if (wasEditing) this.restoreDraft();
    else await this.forgetDraft();
    this.sendState.watch(item);
    this.onQueued(item, { wasEditing });
  }

  /** Fill the form with a queued item the server refused, to fix it. */
  edit(item) {
    this.reset();
    this.editing = item.id;
    const f = item.fields || {};
    $('more').open = true;
    $('place').value = f.place || '';
    $('description').value = f.description || item.body.description || '';
    $('email').value = f.email || item.body.reporter?.email || '';
    this.location = item.location || { ...item.body.location };
    const found = this.location.accuracy_m ? 'where.position' : 'where.positionFound';
    say($('where-status'), found, { m: this.location.accuracy_m });
    const radio = this.form.querySelector(`input[name="category"][value="${item.body.category}"]`);
    if (radio) radio.checked = true;
    say($('form-heading'), 'form.editHeading');
    say($('send'), 'sendAgain');
    $('cancel-edit').hidden = false;
    showStartOver(this);
    // Its photos stay; more can be added while correcting it, up to the limit.
    this.keptPhotos = item.photos.length;
    say($('photo-status'), 'photos.kept', { n: item.photos.length });
    this.showCommune();
  }

  /** What the form holds besides its fields: empty, as at the start and after each report. */
  clear() {
    this.photos = [];
    this.location = null;
    this.whereSaid = null;
    this.communeFound = null; // what the lookup said of the place
    // A category from the draft, chosen once the list of categories is drawn.
    this.pendingCategory = null;
    this.photoGps = null;
    this.editing = null;
    this.keptPhotos = 0;
  }

  reset({ keepStatus = false } = {}) {
    this.form.reset();
    for (const photo of this.photos) if (photo.preview) URL.revokeObjectURL(photo.preview);
    this.clear();
    this.renderPhotos();
    for (const id of ['where-status', 'commune', 'photo-status', 'form-status']) say($(id), null);
    $('more').open = false;
    if (!keepStatus) this.sendState.forget();
    this.sendState.place(null);
    for (const id of ['where-error', 'what-error', 'email-error', 'nearby', 'use-photo-position']) {
      $(id).hidden = true;
    }
    say($('form-heading'), 'form.heading');
    say($('send'), 'send');
    $('cancel-edit').hidden = true;
    showStartOver(this);
  }
}
