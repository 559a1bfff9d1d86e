/** The communes coloured by open reports per km² (Leaflet, no tiles: the outlines alone). */

import { t } from '../i18n.js';
import { createMap, loadLeaflet } from '../map-base.js';
import { number, pickName } from './format.js';

// ColorBrewer's YlOrRd, five classes; communes without an open report in grey.
export const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
export const NONE = '#d9d9d9';

/**
 * Classes of the communes' values: one for zero, then up to five of about as many communes
 * each (quantiles of the non-zero values). Each is {min, max, colour}.
 */
export function classify(values) {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  const classes = [];
  if (values.some((v) => v <= 0)) classes.push({ min: 0, max: 0, colour: NONE });
  if (!sorted.length) return classes;
  const count = Math.min(PALETTE.length, new Set(sorted).size);
  let from = 0;
  for (let i = 0; i < count; i += 1) {
    let to = Math.ceil(((i + 1) * sorted.length) / count) - 1;
    // Equal values stay in one class.
    while (to + 1 < sorted.length && sorted[to + 1] === sorted[to]) to += 1;
    if (from > to) continue;
    classes.push({ min: sorted[from], max: sorted[to], colour: null });
    from = to + 1;
  }
  // Spread the palette over the classes made, darkest for the highest.
  const made = classes.filter((c) => c.colour === null);
  made.forEach((c, i) => {
    c.colour =
      PALETTE[made.length === 1 ? PALETTE.length - 1 : Math.round((i * (PALETTE.length - 1)) / (made.length - 1))];
  });
  return classes;
}

function colourOf(value, classes) {
  return (classes.find((c) => value >= c.min && value <= c.max) || classes[classes.length - 1]).colour;
}

export class Choropleth {
  constructor(container, legend) {
    this.container = container;
    this.legend = legend;
    this.map = null;
    this.layer = null;
  }

  async show(collection, lang) {
    const L = await loadLeaflet();
    if (!this.map) {
      // No tiles, so no attribution control: the outlines' source is credited below the map.
      this.map = await createMap(this.container, { zoomSnap: 0.25 });
    }
    this.layer?.remove();
    const features = collection.features.filter((f) => f.geometry);
    const classes = classify(features.map((f) => f.properties.open_per_km2));
    this.layer = L.geoJSON(
      { type: 'FeatureCollection', features },
      {
        style: (feature) => ({
          fillColor: colourOf(feature.properties.open_per_km2, classes),
          fillOpacity: 1,
          color: '#6b7682',
          weight: 0.7,
        }),
        onEachFeature: (feature, layer) => {
          const p = feature.properties;
          const name = pickName(p.names, lang, p.region);
          layer.bindTooltip(
            t('dashboard.map.tooltip', { name, value: number(p.open_per_km2, lang, 3), open: number(p.open, lang) }),
            { sticky: true },
          );
        },
      },
    ).addTo(this.map);
    if (features.length) {
      this.map.invalidateSize();
      this.map.fitBounds(this.layer.getBounds(), { padding: [8, 8] });
    }
    this.renderLegend(classes, lang);
  }

  renderLegend(classes, lang) {
    const items = classes.map((c) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = c.colour;
      swatch.dataset.colour = c.colour;
      const label = document.createElement('span');
      label.textContent =
        c.max === 0
          ? t('dashboard.legend.none')
          : c.min === c.max
            ? number(c.min, lang, 3)
            : `${number(c.min, lang, 3)} – ${number(c.max, lang, 3)}`;
      li.append(swatch, label);
      return li;
    });
    this.legend.replaceChildren(...items);
  }
}
