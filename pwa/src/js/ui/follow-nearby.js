/** "Follow this one": the resident follows a nearby report by email instead of repeating it. */

import { language, say } from '../i18n.js';

let counter = 0;

async function postFollow(reportId, email) {
  try {
    const response = await fetch(`/api/v1/reports/${encodeURIComponent(reportId)}/followers`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, application/problem+json',
        'Accept-Language': language(),
      },
      body: JSON.stringify({ email, language: language() }),
    });
    if (response.status === 429) {
      const seconds = Number(response.headers.get('Retry-After')) || 60;
      return { ok: false, limited: Math.max(1, Math.ceil(seconds / 60)) };
    }
    return { ok: response.ok };
  } catch {
    return { ok: false };
  }
}

/**
 * Add to `li` a button that reveals a labelled email field (prefilled by `defaultEmail()`)
 * and a send button; the answer is told in a status region that screen readers announce.
 * `onFollowed()` runs once the follow is asked (the email confirmation is on its way).
 */
export function addFollowControls(li, reportId, defaultEmail, onFollowed = () => {}) {
  counter += 1;
  const inputId = `nearby-follow-email-${counter}`;
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'nearby-follow';
  open.setAttribute('aria-expanded', 'false');
  say(open, 'nearby.follow');

  const box = document.createElement('div');
  box.className = 'nearby-follow-box';
  box.hidden = true;
  const label = document.createElement('label');
  label.htmlFor = inputId;
  say(label, 'nearby.follow_email');
  const input = document.createElement('input');
  input.id = inputId;
  input.type = 'email';
  input.autocomplete = 'email';
  // The field is not part of the report: the report form's own checks must not see it.
  input.setAttribute('form', `${inputId}-own`);
  const send = document.createElement('button');
  send.type = 'button';
  say(send, 'nearby.follow_send');
  box.append(label, input, send);

  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.className = 'nearby-follow-status';

  open.addEventListener('click', () => {
    box.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    if (!input.value) input.value = defaultEmail() || '';
    input.focus();
  });
  const submit = async () => {
    const email = input.value.trim();
    if (!email || !input.checkValidity()) {
      say(status, 'nearby.follow_failed');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    send.disabled = true;
    const { ok, limited } = await postFollow(reportId, email);
    send.disabled = false;
    if (limited) {
      say(status, 'nearby.follow_limited', { minutes: limited });
    } else if (ok) {
      box.hidden = true;
      open.hidden = true;
      status.classList.add('confirm');
      say(status, 'nearby.followed');
      onFollowed();
    } else {
      say(status, 'nearby.follow_failed');
    }
  };
  send.addEventListener('click', submit);
  input.addEventListener('keydown', (event) => {
    // Enter here follows the report; it must not send the report being written.
    if (event.key === 'Enter') {
      event.preventDefault();
      submit();
    }
  });
  li.append(open, box, status);
}
