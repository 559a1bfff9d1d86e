/** My team: the accounts a manager (or an administrator) may offboard, and the actions. */

import { language, say, t } from '../i18n.js';

const $ = (id) => document.getElementById(id);
const MANAGING_ROLES = ['commune_manager', 'administrator'];

/** May this user open the team screen? (The server decides each action again.) */
export function managesStaff(user) {
  return Boolean(user?.grants?.some((grant) => MANAGING_ROLES.includes(grant.role)));
}

function button(key, vars, onClick, className = 'secondary small') {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = className;
  say(el, key, vars);
  el.addEventListener('click', onClick);
  return el;
}

function line(key, vars, className = 'note') {
  const el = document.createElement('p');
  el.className = className;
  say(el, key, vars);
  return el;
}

export class TeamView {
  constructor({ api, onUnauthorized }) {
    Object.assign(this, { api, onUnauthorized });
    this.accounts = [];
    this.confirming = null;
  }

  async load() {
    say($('team-status'), null);
    let answer;
    try {
      answer = await this.api.accounts();
    } catch {
      say($('team-status'), 'staff.team.offline');
      return;
    }
    if (answer.status === 401) return this.onUnauthorized();
    if (answer.status !== 200) {
      say($('team-status'), 'staff.team.failed', { status: answer.status });
      return;
    }
    this.accounts = answer.body.accounts;
    this.render();
  }

  /** Run one action, then tell what happened and show the list as it is now. */
  async act(call, account, doneKey) {
    this.confirming = null;
    const name = account.name || account.email;
    let answer;
    try {
      answer = await call();
    } catch {
      say($('team-status'), 'staff.team.offline');
      return;
    }
    if (answer.status === 401) return this.onUnauthorized();
    if ([200, 202, 204].includes(answer.status)) {
      await this.load();
      say($('team-status'), doneKey, { name });
    } else {
      await this.load();
      const key = answer.status === 403 ? 'staff.team.notAllowed' : 'staff.team.failed';
      say($('team-status'), key, { status: answer.status });
    }
  }

  render() {
    const list = $('team-list');
    if (!list) return;
    list.replaceChildren();
    if (!this.accounts.length) {
      list.append(line('staff.team.none', {}));
      return;
    }
    for (const account of this.accounts) list.append(this.item(account));
  }

  item(account) {
    const li = document.createElement('li');
    li.className = 'account';
    li.dataset.accountId = account.id;
    const name = account.name || account.email;
    const title = document.createElement('h2');
    title.textContent = name;
    li.append(title);
    if (account.name) li.append(Object.assign(document.createElement('p'), { textContent: account.email }));
    const state = account.active ? 'staff.team.active' : account.pending ? 'staff.team.pending' : 'staff.team.inactive';
    li.append(line(state, {}, 'state'));
    const grants = document.createElement('ul');
    for (const grant of account.grants) {
      const item = document.createElement('li');
      const role = t(`staff.role.${grant.role}`);
      const names = grant.body_names || {};
      const scope = names[language()] || names.fr || names.nl || grant.body_code || grant.region_code || '';
      item.append(line(scope ? 'staff.team.grant' : 'staff.team.grantEverywhere', { role, scope }, ''));
      if (grant.removable) {
        item.append(
          button('staff.team.removeGrant', { role }, () =>
            this.act(() => this.api.removeGrant(account.id, grant.id), account, 'staff.team.doneGrant'),
          ),
        );
      }
      grants.append(item);
    }
    li.append(grants);
    if (!account.manageable || !(account.active || account.pending)) return li;
    const actions = document.createElement('div');
    actions.className = 'row';
    if (this.confirming === account.id) {
      actions.append(
        line('staff.team.confirm', { name }, 'note'),
        button(
          'staff.team.confirmYes',
          {},
          () => this.act(() => this.api.deactivate(account.id), account, 'staff.team.doneDeactivate'),
          'secondary danger small',
        ),
        button('staff.team.cancel', {}, () => {
          this.confirming = null;
          this.render();
        }),
      );
      li.append(actions);
      return li;
    }
    actions.append(
      button('staff.team.deactivate', {}, () => {
        this.confirming = account.id;
        this.render();
        document.querySelector(`[data-account-id="${account.id}"] .danger`)?.focus();
      }),
    );
    if (account.active) {
      actions.append(
        button('staff.team.endSessions', {}, () =>
          this.act(() => this.api.endSessions(account.id), account, 'staff.team.doneSessions'),
        ),
        button('staff.team.reset', {}, () =>
          this.act(() => this.api.sendPasswordReset(account.id), account, 'staff.team.doneReset'),
        ),
      );
    }
    li.append(actions);
    return li;
  }
}

/** The token of a link to choose a password: #reset=… or #invitation=…, else null. */
export function passwordLink(hash) {
  const match = hash.match(/^#(reset|invitation)=([\w-]+)$/);
  return match ? { kind: match[1], token: match[2] } : null;
}
