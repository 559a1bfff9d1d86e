/** The crews' screens: log in, my tickets (list, map), a ticket, its changes via the outbox. */

import { loadConfig } from '../config.js';
import { DeliveryLoop } from '../delivery-loop.js';
import { language, onLanguageChange, say, startLanguage } from '../i18n.js';
import { State } from '../outbox.js';
import { staffApi } from './api.js';
import { DeliveriesView } from './deliveries.js';
import { DeliveryView, managesDelivery } from './delivery.js';
import { TicketList } from './list.js';
import { showPasswordScreen } from './password.js';
import { openStaffDb } from './store.js';
import { managesStaff, passwordLink, TeamView } from './team.js';
import { TicketView } from './ticket.js';

export const STAFF_CHANNEL = 'pave-staff-outbox';
const $ = (id) => document.getElementById(id);

// The session lives in memory for the page and in IndexedDB for the service worker and for
// starting offline; the cookie itself is HttpOnly and never seen by scripts.
let session = null;

/** Who is logged in: asked of the server when online, the last known answer offline. */
async function restoreSession(api, cache) {
  try {
    const me = await api.me();
    if (me.status === 200) {
      await cache.put('session', me.body);
      return me.body;
    }
    if (me.status === 401) return null;
  } catch {
    // No network: fall through to the stored session.
  }
  return cache.get('session');
}

const SCREENS = ['login', 'list', 'ticket', 'team', 'delivery', 'deliveries', 'password'];

function showScreen(name, { focus }) {
  for (const screen of SCREENS) $(`screen-${screen}`).hidden = screen !== name;
  $('staff-nav').hidden = name === 'login' || name === 'password';
  $('nav-team').hidden = !managesStaff(session?.user);
  $('nav-delivery').hidden = !managesDelivery(session?.user);
  $('nav-deliveries').hidden = !managesStaff(session?.user);
  for (const [screen, link] of [
    ['list', 'nav-tickets'],
    ['team', 'nav-team'],
    ['delivery', 'nav-delivery'],
    ['deliveries', 'nav-deliveries'],
  ]) {
    if (name === screen) $(link).setAttribute('aria-current', 'page');
    else $(link).removeAttribute('aria-current');
  }
  if (focus) $(`${name}-heading`).focus();
}

function showNetwork() {
  say($('net-status'), navigator.onLine ? null : 'staff.offline');
}

