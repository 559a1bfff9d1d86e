/** The dashboard's figures: /opendata/dashboard/… as JSON, and the same as CSV to download. */

const BASE = '/opendata/dashboard';
export const FILTERS = ['region', 'category', 'start', 'end'];

/** The query string of the filters that are set (an empty filter is no filter). */
export function queryString(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    if (filters[name]) params.set(name, filters[name]);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function csvUrl(figure, filters) {
  return `${BASE}/${figure}.csv${queryString(filters)}`;
}

/** The report-level download (/opendata/reports.csv or .geojson) of the same filters. */
export function exportUrl(format, filters) {
  return `/opendata/reports.${format}${queryString(filters)}`;
}

/** The language of the dashboard's page, for calls not given one (errors come back in it). */
function pageLanguage() {
  return globalThis.document?.documentElement?.lang || globalThis.navigator?.language || 'en';
}

/** GET a figure as JSON; resolves to {status, body} (a problem+json body when refused). */
export async function getFigure(path, filters, lang) {
  const response = await fetch(`${BASE}/${path}${queryString(filters)}`, {
    headers: { Accept: 'application/json', 'Accept-Language': lang || pageLanguage() },
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

export async function getCategories(lang) {
  const headers = { 'Accept-Language': lang || pageLanguage() };
  const response = await fetch('/api/v1/categories', { headers });
  if (!response.ok) throw new Error(`categories: ${response.status}`);
  return response.json();
}
