/** The screen of an emailed link (#invitation=… or #reset=…): what the link is now, and the form. */

import { say, translate } from '../i18n.js';

const $ = (id) => document.getElementById(id);

/** Whom to ask for a new link: the person who sent this one, or the manager in general. */
export function askKey(kind, ask) {
  if (!ask) return ['staff.password.askManager', {}];
  const key = kind === 'reset' ? 'staff.password.askSender' : 'staff.password.askInviter';
  return [key, { name: ask.name, email: ask.email }];
}

function line(key, vars, className = 'note') {
  const p = document.createElement('p');
  p.className = className;
  say(p, key, vars);
  return p;
}

/** The body's name in the crew's language, else in any. */
function bodyName(names, lang) {
  if (!names) return '';
  return names[lang] || names.fr || names.nl || names.de || names.en || '';
}

/**
 * Shows the link's screen in `screen`; `onLoggedIn(session)` runs once the password is saved.
 * The link's state comes from the server first: a used or expired link says so at once and
 * names whom to ask, instead of a form that can only fail.
 */
export async function showPasswordScreen(screen, link, { api, language, onLoggedIn }) {
  screen.replaceChildren($('password-template').content.cloneNode(true));
  translate(screen);
  const heading = $('password-heading');
  say(heading, link.kind === 'reset' ? 'staff.password.heading' : 'staff.password.invitation');
  const form = $('password-form');
  const about = $('password-about');
  form.hidden = true;
  say($('password-state'), 'staff.password.checking');
  let state = null;
  try {
    const answer = await api.linkState(link.kind, link.token);
    if (answer.status === 200) state = answer.body;
  } catch {
    state = null;
  }
  if (!screen.contains(form)) return; // Another screen was opened meanwhile.
  say($('password-state'), null);
  if (state && state.state !== 'valid') {
    showDeadLink(link, state);
    return;
  }
  // Valid, or unknown for want of a network: the form (its answer will tell).
  form.hidden = false;
  const nameBox = $('password-name-box');
  nameBox.hidden = link.kind !== 'invitation';
  if (state?.name) $('new-name').value = state.name;
  const facts = [];
  if (state?.email) facts.push(line('staff.password.account', { email: state.email }));
  const body = bodyName(state?.body_names, language());
  if (body) facts.push(line('staff.password.body', { body }));
  about.replaceChildren(...facts);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('password-error');
    say(error, null);
    const password = $('new-password').value;
    const name = $('new-name').value.trim();
    let answer;
    try {
      answer =
        link.kind === 'reset'
          ? await api.resetPassword(link.token, password)
          : await api.acceptInvitation(link.token, password, name || null);
    } catch {
      say(error, 'staff.password.offline');
      return;
    }
    if (answer.status === 422) {
      // A weak password, or a name refused (a line break, a web address).
      const weak = String(answer.body?.type || '').endsWith('/weak-password');
      say(error, weak ? 'staff.password.weak' : 'staff.password.badName');
      $(weak ? 'new-password' : 'new-name').focus();
      return;
    }
    if (answer.status !== 200) {
      // Used or expired meanwhile: say which, and whom to ask.
      let again = null;
      try {
        again = await api.linkState(link.kind, link.token);
      } catch {
        again = null;
      }
      if (again?.status === 200 && again.body.state !== 'valid') showDeadLink(link, again.body);
      else say(error, 'staff.password.invalid');
      return;
    }
    $('new-password').value = '';
    await onLoggedIn(answer.body);
  });
}

/**
 * An invitation already accepted: the account is there and only wants a log-in, not a new
 * link. Only the holder of the real link learns it (a random token is "unknown").
 */
function showAccountReady() {
  $('password-form').hidden = true;
  say($('password-heading'), 'staff.password.readyHeading');
  const toLogin = document.createElement('a');
  toLogin.href = '#/';
  toLogin.className = 'button primary';
  say(toLogin, 'staff.login.submit');
  const actions = document.createElement('p');
  actions.className = 'row actions';
  actions.append(toLogin);
  $('password-about').replaceChildren(line('staff.password.ready', {}), actions);
  $('password-heading').focus();
}

/** "This link was already used. Ask Marie Dupont (marie@…), who invited you, for a new link." */
function showDeadLink(link, state) {
  if (link.kind === 'invitation' && state.state === 'used') {
    showAccountReady();
    return;
  }
  $('password-form').hidden = true;
  // No password to choose here any more: the heading says what the link is now.
  say($('password-heading'), 'staff.password.deadHeading');
  const what = { used: 'staff.password.used', expired: 'staff.password.expired' };
  const [askKeyName, vars] = askKey(link.kind, state.ask);
  $('password-about').replaceChildren(
    line(what[state.state] || 'staff.password.unknown', {}, 'reason'),
    line(askKeyName, vars, 'reason'),
  );
  const toLogin = document.createElement('a');
  toLogin.href = '#/';
  say(toLogin, 'staff.password.toLogin');
  const p = document.createElement('p');
  p.append(toLogin);
  $('password-about').append(p);
  $('password-heading').focus();
}
