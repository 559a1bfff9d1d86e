/** The resident's map: Leaflet loaded only when asked for, with the configured tiles. */

import { BELGIUM, createMap, loadLeaflet, pinIcon } from './map-base.js';

/**
 * Show a map in `container` centred on `center`; `onPick({lat, lon})` runs when the
 * resident taps the map or drags the pin. Returns an object to move the pin.
 */
export async function openMap(container, { config, center, onPick }) {
  const L = await loadLeaflet();
  const start = center ? [center.lat, center.lon] : BELGIUM.center;
  const map = (await createMap(container, { config, zoomControl: true })).setView(start, center ? 18 : BELGIUM.zoom);
  const marker = L.marker(start, { draggable: true, icon: pinIcon(L), keyboard: true }).addTo(map);
  const pick = (latlng) => {
    marker.setLatLng(latlng);
    onPick({ lat: latlng.lat, lon: latlng.lng });
  };
  map.on('click', (event) => pick(event.latlng));
  marker.on('dragend', () => pick(marker.getLatLng()));
  return {
    moveTo(point) {
      marker.setLatLng([point.lat, point.lon]);
      map.setView([point.lat, point.lon], Math.max(map.getZoom(), 17));
    },
  };
}
