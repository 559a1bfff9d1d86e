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

let outlines = null;

/**
 * Every commune's outline (GeoJSON), fetched once per page: the figures carry numbers only
 * and are joined to it by NIS code. The server lets the browser keep it a day (and answers
 * 304 after), so later visits rarely fetch it either.
 */
export function getOutlines() {
  if (!outlines) {
    outlines = fetch(`${BASE}/outlines`, { headers: { Accept: 'application/geo+json' } })
      .then((response) => {
        if (!response.ok) throw new Error(`outlines: ${response.status}`);
        return response.json();
      })
      .catch((error) => {
        outlines = null; // offline or refused: the next load tries again
        throw error;
      });
  }
  return outlines;
}

export async function getCategories(lang) {
  const headers = { 'Accept-Language': lang || pageLanguage() };
  const response = await fetch('/api/v1/categories', { headers });
  if (!response.ok) throw new Error(`categories: ${response.status}`);
  return response.json();
}
