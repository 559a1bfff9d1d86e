/** The dashboard's charts: bars by category and status, lines of the trend (Chart.js). */

import { t } from '../i18n.js';
import { wrapLabel } from './wrap-label.js';

// The series' colours; each canvas lists its own in data-colours, the legend of a picture.
export const COLOURS = {
  open: '#b45f06',
  closed: '#1d6b2f',
  created: '#0b5394',
  resolved: '#1d6b2f',
};

let loading = null;

/** Chart.js, fetched the first time a chart is drawn (like the map library). */
function chartLibrary() {
  loading ??= import('./chart-lib.js').then((module) => module.Chart);
  return loading;
}

const charts = new Map();

async function draw(canvas, config, colours) {
  const Chart = await chartLibrary();
  charts.get(canvas)?.destroy();
  canvas.dataset.colours = colours.join(' ');
  // No animation: the figures appear at once, and motion helps nobody read them.
  const chart = new Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
  });
  charts.set(canvas, chart);
  return chart;
}

function integerAxis(title) {
  return {
    beginAtZero: true,
    ticks: { precision: 0 },
    title: title ? { display: true, text: title } : undefined,
  };
}

export function categoryChart(canvas, items, nameOf) {
  // Every category named: room for three lines of name per bar, plus the legend and the axis.
  canvas.parentElement.style.height = `${Math.max(12, 6 + 3 * items.length)}rem`;
  return draw(
    canvas,
    {
      type: 'bar',
      data: {
        labels: items.map((item) => wrapLabel(nameOf(item))),
        datasets: [
          {
            label: t('dashboard.col.open'),
            data: items.map((c) => c.open),
            backgroundColor: COLOURS.open,
          },
          {
            label: t('dashboard.col.closed'),
            data: items.map((c) => c.closed),
            backgroundColor: COLOURS.closed,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        scales: {
          x: { ...integerAxis(t('dashboard.col.total')), stacked: true },
          // Chart.js leaves out names that do not fit; each bar needs its own.
          y: { stacked: true, ticks: { autoSkip: false } },
        },
      },
    },
    [COLOURS.open, COLOURS.closed],
  );
}

export function statusChart(canvas, items) {
  // Two stacked series, so that the legend says which colour is open and which closed.
  const series = (kind, colour) => ({
    label: t(`dashboard.col.${kind}`),
    data: items.map((s) => (s.open311_status === kind ? s.count : 0)),
    backgroundColor: colour,
  });
  return draw(
    canvas,
    {
      type: 'bar',
      data: {
        labels: items.map((s) => t(`status.${s.status}`)),
        datasets: [series('open', COLOURS.open), series('closed', COLOURS.closed)],
      },
      options: {
        scales: { x: { stacked: true }, y: { ...integerAxis(t('dashboard.col.total')), stacked: true } },
      },
    },
    [COLOURS.open, COLOURS.closed],
  );
}

export function trendChart(canvas, items, labelOf) {
  const line = (key, colour) => ({
    label: t(`dashboard.col.${key}`),
    data: items.map((p) => p[key]),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 3,
    pointRadius: items.length > 60 ? 0 : 3,
    tension: 0.2,
  });
  return draw(
    canvas,
    {
      type: 'line',
      data: {
        labels: items.map(labelOf),
        datasets: [line('created', COLOURS.created), line('resolved', COLOURS.resolved)],
      },
      options: { interaction: { mode: 'index', intersect: false }, scales: { y: integerAxis() } },
    },
    [COLOURS.created, COLOURS.resolved],
  );
}
