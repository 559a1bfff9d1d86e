// Build Pavé's four pages into dist/ (the resident app, the crews' screens, the resident's follow
// page and the open-data dashboard): hashed bundles, the pages from their sources and the shared
// partials, and a service worker that knows the build's version and the exact list of files to
// precache.
// Node 20, esbuild, no framework.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const BUDGET_GZIP = 100 * 1024;
const TARGET = ['chrome90', 'firefox90', 'safari15', 'edge90'];

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

function outputsOf(result) {
  return Object.keys(result.metafile.outputs).map((path) => join(root, path));
}

const url = (path) => `/${relative(dist, path).split('\\').join('/')}`;

// What every esbuild run here shares: bundled, minified, content-hashed names under assets/.
const COMMON = {
  bundle: true,
  minify: true,
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  target: TARGET,
  logLevel: 'warning',
};

/** The built files (of `result`) whose sources include `library` (a path under node_modules). */
function chunksWith(result, library) {
  return new Set(
    Object.entries(result.metafile.outputs)
      .filter(([, out]) => Object.keys(out.inputs).some((input) => input.includes(`node_modules/${library}`)))
      .map(([path]) => join(root, path)),
  );
}

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });

// 1. Styles: the app's own, and the map's (Leaflet), each with a content hash in its name.
const css = await esbuild.build({
  entryPoints: {
    app: join(src, 'css/app.css'),
    map: join(src, 'css/map.css'),
    dashboard: join(src, 'css/dashboard.css'),
  },
  ...COMMON,
  assetNames: '[name]-[hash]',
  loader: { '.png': 'file', '.svg': 'file' },
});
const cssOut = outputsOf(css).filter((p) => p.endsWith('.css'));
const appCss = cssOut.find((p) => /\/app-[^/]+\.css$/.test(p));
const mapCss = cssOut.find((p) => /\/map-[^/]+\.css$/.test(p));
const dashboardCss = cssOut.find((p) => /\/dashboard-[^/]+\.css$/.test(p));

// 2. Scripts. Two classic scripts of their own first, each as a hashed file: the photo worker
// (no module workers in older browsers), so the app knows its name, and the pages' first
// script, which picks the language before the first paint (no inline script may run under
// the pages' Content-Security-Policy).
async function classicScript(name, file) {
  const built = await esbuild.build({
    entryPoints: { [name]: join(src, file) },
    ...COMMON,
    format: 'iife',
  });
  return outputsOf(built).find((p) => p.endsWith('.js'));
}
const photoWorker = await classicScript('photo-worker', 'js/photo-worker.js');
const langJs = await classicScript('lang-pending', 'js/lang-pending.js');

// Then the apps: the residents', the crews', the follow page and the dashboard (sharing chunks
// such as the outbox and the strings), Leaflet split into its own chunk that loads only with a map.
const js = await esbuild.build({
  entryPoints: {
    app: join(src, 'js/main.js'),
    staff: join(src, 'js/staff/main.js'),
    follow: join(src, 'js/follow/main.js'),
    dashboard: join(src, 'js/dashboard/main.js'),
  },
  ...COMMON,
  splitting: true,
  format: 'esm',
  chunkNames: 'chunk-[hash]',
  define: {
    __MAP_CSS__: JSON.stringify(url(mapCss)),
    __PHOTO_WORKER__: JSON.stringify(url(photoWorker)),
  },
});
const jsOut = outputsOf(js).filter((p) => p.endsWith('.js'));
const appJs = jsOut.find((p) => /\/app-[^/]+\.js$/.test(p));
const staffJs = jsOut.find((p) => /\/staff-[^/]+\.js$/.test(p));
const followJs = jsOut.find((p) => /\/follow-[^/]+\.js$/.test(p));
const dashboardJs = jsOut.find((p) => /\/dashboard-[^/]+\.js$/.test(p));
// Every chunk that contains Leaflet is the map library's, outside the app's size budget.
const mapChunks = chunksWith(js, 'leaflet');
// Likewise Chart.js, which only the dashboard loads, when it draws its first chart.
const chartChunks = chunksWith(js, 'chart.js');

// 3. The pages, the manifests and the icons. Each page's source holds its own <head> lines
// (description, title…) and its body; partials/head.html wraps those head lines in the ones
// every page shares (charset, viewport, icon, the manifest of a page that installs as an app,
// stylesheets, the language script, the entry script), and each
// `<!-- include: name.html -->` is replaced by partials/name.html (see fillIncludes), each
// `<!-- options: … -->` by the options it lists (see optionLines).
// `<!-- build: … -->` comments are notes for the sources' readers, left out of the pages.
const partial = (name) => readFile(join(src, 'partials', name), 'utf8');
const headPartial = await partial('head.html');

