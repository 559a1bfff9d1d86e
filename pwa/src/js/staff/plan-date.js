/**
 * The planned date's picker offers the days the server takes (app/api/tickets/schemas.py,
 * `plannable`): from today, in Belgium, to five years ahead.
 */

const YEARS = 5;

/** The day in Belgium as YYYY-MM-DD (the Canadian English date is written that way). */
function belgianDay(moment) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(moment);
}

export function plannable(input, now = new Date()) {
  const today = belgianDay(now);
  const [year, month, day] = today.split('-');
  input.min = today;
  input.max = `${Number(year) + YEARS}-${month}-${month === '02' && day === '29' ? '28' : day}`;
}
