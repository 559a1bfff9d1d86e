/** Drawing the followed report: its facts, photos, public updates and status history. */

import { el, thumbnailImage } from '../dom.js';
import { formatDate, language, say, t } from '../i18n.js';

const $ = (id) => document.getElementById(id);

export function formatDay(isoDate) {
  // A date without a time: noon keeps it on the same day in every time zone of Europe.
  return new Date(`${isoDate}T12:00:00`).toLocaleDateString(language(), { dateStyle: 'long' });
}

/**
 * A duplicate: of which report, when the API names it (a public, not sensitive original), and
 * whether this link's person follows the original now (their emails moved to it with them).
 */
function duplicateFacts(data) {
  const original = data.original;
  const of = el('p', 'state');
  if (original) {
    const link = el('a', '', t('follow.duplicate.original'));
    link.href = `/ogc/collections/reports/items/${encodeURIComponent(original.id)}?f=html`;
    of.append(t('follow.duplicate.of', { ref: original.reference }), ' ', link);
  } else {
    of.textContent = t('follow.duplicate.ofHidden');
  }
  let following = 'follow.duplicate.moved';
  if (!data.emails) following = 'follow.duplicate.noEmail';
  else if (!data.subscribed) following = 'follow.duplicate.unsubscribed';
  return [of, el('p', '', t(following))];
}

function renderFacts(data) {
  const report = data.report;
  const facts = [
    ...(report.status === 'duplicate' ? duplicateFacts(data) : []),
    el('p', 'note', t('follow.reference', { ref: String(report.id).slice(0, 8) })),
    el('p', 'note', t('follow.created', { at: formatDate(report.created_at) })),
  ];
  if (report.responsible_body?.name) {
    facts.push(el('p', 'note', t('follow.body', { body: report.responsible_body.name })));
  }
  // The API gives the date only while the ticket is planned; the history keeps it after.
  if (data.planned_for && report.status === 'planned') {
    facts.push(el('p', '', t('follow.planned', { date: formatDay(data.planned_for) })));
  }
  if (report.description) facts.push(el('p', 'description', report.description));
  $('report-facts').replaceChildren(...facts);
}

function renderPhotos(report) {
  const items = (report.photos || []).map((photo, index) => {
    const li = el('li');
    const link = el('a');
    link.href = photo.url;
    link.rel = 'noreferrer';
    link.append(thumbnailImage(photo, t('follow.photo', { n: index + 1 })));
    li.append(link);
    return li;
  });
  $('report-photos').replaceChildren(...items);
}

// Who wrote an update, as this link's person reads it: "you" for their own words.
function author(row, isReporter) {
  if (row.public === false) return t('follow.by.you');
  if (row.author === 'reporter') return t(isReporter ? 'follow.by.you' : 'follow.by.reporter');
  if (row.author === 'follower') return t('follow.by.follower');
  return t('follow.by.commune');
}

function renderUpdates(updates, isReporter) {
  const items = updates.map((row) => {
    const li = el('li');
    li.append(el('strong', '', author(row, isReporter)), ` — ${formatDate(row.created_at)}`);
    if (row.public === false) {
      li.classList.add('not-public');
      li.append(' ', el('em', 'note not-public-mark', t('follow.notPublic')));
    }
    li.append(el('p', '', row.body));
    return li;
  });
  $('report-updates').replaceChildren(...items);
  $('updates-none').hidden = items.length > 0;
}

function renderHistory(history, isReporter) {
  const items = history.map((row) => {
    const li = el('li');
    const to = t(`status.${row.to_status}`);
    const line = row.from_status
      ? t('follow.history.change', { from: t(`status.${row.from_status}`), to })
      : t('follow.history.start', { to });
    li.append(el('strong', '', line), ` — ${formatDate(row.at)}`);
    const reporter = isReporter ? 'follow.by.you' : 'follow.by.reporter';
    const who = t(row.by === 'reporter' ? reporter : 'follow.by.commune');
    li.append(el('span', 'note', ` (${who})`));
    if (row.planned_for) {
      li.append(el('p', '', t('follow.history.plannedFor', { date: formatDay(row.planned_for) })));
    }
    if (row.reason) li.append(el('p', '', t('follow.reason', { reason: row.reason })));
    return li;
  });
  $('report-history').replaceChildren(...items);
}

/** Draw the whole report from the API's answer. */
export function renderReport(data) {
  const report = data.report;
  const heading = $('follow-heading');
  say(heading, null);
  heading.textContent = `${report.category?.name ?? ''} — ${report.commune?.name ?? ''}`;
  say($('report-status'), 'follow.status', { status: t(`status.${report.status}`) });
  renderFacts(data);
  renderPhotos(report);
  const isReporter = data.is_reporter !== false;
  renderUpdates(data.updates || [], isReporter);
  renderHistory(data.history || [], isReporter);
  const resolved = report.status === 'resolved';
  // Only the reporter's link says whether it is fixed; a follower's never shows the question.
  $('fixed-box').hidden = !resolved || !isReporter;
  if (resolved && data.can_reopen && data.reopen_until) {
    say($('fixed-until'), 'follow.fixed.until', { date: formatDate(data.reopen_until) });
  } else if (resolved) {
    say($('fixed-until'), 'follow.fixed.late');
  } else {
    say($('fixed-until'), null);
  }
}
