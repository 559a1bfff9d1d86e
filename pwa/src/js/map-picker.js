/** The optional map: Leaflet loaded only when asked for, with tiles from a configured URL. */

let leaflet = null;

async function loadLeaflet(cssHref) {
  if (!document.querySelector('link[data-map-css]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = cssHref;
    link.dataset.mapCss = '';
    document.head.append(link);
  }
  leaflet ??= (await import('leaflet')).default;
  return leaflet;
}

/**
 * Show a map in `container` centred on `center`; `onPick({lat, lon})` runs when the
 * resident taps the map or drags the pin. Returns an object to move the pin.
 */
export async function openMap(container, { tileUrl, attribution, center, onPick }) {
  const L = await loadLeaflet(__MAP_CSS__);
  const start = center ? [center.lat, center.lon] : [50.85, 4.35];
  const map = L.map(container, { zoomControl: true }).setView(start, center ? 18 : 8);
  L.tileLayer(tileUrl, { maxZoom: 19, attribution }).addTo(map);
  // A pin drawn in CSS: Leaflet's default marker images would be three more files to cache.
  const icon = L.divIcon({ className: 'pin', iconSize: [24, 24], iconAnchor: [12, 24] });
  const marker = L.marker(start, { draggable: true, icon, keyboard: true }).addTo(map);
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
