/** The phone's position, once, with its accuracy; and the commune it falls in, when online. */

import { getJson } from './api.js';
import { searchKeptCommunes } from './kept-communes.js';

export class PositionUnavailableError extends Error {}

export function currentPosition({ timeout = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new PositionUnavailableError('no geolocation'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve({
          lat: position.coords.latitude,
          lon: position.coords.longitude,
          accuracy_m: Math.round(position.coords.accuracy ?? 0) || null,
        }),
      (error) => reject(new PositionUnavailableError(error.message)),
      { enableHighAccuracy: true, timeout, maximumAge: 60000 },
    );
  });
}

/**
 * { name } of the commune at a point; { outside: true, nearest } when none (nearest: the
 * commune within 1 km, { nis_code, distance_m, name, names }, or null); null when unknown.
 */
export async function lookupCommune(lat, lon, lang) {
  const query = `lat=${lat.toFixed(6)}&lon=${lon.toFixed(6)}`;
  try {
    const response = await fetch(`/api/v1/communes/lookup?${query}`, {
      headers: { Accept: 'application/json', 'Accept-Language': lang },
    });
    if (response.status === 404) {
      const problem = await response.json().catch(() => ({}));
      return { outside: true, nearest: problem?.nearest_commune || null };
    }
    if (!response.ok) return null;
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * Current communes whose name starts with the query, each with a point inside: the server's
 * answer online, else (offline, or the network failed) the copy kept on the phone; null
 * when there is neither.
 */
export async function searchCommunes(query, lang) {
  if (navigator.onLine) {
    const found = await getJson(`/api/v1/communes?q=${encodeURIComponent(query)}&limit=6`, lang);
    if (Array.isArray(found)) return found;
  }
  return searchKeptCommunes(query, lang);
}

/** Open reports near a point in a category, nearest first; [] when offline. */
export async function nearbyReports(lat, lon, category, lang) {
  const query = `lat=${lat.toFixed(6)}&lon=${lon.toFixed(6)}&radius_m=100&category=${encodeURIComponent(category)}`;
  const collection = await getJson(`/api/v1/reports/nearby?${query}`, lang);
  return collection?.features ?? [];
}
