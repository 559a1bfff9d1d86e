"""Security headers, set in one place for every response (one after_request hook).

Every HTML page (the resident app at /, the crews' at /staff/, the follow page, the dashboard,
the OGC API pages, Swagger UI) gets a Content-Security-Policy that lets scripts, styles and
connections come from this site alone: markup an attacker slips into a page cannot run script
(no page holds inline script or style, so nothing needs 'unsafe-inline'). Images may also come
from the map's tile server (derived from PWA_TILE_URL) and be blob:/data: URLs (photo previews,
Leaflet's and Swagger UI's icons).

The crews' screens and the follow page can never be framed (clickjacking); the follow page
sends no Referer (its address holds the resident's token); only the resident app may ask for
the phone's position and camera. Every response is nosniff, and a request that really arrived
over HTTPS (behind PROXY_COUNT proxies: their X-Forwarded-Proto) gets HSTS.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, request

# The small files the server-rendered pages (OGC, Swagger UI) need instead of inline code.
blp = Blueprint(
    "page_assets", __name__, static_folder="page_assets", static_url_path="/page-assets"
)

RESIDENT_APP = "resident"
NO_FRAMES = "no-frames"
OTHER = "other"


def page_kind(path: str) -> str:
    if path in ("/", "/index.html"):
        return RESIDENT_APP
    if path.startswith(("/staff/", "/follow/")):
        return NO_FRAMES
    return OTHER


@lru_cache(maxsize=8)
def tile_source(tile_url: str) -> str | None:
    """The CSP source of the tile server: its scheme, host and port.

    A placeholder as the first label of the host ({s}.tile.example.org) becomes a wildcard
    (*.tile.example.org); a placeholder anywhere else in the host cannot be said in CSP, so the
    scheme alone is allowed then.
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    netloc = parts.netloc.rsplit("@", 1)[-1]
    first, _, rest = netloc.partition(".")
    if "{" in first and rest and "{" not in rest:
        netloc = f"*.{rest}"
    elif "{" in netloc:
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{netloc}"


def content_security_policy(kind: str, tile_url: str) -> str:
    images = ["'self'", "blob:", "data:"]
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    if kind == NO_FRAMES:
        directives["frame-ancestors"] = ["'none'"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def permissions_policy(kind: str) -> str:
    # The resident app places a report by the phone's position and may take its photo.
    allowed = "(self)" if kind == RESIDENT_APP else "()"
    return f"geolocation={allowed}, camera={allowed}, microphone=(), payment=(), usb=()"


# Answers for one person: a member of staff's (reporters' contact details, tokens), and what
# a change answers (a new report's follow and photo tokens).
PERSONAL_PREFIXES = ("/api/v1/staff", "/api/v1/auth", "/api/v1/bodies")


def is_personal(path: str, method: str, credentials: bool) -> bool:
    """Whether the answer is one person's: asked with credentials, a change, or staff's."""
    return credentials or method not in ("GET", "HEAD") or path.startswith(PERSONAL_PREFIXES)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    credentials = bool(
        request.authorization or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    )
    if "Cache-Control" not in headers and is_personal(request.path, request.method, credentials):
        # Kept by no cache: not the browser's of a shared commune computer, not a proxy's.
        headers["Cache-Control"] = "private, no-store"
    max_age = current_app.config["HSTS_MAX_AGE"]
    arrived_over = request.environ.get("pave.request_scheme", request.scheme)
    if arrived_over == "https" and max_age:
        headers["Strict-Transport-Security"] = f"max-age={max_age}"
    if response.mimetype != "text/html":
        return response
    kind = page_kind(request.path)
    headers["Content-Security-Policy"] = content_security_policy(
        kind, current_app.config["PWA_TILE_URL"]
    )
    headers["Permissions-Policy"] = permissions_policy(kind)
    if request.path.startswith("/follow/"):
        # The address holds the resident's private token.
        headers["Referrer-Policy"] = "no-referrer"
    else:
        # Other sites (the tile server) learn the origin only, as OSM's tile policy expects.
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if kind == NO_FRAMES:
        headers["X-Frame-Options"] = "DENY"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(blp)
    app.after_request(add_security_headers)
