/**
 * Leaflet for every page that shows a map (the resident's map picker, the crews' ticket map,
 * the dashboard's communes): loaded only when a map is shown, with its styles, the tiles the
 * server configures, and the pin.
 */

/** Where a map opens when it has nothing to show yet: all of Belgium. */
export const BELGIUM = { center: [50.85, 4.35], zoom: 8 };

let leaflet = null;

/** Leaflet, imported on first use, and its styles (map.css), put in the page once. */
export async function loadLeaflet() {
  if (!document.querySelector('link[data-map-css]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = __MAP_CSS__;
    link.dataset.mapCss = '';
    document.head.append(link);
  }
  leaflet ??= (await import('leaflet')).default;
  return leaflet;
}

/** Whether a map of tiles can be shown: only with a tile URL configured, and online. */
export function canShowTiles(config) {
  return Boolean(config.tile_url) && navigator.onLine;
}

/**
 * A Leaflet map in `container`. With `config` (/config.json), the configured tiles, credited
 * with their attribution; without, no tiles and no attribution control (there is nothing to
 * credit: the page draws its own outlines). Other options go to L.map as they are.
 */
export async function createMap(container, { config = null, ...options } = {}) {
  const L = await loadLeaflet();
  if (!config) return L.map(container, { attributionControl: false, ...options });
  const map = L.map(container, options);
  L.tileLayer(config.tile_url, { maxZoom: 19, attribution: config.tile_attribution }).addTo(map);
  return map;
}

/** The pin, drawn in CSS: Leaflet's default marker images would be three more files to cache. */
export function pinIcon(L) {
  return L.divIcon({ className: 'pin', iconSize: [24, 24], iconAnchor: [12, 24] });
}
