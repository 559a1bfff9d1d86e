/** My tickets on a map: Leaflet, loaded only when asked for and only with configured tiles. */

import { t } from '../i18n.js';
import { BELGIUM, createMap, loadLeaflet, pinIcon } from '../map-base.js';

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
      this.map = (await createMap(this.container, { config: this.config })).setView(BELGIUM.center, BELGIUM.zoom);
    }
    this.layer?.remove();
    this.layer = L.layerGroup().addTo(this.map);
    const points = [];
    for (const item of items) {
      if (!item.location) continue;
      const at = [item.location.lat, item.location.lon];
      points.push(at);
      const title = `${item.category?.name ?? ''}, ${t(`status.${item.status}`)}`;
      L.marker(at, { icon: pinIcon(L), title, keyboard: true, alt: title })
        .on('click', () => {
          window.location.hash = `#/t/${item.id}`;
        })
        .addTo(this.layer);
    }
    if (points.length) this.map.fitBounds(points, { maxZoom: 17, padding: [24, 24] });
  }
}
