/** What a ticket is, on the crew's screen: its reference, body, dates, people, place. */

import { el } from '../dom.js';
import { formatDate, language, t } from '../i18n.js';
import { shortRef } from './card.js';
import { deliveryLine, remoteWords } from './deliveries.js';
import { personName } from './timeline.js';

export function renderFacts(ticket, people) {
  const facts = [
    // The reference residents quote on the phone, as on the list's cards.
    t('staff.list.ref', { ref: shortRef(ticket.id) }),
    t('staff.ticket.body', { body: ticket.body?.name ?? '' }),
    t('staff.ticket.created', { at: formatDate(ticket.created_at) }),
    t('staff.ticket.priority', { priority: t(`staff.priority.${ticket.priority || 'normal'}`) }),
    t('staff.ticket.assignee', { who: personName(ticket.assignee_user_id, people) }),
  ];
  if (ticket.duplicate_of) {
    facts.push(t('staff.ticket.duplicateOf', { ref: shortRef(ticket.duplicate_of) }));
  }
  if (ticket.planned_for) {
    const day = new Date(`${ticket.planned_for}T12:00:00`).toLocaleDateString(language(), {
      dateStyle: 'long',
    });
    facts.push(t('staff.ticket.planned', { date: day }));
  }
  const delivery = deliveryLine(ticket.delivery);
  if (delivery) facts.push(delivery);
  const remote = remoteWords(ticket.delivery);
  if (remote) facts.push(remote);
  if (ticket.reporter) {
    const who = [ticket.reporter.name, ticket.reporter.email, ticket.reporter.phone];
    facts.push(t('staff.ticket.reporter', { who: who.filter(Boolean).join(', ') }));
  }
  const nodes = facts.map((fact) => (typeof fact === 'string' ? el('p', 'note', fact) : fact));
  if (ticket.description) nodes.push(el('p', 'description', ticket.description));
  if (ticket.location) {
    const { lat, lon } = ticket.location;
    const where = { lat: lat.toFixed(5), lon: lon.toFixed(5) };
    const link = el('a', '', t('staff.ticket.where', where));
    link.href = `geo:${lat},${lon}`;
    const p = el('p');
    p.append(link);
    nodes.push(p);
  }
  document.getElementById('ticket-facts').replaceChildren(...nodes);
}
