/** The communes coloured by open reports per 1,000 inhabitants or per km² (Leaflet, no tiles:
 * the outlines alone, fetched once, with each figure's numbers joined to them by NIS code). */

import { t } from '../i18n.js';
import { createMap, loadLeaflet } from '../map-base.js';
import { number, pickName } from './format.js';

// ColorBrewer's YlOrRd, five classes; communes without an open report in grey.
export const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
export const NONE = '#d9d9d9';
// A commune without a population has no rate per 1,000: white, and said so in the legend.
export const NO_DATA = '#ffffff';
// Each rate: the item's field, the decimals shown, and its strings (legend, tooltip).
export const RATES = {
  per1000: { field: 'open_per_1000', decimals: 3 },
  perKm2: { field: 'open_per_km2', decimals: 3 },
};

/**
 * Classes of the communes' values: one for zero, then up to five of about as many communes
 * each (quantiles of the non-zero values). Each is {min, max, colour}.
 */
export function classify(values) {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  const classes = [];
  if (values.some((v) => v !== null && v <= 0)) classes.push({ min: 0, max: 0, colour: NONE });
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
  if (value === null || value === undefined) return NO_DATA;
  return (classes.find((c) => value >= c.min && value <= c.max) || classes[classes.length - 1]).colour;
}

export class Choropleth {
  constructor(container, legend, title) {
    this.container = container;
    this.legend = legend;
    this.title = title;
    this.map = null;
    this.layer = null;
  }

  /**
   * Draw the communes of `items` (a figure's rows) with the outlines of `outlines` (the
   * GeoJSON of every commune), coloured by `rate` (a key of RATES).
   */
  async show(outlines, items, rate, lang) {
    const L = await loadLeaflet();
    if (!this.map) {
      // No tiles, so no attribution control: the outlines' source is credited below the map.
      this.map = await createMap(this.container, { zoomSnap: 0.25 });
    }
    // A tooltip open on the old layer would stay on the map, with the old rate's value.
    this.layer?.eachLayer((layer) => layer.closeTooltip());
    this.layer?.remove();
    const { field, decimals } = RATES[rate];
    const byCode = new Map(items.map((item) => [item.nis_code, item]));
    const features = outlines.features.filter((f) => f.geometry && byCode.has(f.id));
    const rateOf = (feature) => byCode.get(feature.id)[field];
    const classes = classify(features.map(rateOf));
    this.layer = L.geoJSON(
      { type: 'FeatureCollection', features },
      {
        style: (feature) => ({
          fillColor: colourOf(rateOf(feature), classes),
          fillOpacity: 1,
          color: '#6b7682',
          weight: 0.7,
        }),
        onEachFeature: (feature, layer) => {
          const p = feature.properties;
          const item = byCode.get(feature.id);
          const value = item[field] === null ? t('dashboard.map.noData') : number(item[field], lang, decimals);
          layer.bindTooltip(
            t(`dashboard.map.tooltip.${rate}`, {
              name: pickName(p.names, lang, p.region),
              value,
              open: number(item.open, lang),
            }),
            { sticky: true },
          );
        },
      },
    ).addTo(this.map);
    if (features.length) {
      this.map.invalidateSize();
      this.map.fitBounds(this.layer.getBounds(), { padding: [8, 8] });
    }
    this.title.textContent = t(`dashboard.legend.${rate}`);
    this.renderLegend(
      classes,
      lang,
      decimals,
      features.some((f) => rateOf(f) === null),
    );
  }

  renderLegend(classes, lang, decimals, noData) {
    const item = (colour, text) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colour;
      swatch.dataset.colour = colour;
      const label = document.createElement('span');
      label.textContent = text;
      li.append(swatch, label);
      return li;
    };
    const items = classes.map((c) =>
      item(
        c.colour,
        c.max === 0
          ? t('dashboard.legend.none')
          : c.min === c.max
            ? number(c.min, lang, decimals)
            : `${number(c.min, lang, decimals)} – ${number(c.max, lang, decimals)}`,
      ),
    );
    if (noData) items.push(item(NO_DATA, t('dashboard.legend.noData')));
    this.legend.replaceChildren(...items);
  }
}
