/** How a body receives its reports: the delivery settings, for administrators and its managers. */

import { language, say } from '../i18n.js';
import { bodyCode } from './api.js';

const $ = (id) => document.getElementById(id);
const OPEN311 = ['open311', 'open311_email'];
// The input of each field the server may name in a refusal.
const INPUTS = {
  method: 'delivery-method',
  endpoint: 'delivery-endpoint',
  jurisdiction_id: 'delivery-jurisdiction',
  api_key: 'delivery-key',
};

function isAdministrator(user) {
  return Boolean(user?.grants?.some((grant) => grant.role === 'administrator'));
}

/** The bodies this user manages (their codes), in the order of their grants. */
function ownBodies(user) {
  const codes = (user?.grants || []).filter((g) => g.role === 'commune_manager').map((g) => g.body_code);
  return [...new Set(codes.filter(Boolean))];
}

/** May this user open the delivery screen? (The server decides again for each body.) */
export function managesDelivery(user) {
  return isAdministrator(user) || ownBodies(user).length > 0;
}

function nameIn(names, fallback) {
  const all = names || {};
  return all[language()] || all.fr || all.nl || all.de || all.en || fallback;
}

export class DeliveryView {
  constructor({ api, me, onUnauthorized }) {
    Object.assign(this, { api, me, onUnauthorized });
    this.categories = null;
    this.settings = null;
    $('delivery-pick').addEventListener('submit', (event) => {
      event.preventDefault();
      const code = bodyCode($('delivery-any').value);
      if (code) this.open(code);
    });
    $('delivery-own').addEventListener('change', () => this.open($('delivery-own').value));
    $('delivery-method').addEventListener('change', () => this.showOpen311());
    $('delivery-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /** The screen opened: the body to show is the first one managed, or the one typed. */
  async load() {
    const user = this.me();
    const own = ownBodies(user);
    $('delivery-any-box').hidden = !isAdministrator(user);
    $('delivery-own-box').hidden = own.length < 2;
    $('delivery-own').replaceChildren(
      ...own.map((code) => Object.assign(document.createElement('option'), { value: code, textContent: code })),
    );
    const code = this.settings?.body || own[0];
    if (code) await this.open(code);
    else $('delivery-form').hidden = true;
  }

  async call(request) {
    try {
      return await request();
    } catch {
      say($('delivery-status'), 'staff.delivery.offline');
      return null;
    }
  }

  async open(code) {
    say($('delivery-status'), null);
    this.clearErrors();
    say($('delivery-done'), null);
    if (!this.categories) {
      const answer = await this.call(() => this.api.categories());
      if (!answer) return;
      this.categories = answer.status === 200 ? answer.body : [];
    }
    const answer = await this.call(() => this.api.delivery(code));
    if (!answer) return;
    if (answer.status === 401) return this.onUnauthorized();
    if (answer.status !== 200) {
      $('delivery-form').hidden = true;
      say($('delivery-status'), this.refusal(answer.status), { status: answer.status, code });
      return;
    }
    this.fill(answer.body);
  }

  refusal(status) {
    if (status === 403) return 'staff.delivery.notAllowed';
    if (status === 404) return 'staff.delivery.noBody';
    return 'staff.delivery.refused';
  }

  fill(settings) {
    this.settings = settings;
    $('delivery-own').value = settings.body;
    $('delivery-method').value = settings.method;
    $('delivery-endpoint').value = settings.endpoint || '';
    $('delivery-jurisdiction').value = settings.jurisdiction_id || '';
    $('delivery-key').value = '';
    $('delivery-remove-key').checked = false;
    $('delivery-codes').replaceChildren(...(this.categories || []).map((c) => this.codeInput(c)));
    $('delivery-form').hidden = false;
    this.render();
  }

  codeInput(category) {
    const box = document.createElement('div');
    const id = `delivery-code-${category.code}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id });
    label.dataset.categoryNames = JSON.stringify(category.names || {});
    label.dataset.category = category.code;
    const input = Object.assign(document.createElement('input'), {
      id,
      type: 'text',
      autocomplete: 'off',
      maxLength: 200,
      value: this.settings?.service_codes?.[category.code] || '',
    });
    input.dataset.category = category.code;
    input.setAttribute('aria-describedby', `${id}-error`);
    const error = Object.assign(document.createElement('p'), { id: `${id}-error`, className: 'error' });
    box.append(label, input, error);
    return box;
  }

  /** The texts of the shown settings in the crew's language (after a change of language). */
  render() {
    if (!this.settings) return;
    $('delivery-body-name').textContent = nameIn(this.settings.names, this.settings.body);
    for (const label of $('delivery-codes').querySelectorAll('label')) {
      label.textContent = nameIn(JSON.parse(label.dataset.categoryNames), label.dataset.category);
    }
    const key = !this.settings.api_key_set
      ? 'staff.delivery.keyNone'
      : this.settings.api_key_readable
        ? 'staff.delivery.keySet'
        : 'staff.delivery.keyUnreadable';
    say($('delivery-key-state'), key);
    $('delivery-remove-key-box').hidden = !this.settings.api_key_set;
    this.showOpen311();
  }

  /** The Open311 connection only for the methods that use it (a stored one is kept as is). */
  showOpen311() {
    $('delivery-open311').hidden = !OPEN311.includes($('delivery-method').value);
  }

  request() {
    const method = $('delivery-method').value;
    if (!OPEN311.includes(method)) {
      // The hidden connection is not changed: what is stored is sent back as it is.
      const { endpoint, jurisdiction_id, service_codes, attributes } = this.settings;
      return { method, endpoint, jurisdiction_id, service_codes, attributes };
    }
    const endpoint = $('delivery-endpoint').value.trim() || null;
    const codes = {};
    for (const input of $('delivery-codes').querySelectorAll('input')) {
      if (input.value.trim()) codes[input.dataset.category] = input.value.trim();
    }
    const body = {
      method,
      endpoint,
      jurisdiction_id: $('delivery-jurisdiction').value.trim() || null,
      service_codes: codes,
      // Not on this screen: kept as they are, and gone with the connection.
      attributes: endpoint ? this.settings.attributes || {} : {},
    };
    if ($('delivery-remove-key').checked) body.api_key = null;
    else if ($('delivery-key').value) body.api_key = $('delivery-key').value;
    return body;
  }

  async save() {
    this.clearErrors();
    say($('delivery-done'), null);
    const open311 = OPEN311.includes($('delivery-method').value);
    if (open311 && $('delivery-key').value && $('delivery-remove-key').checked) {
      // Which one was meant? Neither is dropped silently.
      say($('delivery-api_key-error'), 'staff.delivery.keyAndRemove');
      $('delivery-key').setAttribute('aria-invalid', 'true');
      $('delivery-key').focus();
      return;
    }
    const code = this.settings.body;
    const answer = await this.call(() => this.api.saveDelivery(code, this.request()));
    if (!answer) return;
    if (answer.status === 401) return this.onUnauthorized();
    if (answer.status === 200) {
      this.fill(answer.body);
      say($('delivery-done'), 'staff.delivery.saved');
      return;
    }
    this.showProblem(answer);
  }

  /** The server's reasons, in the crew's language (it was asked in it), by each field. */
  showProblem(answer) {
    const problem = answer.body || {};
    if (answer.status !== 422) {
      say($('delivery-error'), this.refusal(answer.status), { status: answer.status });
      return;
    }
    say($('delivery-error'), 'staff.delivery.invalid');
    let first = null;
    for (const error of problem.errors || []) {
      const [field, category] = String(error.pointer || '')
        .split('/')
        .slice(1);
      const id = field === 'service_codes' && category ? `delivery-code-${category}` : `delivery-${field}`;
      const where = $(`${id}-error`) || $('delivery-error');
      where.textContent = where === $('delivery-error') ? `${where.textContent} ${error.detail}` : error.detail;
      const input = $(INPUTS[field] || id);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        first = first || input;
      }
    }
    first?.focus();
  }

  clearErrors() {
    for (const el of $('delivery-form').querySelectorAll('.error')) el.textContent = '';
    for (const el of $('delivery-form').querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }
}
