"""Which host a request may name, and the one every absolute URL is built from.

`PublicHost` wraps the WSGI app. It first refuses a request whose Host (or, behind
PROXY_COUNT proxies, X-Forwarded-Host, which ProxyFix has put in its place) is not a trusted
host: a 400 problem, before any view runs. Then it presents the request to Flask as addressed
to PUBLIC_BASE_URL (scheme, host and path prefix), so that everything Werkzeug and Flask
build from the request (`url_for(..., _external=True)`, `request.url`, `request.host_url`,
redirects) starts with PUBLIC_BASE_URL too, whatever the client sent. A middleware rather than
SERVER_NAME: SERVER_NAME sets only the host (the scheme and prefix still come from the
request) and is not applied by `request.url`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, MutableMapping
from urllib.parse import urlsplit

from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from app.urls import public_base_url

# Local names always accepted when no TRUSTED_HOSTS is set: the test client and the browser
# tests, `make run` opened as localhost, a reverse proxy on the same machine.
LOCAL_HOSTS = ("localhost", "127.0.0.1")
PROBLEM_TYPE = "https://pave.example/problems/untrusted-host"


def trusted_hosts(config: Mapping) -> list[str]:
    """TRUSTED_HOSTS, or the host of PUBLIC_BASE_URL and the local names; always the former."""
    public = urlsplit(public_base_url(config)).hostname or ""
    configured: Iterable[str] = config.get("TRUSTED_HOSTS") or (public, *LOCAL_HOSTS)
    hosts = [host.strip().lower() for host in configured if host and host.strip()]
    return hosts if public in hosts else [*hosts, public]


class PublicHost:
    """WSGI middleware: refuse untrusted hosts, then address the request to PUBLIC_BASE_URL."""

    def __init__(self, wsgi_app, config: MutableMapping):
        self.wsgi_app = wsgi_app
        # Read at each request, so a change of the app's config takes effect (tests do so).
        self.config = config
        if config.get("TRUSTED_HOSTS"):
            # Flask checks its TRUSTED_HOSTS too, after this middleware: on the public host.
            config["TRUSTED_HOSTS"] = trusted_hosts(config)

    def __call__(self, environ, start_response):
        try:
            get_host(environ, trusted_hosts(self.config))
        except SecurityError:
            return _refuse(start_response)
        public = urlsplit(public_base_url(self.config))
        port = public.port or (443 if public.scheme == "https" else 80)
        environ["pave.request_host"] = environ.get("HTTP_HOST", "")
        # How the request really arrived (behind PROXY_COUNT proxies: their X-Forwarded-Proto),
        # before it is presented as addressed to PUBLIC_BASE_URL: HSTS is sent over HTTPS only.
        environ["pave.request_scheme"] = environ.get("wsgi.url_scheme", "http")
        environ["wsgi.url_scheme"] = public.scheme
        environ["HTTP_HOST"] = public.netloc
        environ["SERVER_NAME"] = public.hostname or ""
        environ["SERVER_PORT"] = str(port)
        # A path in PUBLIC_BASE_URL is the prefix the reverse proxy strips before Pavé.
        environ["SCRIPT_NAME"] = public.path.rstrip("/")
        return self.wsgi_app(environ, start_response)


def _refuse(start_response):
    body = json.dumps(
        {
            "type": PROBLEM_TYPE,
            "title": "Unknown host",
            "status": 400,
            "detail": "This server does not answer for the host named by this request: "
            "use its public address.",
        }
    ).encode()
    start_response(
        "400 Bad Request",
        [("Content-Type", "application/problem+json"), ("Content-Length", str(len(body)))],
    )
    return [body]
