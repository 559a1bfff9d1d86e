// The OGC API pages' small map: the page's features over the map tiles (PWA_TILE_URL).
// A file, not inline: the pages' Content-Security-Policy refuses inline scripts. No library:
// Web Mercator tiles as <img>, the features drawn over them in SVG.
(function () {
  'use strict';
  var TILE = 256;
  var SVG = 'http://www.w3.org/2000/svg';
  var box = document.getElementById('ogc-map');
  if (!box) return;
  var shapes = JSON.parse(box.getAttribute('data-shapes') || '[]');
  var template = box.getAttribute('data-tiles') || '';
  if (!template || !shapes.length) return;

  function project(lon, lat, zoom) {
    var scale = TILE * Math.pow(2, zoom);
    var sin = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
    return [((lon + 180) / 360) * scale, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale];
  }

  var points = [];
  shapes.forEach(function (shape) {
    if (shape.point) points.push(shape.point);
    (shape.rings || []).forEach(function (ring) { points.push.apply(points, ring); });
  });
  var lons = points.map(function (p) { return p[0]; });
  var lats = points.map(function (p) { return p[1]; });
  var west = Math.min.apply(null, lons), east = Math.max.apply(null, lons);
  var south = Math.min.apply(null, lats), north = Math.max.apply(null, lats);
  var width = box.clientWidth || 320;
  var height = box.clientHeight || 240;
  var zoom = 17;
  while (zoom > 1) {
    var a = project(west, north, zoom), b = project(east, south, zoom);
    if (b[0] - a[0] <= width - 40 && b[1] - a[1] <= height - 40) break;
    zoom -= 1;
  }
  var nw = project(west, north, zoom), se = project(east, south, zoom);
  var left = (nw[0] + se[0]) / 2 - width / 2;
  var top = (nw[1] + se[1]) / 2 - height / 2;
  var count = Math.pow(2, zoom);

  for (var tx = Math.floor(left / TILE); tx * TILE < left + width; tx++) {
    for (var ty = Math.floor(top / TILE); ty * TILE < top + height; ty++) {
      if (ty < 0 || ty >= count) continue;
      var img = document.createElement('img');
      img.alt = '';
      img.className = 'tile';
      var x = ((tx % count) + count) % count;
      img.src = template.replace('{s}', 'a').replace('{z}', zoom).replace('{x}', x).replace('{y}', ty);
      img.style.left = tx * TILE - left + 'px';
      img.style.top = ty * TILE - top + 'px';
      box.appendChild(img);
    }
  }

  var svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('aria-hidden', 'true');
  function at(p) {
    var xy = project(p[0], p[1], zoom);
    return [xy[0] - left, xy[1] - top];
  }
  shapes.forEach(function (shape) {
    var node;
    if (shape.point) {
      var xy = at(shape.point);
      node = document.createElementNS(SVG, 'circle');
      node.setAttribute('cx', xy[0]);
      node.setAttribute('cy', xy[1]);
      node.setAttribute('r', 7);
      node.setAttribute('class', 'point');
    } else {
      node = document.createElementNS(SVG, 'path');
      var d = (shape.rings || []).map(function (ring) {
        return ring.map(function (p, i) { var q = at(p); return (i ? 'L' : 'M') + q[0].toFixed(1) + ' ' + q[1].toFixed(1); }).join('') + 'Z';
      }).join('');
      node.setAttribute('d', d);
      node.setAttribute('class', 'area');
    }
    var title = document.createElementNS(SVG, 'title');
    title.textContent = shape.title || '';
    node.appendChild(title);
    svg.appendChild(node);
  });
  box.appendChild(svg);
})();
