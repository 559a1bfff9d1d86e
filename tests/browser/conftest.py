"""Browser tests: Debian's chromium, driven by Playwright, against the real app on a live server."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app.categories.fixtures import load_fixtures
from app.cli import alembic_config
from app.db import Database
from app.geo.boundaries import import_boundaries, read_boundary_file
from app.web import create_app
from tests.conftest import BOUNDARIES_FILE, create_throwaway_database, drop_database

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GRAND_PLACE = {"latitude": 50.8467, "longitude": 4.3525, "accuracy": 12}
# A loaded two-core machine can be slow to decode a 12 MP photo; waits are generous.
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def live_database_url():
    """A database of its own: the live server commits, so the rolled-back one will not do."""
    url = create_throwaway_database("pave_browser")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), "head")
        with Session(engine) as session, session.begin():
            load_fixtures(session)
            source = read_boundary_file(BOUNDARIES_FILE)
            import_boundaries(session, source, dt.date(2025, 1, 1))
        yield url
    finally:
        engine.dispose()
        drop_database(url)


@pytest.fixture(scope="session")
def live_db(live_database_url):
    engine = create_engine(live_database_url)
    yield engine
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


RESPONSE_KEY = "pave.test.response"


def remembering_responses(app):
    """Keeps each response in its environ, so the handler can close it whatever happens."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        environ[RESPONSE_KEY] = response
        return response

    return wsgi


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no kept-alive connection outlives stop(), so a stopped server is truly down.

    When the browser drops a connection (offline on purpose, a stopped server), werkzeug's
    drain after the answer can raise before it closes the response, and a static file stays
    open until the garbage collector finds it: a ResourceWarning in whichever test runs then.
    Closing the response here, always, removes that (seen twice in CI).
    """

    protocol_version = "HTTP/1.0"

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            response = getattr(self, "environ", {}).get(RESPONSE_KEY)
            if hasattr(response, "close"):
                response.close()


@dataclass
class LiveServer:
    """The app under werkzeug's threaded server; stop() and start() keep the same port."""

    app: object
    port: int
    server: BaseWSGIServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server(
            "127.0.0.1",
            self.port,
            remembering_responses(self.app),
            threaded=True,
            request_handler=OneRequestPerConnection,
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None


@pytest.fixture(scope="session")
def live_server(live_database_url, tmp_path_factory) -> Iterator[LiveServer]:
    if not (DIST / "index.html").is_file():
        pytest.fail("pwa/dist is missing: run `npm ci && npm run build` in pwa/ first.")
    url = live_database_url.render_as_string(hide_password=False)
    # Made here, not by the app, so the test can close its connections at the end.
    database = Database.from_url(url)
    port = _free_port()
    app = create_app(
        {
            "DATABASE_URL": url,
            # The links in emails and answers point at this server, as `make run` sets it.
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "DATABASE": database,
            "PHOTO_STORAGE": "local",
            "PHOTO_DIR": str(tmp_path_factory.mktemp("photos")),
            # No map tiles: the tests run without the internet, as a phone in a tunnel would.
            "PWA_TILE_URL": "",
        }
    )
    server = LiveServer(app, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        database.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, live_server, *, locale="en-GB", service_workers="allow"):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale=locale,
        geolocation=GRAND_PLACE,
        permissions=["geolocation"],
        service_workers=service_workers,
    )
    context.set_default_timeout(TIMEOUT_MS)
    playwright_api.expect.set_options(timeout=TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live_server):
    context = new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def context_without_sw(browser, live_server):
    """No service worker: page.route then sees every request the page makes."""
    context = new_context(browser, live_server, service_workers="block")
    yield context
    context.close()
