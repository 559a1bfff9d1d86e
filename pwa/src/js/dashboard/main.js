/** The open-data dashboard: a region's communes, categories, statuses and trend, from the API. */

import { flagField } from '../dom.js';
import { language, onLanguageChange, say, startLanguage, t, translate } from '../i18n.js';
import { csvUrl, exportUrl, FILTERS, getCategories, getFigure, getOutlines } from './api.js';
import { categoryChart, statusChart, trendChart } from './charts.js';
import { day, isoDay, MAX_PERIODS, monthsBetween, number, period, pickName } from './format.js';
import { Choropleth, RATES } from './map.js';

const $ = (id) => document.getElementById(id);

function cell(text, numeric = false) {
  const td = document.createElement('td');
  td.textContent = text;
  if (numeric) td.className = 'num';
  return td;
}

function row(...cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

/** The last twelve months, today included. */
function defaultPeriod() {
  const end = new Date();
  const start = new Date(end.getFullYear() - 1, end.getMonth(), end.getDate() + 1);
  return { start: isoDay(start), end: isoDay(end) };
}

class Dashboard {
  constructor() {
    this.map = new Choropleth($('map'), $('legend-items'), $('legend-heading'));
    this.regions = [];
    this.categories = [];
    this.figures = null;
    this.request = 0;
    $('filters').addEventListener('submit', (event) => {
      event.preventDefault();
      this.apply();
    });
    // Another rate recolours the map and reorders its table: no request.
    for (const radio of document.querySelectorAll('input[name="rate"]')) {
      radio.addEventListener('change', () => {
        if (this.figures) this.renderCommunes();
      });
    }
  }

  /** The rate the reader chose for the map: a key of RATES. */
  rate() {
    const chosen = document.querySelector('input[name="rate"]:checked')?.value;
    return chosen in RATES ? chosen : 'per1000';
  }

  /** The filters in the form. */
  filters() {
    return Object.fromEntries(FILTERS.map((name) => [name, $(name).value]));
  }

  /** The filters of the page's address, or the defaults, into the form. */
  readAddress() {
    const params = new URLSearchParams(location.search);
    const defaults = defaultPeriod();
    $('region').value = params.get('region') || '';
    $('category').value = params.get('category') || '';
    $('start').value = params.get('start') ?? defaults.start;
    $('end').value = params.get('end') ?? defaults.end;
  }

  async loadChoices() {
    const lang = language();
    const [regions, categories] = await Promise.all([getFigure('regions', {}, lang), getCategories(lang)]);
    if (regions.status !== 200) throw new Error(`regions: ${regions.status}`);
    this.regions = regions.body.items;
    this.categories = categories;
    this.renderChoices();
  }

  renderChoices() {
    const lang = language();
    const fill = (select, items, valueFor, labelOf) => {
      const chosen = select.value;
      const first = select.options[0];
      select.replaceChildren(
        first,
        ...items.map((item) => {
          const option = document.createElement('option');
          option.value = valueFor(item);
          option.textContent = labelOf(item);
          return option;
        }),
      );
      select.value = chosen;
    };
    fill(
      $('region'),
      this.regions,
      (r) => r.slug,
      (r) => pickName(r.names, lang),
    );
    const sorted = [...this.categories].sort((a, b) =>
      pickName(a.names, lang).localeCompare(pickName(b.names, lang), lang),
    );
    fill(
      $('category'),
      sorted,
      (c) => c.code,
      (c) => pickName(c.names, lang),
    );
  }

  /** Whether the period in the form is one the server answers; if not, says why. */
  checkPeriod() {
    const { start, end } = this.filters();
    let error = null;
    if (start && end && start > end) error = 'dashboard.error.period';
    else if (monthsBetween(start, end) > MAX_PERIODS) error = 'dashboard.error.period-too-long';
    return flagField($('end'), $('filter-error'), error, { years: MAX_PERIODS / 12 });
  }

  apply() {
    if (!this.checkPeriod()) return;
    const query = new URLSearchParams(Object.entries(this.filters()).filter(([, value]) => value)).toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}`);
    this.load();
  }

  async load() {
    const request = ++this.request;
    const filters = this.filters();
    const lang = language();
    // The export endpoints take the dashboard's filters with the same meaning (a day's end
    // included), so the files hold the reports behind the figures shown.
    $('export-csv').href = exportUrl('csv', filters);
    $('export-geojson').href = exportUrl('geojson', filters);
    document.body.dataset.figures = 'loading';
    say($('load-status'), 'dashboard.loading');
    let answers;
    let outlines;
    try {
      // The outlines come once (a promise kept by getOutlines); each choice asks for numbers.
      [outlines, ...answers] = await Promise.all([
        getOutlines(),
        ...['communes', 'categories', 'statuses', 'trend'].map((path) => getFigure(path, filters, lang)),
      ]);
    } catch {
      answers = null;
    }
    if (request !== this.request) return; // a newer choice is on its way
    const refused = answers?.find((answer) => answer.status !== 200);
    if (refused?.body?.type?.endsWith('/too-many-periods')) {
      // A trend longer than the server computes (from the first report, when start is empty).
      say($('load-status'), 'dashboard.error.period-too-long', {
        years: Math.floor(refused.body.max_periods / 12),
      });
      document.body.dataset.figures = 'failed';
      return;
    }
    if (!answers || refused) {
      say($('load-status'), refused ? 'dashboard.error.refused' : 'dashboard.error.offline', {
        detail: refused?.body?.detail || '',
      });
      document.body.dataset.figures = 'failed';
      return;
    }
    const [communes, categories, statuses, trend] = answers.map((answer) => answer.body);
    this.figures = { filters, outlines, communes, categories, statuses, trend };
    await this.render();
    if (request !== this.request) return;
    say($('load-status'), null);
    document.body.dataset.figures = 'loaded';
  }

  /** A commune's name in `lang`: from the outlines (all three languages), else the figure's. */
  communeName(lang) {
    const names = new Map(this.figures.outlines.features.map((f) => [f.id, f.properties]));
    return (item) => {
      const outline = names.get(item.nis_code);
      return (outline && pickName(outline.names, lang, outline.region)) || item.name;
    };
  }

  /** The map, in the chosen rate, its table (highest rate first) and the population's source. */
  async renderCommunes() {
    const { outlines, communes } = this.figures;
    const lang = language();
    const rate = this.rate();
    const { field } = RATES[rate];
    const communeName = this.communeName(lang);
    const byRate = [...communes.items].sort(
      (a, b) => (b[field] ?? -1) - (a[field] ?? -1) || communeName(a).localeCompare(communeName(b), lang),
    );
    const orDash = (value, decimals) => (value === null ? '–' : number(value, lang, decimals));
    $('table-communes').tBodies[0].replaceChildren(
      ...byRate.map((c) =>
        row(
          cell(communeName(c)),
          cell(number(c.open, lang), true),
          cell(orDash(c.open_per_1000, 3), true),
          cell(number(c.open_per_km2, lang, 3), true),
          cell(orDash(c.population, 0), true),
          cell(number(c.area_km2, lang, 2), true),
          cell(number(c.total, lang), true),
        ),
      ),
    );
    const population = communes.population;
    $('population-source').hidden = !population;
    if (population) {
      $('population-source').textContent = t('dashboard.map.population', {
        date: day(population.date, lang),
        source: population.source,
      });
    }
    await this.map.show(outlines, communes.items, rate, lang);
  }

  async render() {
    const { filters, communes, categories, statuses, trend } = this.figures;
    const lang = language();
    for (const figure of ['communes', 'categories', 'statuses', 'trend']) {
      $(`csv-${figure}`).href = csvUrl(figure, filters);
    }
    $('csv-resolution').href = csvUrl('communes', filters);

    const total = statuses.items.reduce((sum, s) => sum + s.count, 0);
    const open = statuses.items.filter((s) => s.open311_status === 'open').reduce((sum, s) => sum + s.count, 0);
    const resolved = statuses.items.find((s) => s.status === 'resolved')?.count ?? 0;
    $('total-reports').textContent = number(total, lang);
    $('total-open').textContent = number(open, lang);
    $('total-resolved').textContent = number(resolved, lang);
    $('summary').hidden = false;
    $('figures').hidden = false;

    const communeName = this.communeName(lang);
    const resolvedCommunes = communes.items
      .filter((p) => p.median_resolution_hours !== null)
      .sort((a, b) => b.median_resolution_hours - a.median_resolution_hours);
    const slowest = resolvedCommunes[0]?.median_resolution_hours || 1;
    $('table-resolution').tBodies[0].replaceChildren(
      ...resolvedCommunes.map((p) => {
        const bar = document.createElement('div');
        bar.className = 'median-bar';
        bar.style.width = `${(100 * p.median_resolution_hours) / slowest}%`;
        const barCell = cell('');
        barCell.append(bar);
        return row(
          cell(communeName(p)),
          cell(number(p.resolved, lang), true),
          cell(number(p.median_resolution_hours, lang, 1), true),
          barCell,
        );
      }),
    );
    $('resolution-none').hidden = resolvedCommunes.length > 0;

    const categoryName = (c) => pickName(c.names, lang);
    $('table-categories').tBodies[0].replaceChildren(
      ...categories.items.map((c) =>
        row(
          cell(categoryName(c)),
          cell(number(c.total, lang), true),
          cell(number(c.open, lang), true),
          cell(number(c.closed, lang), true),
        ),
      ),
    );
    $('table-statuses').tBodies[0].replaceChildren(
      ...statuses.items.map((s) => row(cell(t(`status.${s.status}`)), cell(number(s.count, lang), true))),
    );
    const labelOf = (p) => period(p.period_start, trend.interval, lang);
    $('table-trend').tBodies[0].replaceChildren(
      ...trend.items.map((p) =>
        row(cell(labelOf(p)), cell(number(p.created, lang), true), cell(number(p.resolved, lang), true)),
      ),
    );
    say($('trend-interval'), trend.interval === 'week' ? 'dashboard.trend.weekly' : 'dashboard.trend.monthly');

    await Promise.all([
      this.renderCommunes(),
      categoryChart($('chart-categories'), categories.items, categoryName),
      statusChart($('chart-statuses'), statuses.items),
      trendChart($('chart-trend'), trend.items, labelOf),
    ]);
  }
}

async function main() {
  startLanguage($('lang'));
  const dashboard = new Dashboard();
  try {
    await dashboard.loadChoices();
  } catch {
    say($('load-status'), 'dashboard.error.offline', { detail: '' });
  }
  dashboard.readAddress();
  onLanguageChange(() => {
    dashboard.renderChoices();
    translate();
    if (dashboard.figures) dashboard.render();
  });
  document.body.dataset.ready = 'true';
  // An address may hold any period: the form's own check comes first, as for a new choice.
  if (dashboard.checkPeriod()) await dashboard.load();
}

main();
