/** My tickets on a map: Leaflet, loaded only when asked for and only with configured tiles. */

import { t } from '../i18n.js';

let leaflet = null;

async function loadLeaflet() {
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

export class TicketMap {
  constructor(container, config) {
    this.container = container;
    this.config = config;
    this.map = null;
    this.layer = null;
  }

  /** One pin per ticket; each opens the ticket (pins are links, reachable by keyboard). */
  async show(items) {
    const L = await loadLeaflet();
    if (!this.map) {
      this.map = L.map(this.container).setView([50.85, 4.35], 8);
      L.tileLayer(this.config.tile_url, {
        maxZoom: 19,
        attribution: this.config.tile_attribution,
      }).addTo(this.map);
    }
    this.layer?.remove();
    this.layer = L.layerGroup().addTo(this.map);
    const points = [];
    for (const item of items) {
      if (!item.location) continue;
      const at = [item.location.lat, item.location.lon];
      points.push(at);
      const icon = L.divIcon({ className: 'pin', iconSize: [24, 24], iconAnchor: [12, 24] });
      const title = `${item.category?.name ?? ''}, ${t(`status.${item.status}`)}`;
      L.marker(at, { icon, title, keyboard: true, alt: title })
        .on('click', () => {
          window.location.hash = `#/t/${item.id}`;
        })
        .addTo(this.layer);
    }
    if (points.length) this.map.fitBounds(points, { maxZoom: 17, padding: [24, 24] });
  }
}
