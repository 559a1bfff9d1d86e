// Starts Swagger UI on the element that names the API document (data-url) and, optionally, its
// settings (data-config, JSON). A file rather than an inline script: the docs pages'
// Content-Security-Policy lets no inline script run.
(function () {
  var root = document.getElementById('swagger-ui');
  var config = { url: root.getAttribute('data-url'), dom_id: '#swagger-ui' };
  var extra = JSON.parse(root.getAttribute('data-config') || '{}');
  for (var name in extra) {
    if (Object.prototype.hasOwnProperty.call(extra, name)) config[name] = extra[name];
  }
  window.ui = SwaggerUIBundle(config);
})();
