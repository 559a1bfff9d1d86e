"""The web application: the Flask factory, the app's database and the request's session.

Everything HTTP starts here; the domain core (app/reports, app/tickets, app/geo…) never
imports this package, so it can be used from a plain Python shell or a script.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import cast

from flask import Flask, current_app, g, has_app_context
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
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
    # After the API, whose hostile-input check puts itself first: these go before it, so
    # that every request is timed and carries its id, whatever answers it.
    from app.web import metrics, requestlog

    requestlog.init_app(app)
    metrics.init_app(app)
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
        for name in ("db_read_session", "db_session"):
            session = g.pop(name, None)
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


def db_session() -> Session:
    """The request's session: one per request, closed (and rolled back if open) at its end."""
    if "db_session" not in g:
        g.db_session = get_database(current_app).sessionmaker()
    return g.db_session


log = logging.getLogger(__name__)
# After the replica failed to answer, public readers use the primary for this long before
# the replica is tried again: a dead host is not waited for on every request.
REPLICA_RETRY_S = 30.0
# A replica that does not accept the connection within this many seconds counts as down
# (libpq's default is to wait forever, the OS's TCP timeout: minutes).
TIMEOUT_S = 3


def get_read_database(app: Flask) -> Database:
    """The Database of DATABASE_READ_URL (a streaming replica) or, when it is unset, the app's
    own: no second pool, no change at all for a site on one machine."""
    if not app.config.get("DATABASE_READ_URL"):
        return get_database(app)
    database = app.extensions.get("pave_read_db")
    if database is None:
        url = make_url(app.config["DATABASE_READ_URL"])
        # A connect_timeout written in the URL wins over ours.
        timeout: dict[str, object] = {}
        if "connect_timeout" not in url.query:
            timeout["connect_timeout"] = TIMEOUT_S
        database = Database.from_url(url, app.config["SQLALCHEMY_POOL_SIZE"], timeout)
        app.extensions["pave_read_db"] = database
    return database


def read_database() -> Database:
    """Where the public readers of this request (or CLI run) read: the replica, or the primary
    while the replica is unreachable.

    Public readers only (dashboard, exports, snapshots, DCAT, OGC, Open311 GET, the public
    report views): what they show may lag the primary by the replication delay, and nothing
    they run may write. Chosen once per request, so that one answer never mixes both.
    A replica that fails is logged and skipped for REPLICA_RETRY_S: the public site keeps
    answering from the primary, as it did before there was a replica (docs/scaling.md).
    """
    app = current_app
    if "read_database" in g:
        return g.read_database
    primary = get_database(app)
    chosen = replica = get_read_database(app)
    if replica is not primary:
        down_until = app.extensions.get("pave_read_down_until", 0.0)
        if time.monotonic() < down_until:
            chosen = primary
        else:
            try:
                with replica.engine.connect():
                    pass
            except OperationalError as exc:
                log.warning(
                    "read replica unreachable, public readers use the primary for %ss: %s",
                    REPLICA_RETRY_S,
                    str(exc).splitlines()[0],
                )
                app.extensions["pave_read_down_until"] = time.monotonic() + REPLICA_RETRY_S
                chosen = primary
    g.read_database = chosen
    return chosen


def read_session() -> Session:
    """The request's session for public reads (see `read_database`): the replica's, or the
    request's own session (`db_session`) when there is no replica or it is down."""
    database = read_database()
    if database is get_database(current_app):
        return db_session()
    if "db_read_session" not in g:
        g.db_read_session = database.sessionmaker()
    return g.db_read_session