// The English of the strings: the text of the elements the build writes from a list of names
// (headerCells, optionLines), the same as the language files give them.
const ENGLISH = JSON.parse(await readFile(join(src, 'i18n', 'en.json'), 'utf8'));

/** The English of the string `key`, as an element's text. */
function english(source, key) {
  if (!(key in ENGLISH)) throw new Error(`${source}: no string ${key} in i18n/en.json`);
  return ENGLISH[key].replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The header cells of a dashboard table from `columns` ("label number…", names of strings under
 * dashboard.col.): the rows' label first, then their numbers, each cell with its English. */
function headerCells(source, columns) {
  return columns.split(' ').map((name, i) => {
    const key = `dashboard.col.${name}`;
    return `<th scope="col"${i ? ' class="num"' : ''} data-i18n="${key}">${english(source, key)}</th>`;
  });
}

// `<!-- options: prefix value… -->` alone on a line: an <option> for each value, its string
// prefix.value (and that string's English).
const OPTIONS = /^([ \t]*)<!-- options: ([\w.]+)((?: \w+)+) -->\n/gm;

/** `html` with each options line replaced by its <option> elements. */
function optionLines(html, source) {
  const done = html.replace(OPTIONS, (_, indent, prefix, values) =>
    values
      .trim()
      .split(' ')
      .map((value) => {
        const key = `${prefix}.${value}`;
        return `${indent}<option value="${value}" data-i18n="${key}">${english(source, key)}</option>\n`;
      })
      .join(''),
  );
  const left = done.match(/<!-- options\b.*/);
  if (left) throw new Error(`${source}: ${left[0]}: not understood`);
  return done;
}

// `<!-- include: name.html key="value" … -->` alone on a line: partials/name.html at that
// line's indentation, each `{{key}}` in it filled in; a `{{columns}}` line, with the cells
// headerCells makes of columns="…".
const INCLUDE = /^([ \t]*)<!-- include: ([\w-]+\.html)((?: [\w-]+="[^"]*")*) -->\n/gm;

/** The partial `name` filled in with `attrs` (` key="value"…`). */
async function filled(source, name, attrs) {
  const values = Object.fromEntries([...attrs.matchAll(/ ([\w-]+)="([^"]*)"/g)].map(([, key, v]) => [key, v]));
  let text = await partial(name);
  if ('columns' in values) {
    const cells = headerCells(source, values.columns);
    text = text.replace(/^([ \t]*)\{\{columns\}\}$/m, (_, at) => cells.map((cell) => at + cell).join('\n'));
  }
  return text.replace(/\{\{([\w-]+)\}\}/g, (slot, key) => {
    if (!(key in values)) throw new Error(`${source}: ${name}: ${slot} not given`);
    return values[key];
  });
}

async function fillIncludes(html, source) {
  const texts = [];
  for (const [, indent, name, attrs] of html.matchAll(INCLUDE)) {
    const text = await filled(source, name, attrs);
    texts.push(text.replace(/^(?=.)/gm, indent));
  }
  const done = html.replace(INCLUDE, () => texts.shift());
  const left = done.match(/<!-- include\b.*/);
  if (left) throw new Error(`${source}: ${left[0]}: not understood`);
  return done;
}

async function writePage({ source, out, entry, styles, manifest = null }) {
  let html = await readFile(join(src, source), 'utf8');
  html = html.replace(
    /<head>\n([\s\S]*?)<\/head>/,
    (_, own) => `<head>\n${headPartial.replace('%PAGE_HEAD%\n', () => own)}</head>`,
  );
  html = optionLines(await fillIncludes(html, source), source).replace(/^[ \t]*<!-- build: [^>]*-->\n/gm, '');
  const installs = [
    `  <link rel="manifest" href="${manifest}">`,
    '  <link rel="apple-touch-icon" href="/icons/icon-192.png">',
  ];
  html = html
    .replace(/%MANIFEST%\n/, () => (manifest ? `${installs.join('\n')}\n` : ''))
    .replace('%STYLESHEETS%', styles.map((path) => `  <link rel="stylesheet" href="${url(path)}">`).join('\n'))
    .replace('%LANG_JS%', url(langJs))
    .replace('%ENTRY_JS%', url(entry));
  const left = html.match(/%[A-Z_]+%/);
  if (left) throw new Error(`${source}: ${left[0]} not filled in`);
  await mkdir(dirname(join(dist, out)), { recursive: true });
  await writeFile(join(dist, out), html);
}

await writePage({
  source: 'index.html',
  out: 'index.html',
  entry: appJs,
  styles: [appCss],
  manifest: '/manifest.webmanifest',
});
await cp(join(src, 'manifest.webmanifest'), join(dist, 'manifest.webmanifest'));
// The crews' page lives under /staff/, with a manifest of its own so it installs on its own.
await writePage({
  source: 'staff.html',
  out: 'staff/index.html',
  entry: staffJs,
  styles: [appCss],
  manifest: '/staff/manifest.webmanifest',
});
await cp(join(src, 'staff.webmanifest'), join(dist, 'staff', 'manifest.webmanifest'));
// The resident's follow page: served by app/web/pwa.py at /follow/<token> (and its unsubscribe
// address), precached as /follow/ so a phone with the app installed opens it from the cache.
await writePage({ source: 'follow.html', out: 'follow/index.html', entry: followJs, styles: [appCss] });
// The open-data dashboard at /dashboard/: public, for reviewers and anyone; not part of the
// app phones install, so neither it nor its charts are precached.
await writePage({
  source: 'dashboard.html',
  out: 'dashboard/index.html',
  entry: dashboardJs,
  styles: [appCss, dashboardCss],
});
await cp(join(src, 'icons'), join(dist, 'icons'), { recursive: true });

// 4. Version = hash of everything built so far and of the sources (the service worker's own
// code included); the precache list = the files built.
const built = (await files(dist)).sort();
const hash = createHash('sha256');
for (const path of [...built, ...(await files(src)).sort()]) {
  hash.update(relative(root, path));
  hash.update(await readFile(path));
}
const version = hash.digest('hex').slice(0, 12);
// Pages are fetched by their directory's URL: dist/index.html is /, dist/staff/index.html /staff/,
// dist/follow/index.html /follow/.
const dashboardOnly = new Set([join(dist, 'dashboard', 'index.html'), dashboardJs, dashboardCss, ...chartChunks]);
const precache = built
  .filter((path) => !dashboardOnly.has(path))
  .map((path) => url(path).replace(/\/index\.html$/, '/'));

await esbuild.build({
  entryPoints: [join(src, 'sw.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  outfile: join(dist, 'sw.js'),
  define: { __VERSION__: JSON.stringify(version), __PRECACHE__: JSON.stringify(precache) },
  target: TARGET,
  logLevel: 'warning',
});
await writeFile(join(dist, 'precache-manifest.json'), `${JSON.stringify({ version, files: precache }, null, 2)}\n`);

// 5. The budget: the app's own JS and CSS, gzipped, the map library excluded.
let own = 0;
const ownFiles = [
  ...jsOut.filter((p) => !mapChunks.has(p) && !dashboardOnly.has(p)),
  photoWorker,
  langJs,
  appCss,
  join(dist, 'sw.js'),
];
for (const path of ownFiles) {
  own += gzipSync(await readFile(path), { level: 9 }).length;
}
let map = 0;
for (const path of [...mapChunks, mapCss]) map += (await stat(path)).size;
// The dashboard's own page, script and styles (gzipped), and Chart.js (raw), for information.
let dashboard = 0;
for (const path of [dashboardJs, dashboardCss]) dashboard += gzipSync(await readFile(path), { level: 9 }).length;
let chart = 0;
for (const path of chartChunks) chart += (await stat(path)).size;
// For bench/pwa.py; written after the precache list, so phones never download it.
await writeFile(
  join(dist, 'build-stats.json'),
  `${JSON.stringify({
    version,
    appGzipBytes: own,
    mapRawBytes: map,
    budgetGzipBytes: BUDGET_GZIP,
    dashboardGzipBytes: dashboard,
    chartRawBytes: chart,
  })}\n`,
);
console.log(
  `pwa: version ${version}, ${precache.length} files precached; ` +
    `app JS+CSS ${(own / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_GZIP / 1024} KB), ` +
    `map library ${(map / 1024).toFixed(1)} KB raw, loaded on demand; dashboard ` +
    `${(dashboard / 1024).toFixed(1)} KB gzipped, Chart.js ${(chart / 1024).toFixed(1)} KB raw`,
);
if (own > BUDGET_GZIP) {
  console.error('pwa: over the size budget');
  process.exit(1);
}
