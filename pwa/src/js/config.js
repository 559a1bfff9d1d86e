/** The settings the server gives the pages (/config.json: the map's tiles, the operator). */

const CONFIG_KEY = 'pave.config';

/** The server's settings, stored for the next visit; offline, the last stored copy (or {}). */
export async function loadConfig() {
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok) {
      const config = await response.json();
      localStorage.setItem(CONFIG_KEY, JSON.stringify(config));
      return config;
    }
  } catch {
    // Offline: fall back to what the last visit stored.
  }
  try {
    return JSON.parse(localStorage.getItem(CONFIG_KEY)) || {};
  } catch {
    return {};
  }
}
