/** The dashboard's figures: /opendata/dashboard/… as JSON, and the same as CSV to download. */

import { answer, pageLanguage } from '../http.js';

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

/** GET a figure as JSON; resolves to {status, body} (a problem+json body when refused). */
export async function getFigure(path, filters, lang) {
  const response = await fetch(`${BASE}/${path}${queryString(filters)}`, {
    headers: { Accept: 'application/json', 'Accept-Language': lang || pageLanguage() },
  });
  return answer(response);
}

export async function getCategories(lang) {
  const headers = { 'Accept-Language': lang || pageLanguage() };
  const response = await fetch('/api/v1/categories', { headers });
  if (!response.ok) throw new Error(`categories: ${response.status}`);
  return response.json();
}
