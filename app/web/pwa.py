"""The PWA (pwa/dist): the residents' page at /, the crews' at /staff/, the open-data dashboard
at /dashboard/, assets and service worker."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, make_response, redirect, send_from_directory
from werkzeug.exceptions import NotFound

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIST = ROOT / "pwa" / "dist"

# Hashed file names change with their content, so browsers may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
# The page, the manifest and the service worker must be revalidated on every load, or a new
# build would never reach phones that already have the app.
REVALIDATE = "no-cache"

blp = Blueprint("web", __name__)


def dist_dir() -> Path:
    return Path(current_app.config.get("PWA_DIST") or DEFAULT_DIST)


def _send(name: str, cache_control: str, mimetype: str | None = None):
    directory = dist_dir()
    if not (directory / "index.html").is_file():
        return (
            "The resident app is not built: run `npm ci && npm run build` in pwa/.\n",
            503,
            {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
        )
    response = send_from_directory(directory, name, mimetype=mimetype, max_age=None)
    # The app's files are small: read them whole (the file is closed at once), so that
    # Flask-Compress sends them compressed and answers conditional requests on the result.
    response.direct_passthrough = False
    response.make_sequence()
    response.headers["Cache-Control"] = cache_control
    return response


@blp.get("/")
def index():
    return _send("index.html", REVALIDATE, "text/html")


@blp.get("/staff")
def staff_redirect():
    return redirect("/staff/", code=308)


@blp.get("/staff/")
def staff():
    """The crews' screens: a second page of the same app, with its own manifest."""
    return _send("staff/index.html", REVALIDATE, "text/html")


@blp.get("/staff/manifest.webmanifest")
def staff_manifest():
    return _send("staff/manifest.webmanifest", REVALIDATE, "application/manifest+json")


@blp.get("/dashboard")
def dashboard_redirect():
    return redirect("/dashboard/", code=308)


@blp.get("/dashboard/")
def dashboard():
    """The open-data dashboard: public figures by region, commune, category and period."""
    return _send("dashboard/index.html", REVALIDATE, "text/html")


# The follow page's address holds the resident's private token: no cache on the way may keep
# it, and no request the page makes may carry it on as a Referer (app/security_headers.py).
PRIVATE = "no-store"


@blp.get("/follow/")
@blp.get("/follow/<string:token>")
@blp.get("/follow/<string:token>/unsubscribe")
@blp.get("/follow/confirm/<string:token>")
def follow(token: str | None = None):
    """The resident's follow page; it reads the token from its own address, the server never.

    The unsubscribe and confirmation addresses show the same page with a button to confirm:
    mail scanners open every link of an email, so a GET must never change anything.
    """
    response = make_response(_send("follow/index.html", PRIVATE, "text/html"))
    response.headers["Cache-Control"] = PRIVATE
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@blp.get("/sw.js")
def service_worker():
    response = _send("sw.js", REVALIDATE, "text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blp.get("/manifest.webmanifest")
def manifest():
    return _send("manifest.webmanifest", REVALIDATE, "application/manifest+json")


@blp.get("/assets/<path:name>")
def asset(name: str):
    return _send(f"assets/{name}", IMMUTABLE)


@blp.get("/icons/<path:name>")
def icon(name: str):
    # Icons keep their names across builds, so they are revalidated rather than immutable.
    return _send(f"icons/{name}", "public, max-age=86400")


@blp.get("/config.json")
def config():
    """Settings the app reads at start: the map tiles (an empty URL turns the map off) and
    who runs the service, with how to reach them (the About page)."""
    settings = current_app.config
    response = jsonify(
        {
            "tile_url": settings["PWA_TILE_URL"],
            "tile_attribution": settings["PWA_TILE_ATTRIBUTION"],
            "operator_name": settings["OPERATOR_NAME"],
            "operator_contact": settings["OPERATOR_CONTACT"],
        }
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.errorhandler(NotFound)
def _not_found(_error):
    return "Not found\n", 404, {"Content-Type": "text/plain; charset=utf-8"}
