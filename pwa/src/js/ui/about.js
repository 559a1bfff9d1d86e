/** The About part of the "About and privacy" screen: who runs the service, how to reach them. */

import { say } from '../i18n.js';

const $ = (id) => document.getElementById(id);

/** The address to open for `contact`: an email address gets mailto:, a web address itself. */
export function contactHref(contact) {
  if (/^[^\s@/]+@[^\s@/]+$/.test(contact)) return `mailto:${contact}`;
  if (/^(https?:\/\/|mailto:)/i.test(contact)) return contact;
  return '';
}

/** Fill the screen from /config.json's operator_name and operator_contact. */
export function renderAbout(config = {}) {
  const name = (config.operator_name || '').trim();
  if (name) say($('about-operator'), 'about.operator', { name });
  else say($('about-operator'), 'about.operatorUnset');
  const contact = (config.operator_contact || '').trim();
  const href = contactHref(contact);
  $('about-contact').hidden = !href;
  if (href) {
    $('about-contact-link').href = href;
    $('about-contact-link').textContent = contact.replace(/^mailto:/i, '');
  }
}
