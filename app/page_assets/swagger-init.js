// Starts Swagger UI on the element that names the API document (data-url) and, optionally, its
// settings (data-config, JSON). A file rather than an inline script: the docs pages'
// Content-Security-Policy lets no inline script run.
(function () {
  var root = document.getElementById('swagger-ui');
  // No validator badge: it would send the document's address to validator.swagger.io, an
  // image source the page's policy refuses anyway.
  var config = { url: root.getAttribute('data-url'), dom_id: '#swagger-ui', validatorUrl: null };
  var extra = JSON.parse(root.getAttribute('data-config') || '{}');
  for (var name in extra) {
    if (Object.prototype.hasOwnProperty.call(extra, name)) config[name] = extra[name];
  }
  window.ui = SwaggerUIBundle(config);
})();