async function main() {
  startLanguage($('lang'));

  const { outbox, cache } = await openStaffDb();
  const api = staffApi({
    csrf: async () => session?.csrf_token ?? (await cache.get('session'))?.csrf_token,
    lang: language,
  });
  const config = await loadConfig();
  let loop;
  const onUnauthorized = () => {
    session = null;
    route({ focus: true });
  };
  const list = new TicketList({ api, cache, outbox, config, onUnauthorized });
  const view = new TicketView({
    api,
    cache,
    outbox,
    me: () => session?.user ?? null,
    onUnauthorized,
    onQueued: () => {
      loop.requestBackgroundSync();
      loop.run({ force: true });
    },
  });
  const team = new TeamView({ api, onUnauthorized });
  const delivery = new DeliveryView({ api, me: () => session?.user ?? null, onUnauthorized });
  const deliveries = new DeliveriesView({ api, onUnauthorized });
  loop = new DeliveryLoop(outbox, {
    transport: api,
    channel: STAFF_CHANNEL,
    onChange: () => {
      list.renderOutbox();
      view.outboxChanged();
      refreshList();
    },
  });
  // Back online, or my changes delivered: the list on show is fetched again, so its cards
  // and its "offline copy" line say what the server holds now (once for a burst of changes).
  let refreshing = null;
  function refreshList() {
    clearTimeout(refreshing);
    refreshing = setTimeout(() => {
      if (session && navigator.onLine && !$('screen-list').hidden) list.load();
    }, 500);
  }
  window.addEventListener('online', refreshList);
  $('send-now').addEventListener('click', () => loop.run({ force: true }));

  /** Logged in by an emailed link: the token leaves the address bar (and the history). */
  async function loggedInByLink(answer) {
    await cache.clear();
    session = answer;
    await cache.put('session', session);
    history.replaceState(null, '', '#/');
    await route({ focus: true });
  }

  async function route({ focus }) {
    const link = passwordLink(window.location.hash);
    if (link) {
      showScreen('password', { focus: false });
      await showPasswordScreen($('screen-password'), link, {
        api,
        language,
        onLoggedIn: loggedInByLink,
      });
      if (focus) $('password-heading')?.focus();
      return;
    }
    $('screen-password').replaceChildren();
    if (!session) {
      showScreen('login', { focus });
      return;
    }
    const open = window.location.hash.match(/^#\/t\/([\w-]+)$/);
    if (window.location.hash === '#/team' && managesStaff(session.user)) {
      showScreen('team', { focus });
      await team.load();
    } else if (window.location.hash === '#/delivery' && managesDelivery(session.user)) {
      showScreen('delivery', { focus });
      await delivery.load();
    } else if (window.location.hash === '#/deliveries' && managesStaff(session.user)) {
      showScreen('deliveries', { focus });
      await deliveries.load();
    } else if (open) {
      showScreen('ticket', { focus });
      await view.show(open[1]);
    } else {
      showScreen('list', { focus });
      say($('whoami'), 'staff.whoami', { name: session.user.name || session.user.email });
      await list.load();
    }
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('login-error');
    say(error, null);
    let answer;
    try {
      answer = await api.login($('login-email').value.trim(), $('login-password').value);
    } catch {
      say(error, 'staff.login.offline');
      return;
    }
    if (answer.status !== 200) {
      if (answer.status === 429) {
        // The wait grows with each failure: say how long this one is.
        const minutes = Math.max(1, Math.ceil((answer.retryAfter || 60) / 60));
        say(error, 'staff.login.tooMany', { minutes });
      } else {
        say(error, answer.status === 503 ? 'staff.login.unavailable' : 'staff.login.failed');
      }
      return;
    }
    const before = await cache.get('session');
    // Another person on this phone: what the previous one saw is not theirs to see.
    if (before && before.user?.id !== answer.body.user.id) await cache.clear();
    session = answer.body;
    await cache.put('session', session);
    $('login-password').value = '';
    // Changes refused for want of a session are sent again now that there is one.
    for (const item of await outbox.all()) {
      if (item.state === State.ATTENTION && [401, 403].includes(item.problem?.status)) {
        await outbox.update(item.id, (it) => ({ ...it, state: State.WAITING, problem: null }));
      }
    }
    loop.run({ force: true });
    await route({ focus: true });
  });

  $('logout').addEventListener('click', async () => {
    try {
      await api.logout();
    } catch {
      // Offline: the cookie dies with its session lifetime; this phone forgets it now.
    }
    session = null;
    await cache.clear();
    window.location.hash = '#/';
    await route({ focus: true });
  });

  onLanguageChange(() => {
    list.render();
    view.render();
    team.render();
    delivery.render();
    deliveries.render();
    // Names of categories, communes and bodies come from the server in the crew's language:
    // the screen on show asks again in the new one (the cached copy stays meanwhile).
    if (!session || !navigator.onLine) return;
    if (!$('screen-list').hidden) list.load();
    else if (!$('screen-ticket').hidden) view.fetch();
  });
  window.addEventListener('online', showNetwork);
  window.addEventListener('offline', showNetwork);
  window.addEventListener('hashchange', () => route({ focus: true }));
  showNetwork();
  session = await restoreSession(api, cache);
  await route({ focus: false });
  document.body.dataset.ready = 'true';
  loop.start();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      // Without a service worker the screens still work online.
    });
  }
}

main();
