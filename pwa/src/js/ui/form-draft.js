/**
 * The report form's draft: what the resident has given so far, as draft.js keeps it, and
 * the form filled again from it after a reload. Said nowhere: the form is simply as they left it.
 */

import { say, t } from '../i18n.js';

const $ = (id) => document.getElementById(id);

/** The form's fields as the draft keeps them (photos apart). */
export function fieldsOf(form) {
  return {
    description: $('description').value,
    place: $('place').value,
    email: $('email').value,
    category: form.chosenCategory() ?? form.pendingCategory,
    location: form.location,
    where: form.whereSaid,
    photoGps: form.photoGps,
  };
}

/** The photos as the draft keeps them: their bytes, and whether they had a thumbnail. */
export function photosOf(form) {
  return form.photos.map(({ id, type, data, gps, width, height, preview }) => ({
    id,
    type,
    data,
    gps,
    width,
    height,
    shown: Boolean(preview),
  }));
}

/** Fill `form` (a ReportForm, just made) from a saved draft. */
export function restoreInto(form, { fields, photos }) {
  $('description').value = fields.description || '';
  $('place').value = fields.place || '';
  $('email').value = fields.email || '';
  // Text in the folded details would be out of sight: unfold them.
  if (fields.description || fields.place || fields.email) $('more').open = true;
  form.pendingCategory = fields.category || null;
  form.renderCategories();
  form.photos = photos.map(({ shown, ...photo }) => ({
    ...photo,
    preview: shown ? URL.createObjectURL(new Blob([photo.data], { type: photo.type })) : null,
  }));
  if (form.photos.length) say($('photo-status'), 'photos.kept', { n: form.photos.length });
  form.renderPhotos();
  if (fields.photoGps) {
    form.photoGps = fields.photoGps;
    $('use-photo-position').hidden = false;
  }
  if (fields.location) {
    const where = fields.where || { key: 'where.positionFound', vars: {} };
    form.setLocation(fields.location, where.key, where.vars);
  }
}

/** Whether the new report holds anything the resident gave (a refused one being corrected apart). */
function hasContent(form) {
  const f = fieldsOf(form);
  const typed = [f.description, f.place, f.email].some((value) => value.trim());
  return typed || Boolean(f.category || f.location || form.photos.length);
}

/** "Start over" is offered while a new report holds anything: Cancel stands in for it when correcting. */
export function showStartOver(form) {
  $('start-over').hidden = Boolean(form.editing) || !hasContent(form);
}

/** An empty form and no draft: the report given up, or an existing one followed instead. */
export function startOver(form, key) {
  form.reset();
  form.forgetDraft();
  say($('form-status'), key);
  window.scrollTo(0, 0);
  $('form-heading').focus();
}

/** "Start over" asks first: what it clears (text, photos, place) cannot come back. */
export function bindStartOver(form) {
  $('start-over').addEventListener('click', () => {
    if (window.confirm(t('form.confirmStartOver'))) startOver(form, 'form.startedOver');
  });
}
