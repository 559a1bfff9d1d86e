/** The app's start: language, outbox, screens, delivery triggers and the service worker. */

import { cachedCategories, loadCategories } from './categories.js';
import { loadConfig } from './config.js';
import { DeliveryLoop } from './delivery-loop.js';
import { openDraft } from './draft.js';
import { onLanguageChange, startLanguage } from './i18n.js';
import { refreshKeptCommunes } from './kept-communes.js';
import { openOutbox, State } from './outbox.js';
import { renderAbout } from './ui/about.js';
import { MyReports } from './ui/my-reports.js';
import { watchConnection } from './ui/offline-banner.js';
import { ReportForm } from './ui/report-form.js';

const $ = (id) => document.getElementById(id);

const SCREENS = { report: 'form-heading', mine: 'mine-heading', privacy: 'privacy-heading' };

function showScreen(route, { focus }) {
  for (const screen of Object.keys(SCREENS)) $(`screen-${screen}`).hidden = screen !== route;
  for (const [id, current] of [
    ['nav-new', route === 'report'],
    ['nav-mine', route === 'mine'],
    ['nav-privacy', route === 'privacy'],
  ]) {
    if (current) $(id).setAttribute('aria-current', 'page');
    else $(id).removeAttribute('aria-current');
  }
  if (focus) $(SCREENS[route]).focus();
}

async function askPersistentStorage() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) {
      await navigator.storage.persist();
    }
  } catch {
    // Refused or unsupported: the outbox still works, the browser may just evict it sooner.
  }
}

async function main() {
  startLanguage($('lang'));

  const outbox = await openOutbox();
  const config = await loadConfig();
  renderAbout(config);
  let loop;
  const mine = new MyReports({
    outbox,
    onEdit: (item) => {
      window.location.hash = `#/edit/${item.id}`;
    },
    onRetry: async (item) => {
      await outbox.update(item.id, (it) => ({
        ...it,
        state: State.WAITING,
        problem: null,
        nextAttemptAt: 0,
      }));
      await mine.render();
      loop.run({ force: true });
    },
    onSendNow: () => loop.run({ force: true }),
  });
  let form;
  loop = new DeliveryLoop(outbox, {
    onChange: () => {
      mine.render();
      // The form's "saved" becomes "sent", or the refusal, as soon as delivery says so.
      form?.sendState.refresh();
    },
  });
  form = new ReportForm({
    outbox,
    // Without it (storage refused), the form works as before, only not across a reload.
    draft: await openDraft().catch(() => null),
    config,
    onQueued: async (_item, { wasEditing }) => {
      await mine.render();
      if (wasEditing) window.location.hash = '#/mine';
      askPersistentStorage();
      loop.requestBackgroundSync();
      loop.run({ force: true });
    },
    onThumbnail: () => mine.render(),
  });
  form.setCategories(cachedCategories(), { final: false });
  await form.restoreDraft();
  onLanguageChange(() => mine.render());
  watchConnection($('offline-banner'));
  window.addEventListener('online', () => mine.render());
  window.addEventListener('offline', () => mine.render());

  const route = async ({ focus }) => {
    const hash = window.location.hash;
    const edit = hash.match(/^#\/edit\/([\w-]+)$/);
    if (edit) {
      const item = await outbox.get(edit[1]);
      if (item && item.state === State.ATTENTION && !item.serverId) {
        showScreen('report', { focus });
        form.edit(item);
        return;
      }
    }
    const screens = { '#/mine': 'mine', '#/privacy': 'privacy', '#/about': 'privacy' };
    showScreen(screens[hash] || 'report', { focus });
    if (hash === '#/mine') mine.refreshStatuses();
  };
  window.addEventListener('hashchange', () => route({ focus: true }));
  await route({ focus: false });
  await mine.render();
  document.body.dataset.ready = 'true';

  loadCategories()
    .catch(() => cachedCategories())
    .then((categories) => form.setCategories(categories));
  // The communes to find one by name offline: fetched now and then, after the form is up.
  refreshKeptCommunes();
  window.addEventListener('online', () => refreshKeptCommunes());
  loop.start();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Without a service worker the app still works online and keeps its outbox.
    });
  }
}

main();
