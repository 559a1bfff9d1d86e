"""The web application: the Flask factory, the app's database and the request's session.

Everything HTTP starts here; the domain core (app/reports, app/tickets, app/geo…) never
imports this package, so it can be used from a plain Python shell or a script.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from flask import Flask, current_app, g, has_app_context
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from app import urls
from app.config import Config
from app.db import Database


def _app_settings() -> Mapping | None:
    """The settings of the app whose context is active, if any (links start with its
    PUBLIC_BASE_URL, whoever builds them: a request, a CLI command, a test)."""
    return current_app.config if has_app_context() else None


urls.read_settings_from(_app_settings)


def create_app(config: dict | None = None) -> Flask:
    """Application factory: settings → database → API blueprints → CLI commands."""
    app = Flask("app", static_folder=None)
    app.config.from_mapping(Config.from_env())
    if config:
        app.config.update(config)
    from app.hosts import PublicHost

    # Inside ProxyFix (when there is one), so the forwarded host is the one checked.
    app.wsgi_app = PublicHost(app.wsgi_app, app.config)  # type: ignore[method-assign]
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
    # Keep fields in the order the schemas declare them; easier for people to read.
    cast(DefaultJSONProvider, app.json).sort_keys = False

    from flask_compress import Compress

    from app import api, cli
    from app.web import pwa

    Compress(app)
    from app.web import cache

    cache.init_app(app)
    from app.api.open311.routes import blp as open311_blp

    api.init_app(app)
    cli.init_app(app)
    # The resident app (pwa/dist) at /, beside the API.
    app.register_blueprint(pwa.blp)
    # Open311 GeoReport v2 speaks its own formats (XML, bare JSON arrays, its error lists).
    app.register_blueprint(open311_blp)
    # Security headers of every response (CSP, frames, referrer, permissions, HSTS).
    from app import security_headers

    security_headers.init_app(app)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    return app


def get_database(app: Flask) -> Database:
    """The app's Database, created on first use so CLI commands that need none start fast."""
    database = app.extensions.get("pave_db")
    if database is None:
        database = app.config.get("DATABASE") or Database.from_url(
            app.config["DATABASE_URL"], app.config["SQLALCHEMY_POOL_SIZE"]
        )
        app.extensions["pave_db"] = database
    return database


def db_session():
    """The request's session: one per request, closed (and rolled back if open) at its end."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = get_database(current_app).sessionmaker()
    return g.db_session
