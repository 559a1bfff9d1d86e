"""Browser tests: Debian's chromium, driven by Playwright, against the real app on a live server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.db import Database
from app.web import create_app
from tests.browser.contexts import TIMEOUT_MS, new_context
from tests.helpers.databases import migrated_database
from tests.helpers.servers import LiveServer, free_port

# Logged by the page itself as soon as the document exists, before any of the page's scripts.
WATCH_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class Violations:
    """The CSP and Permissions-Policy complaints of every page of a browser context."""

    def __init__(self, context):
        self.messages: list[str] = []
        context.add_init_script(WATCH_VIOLATIONS)
        context.on("page", self._watch)

    def _watch(self, page):
        page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if re.search(r"Content Security Policy|CSP violation|Permissions policy", text, re.I):
            self.messages.append(text)


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


@pytest.fixture(scope="session")
def live_database_url():
    """A database of its own: the live server commits, so the rolled-back one will not do."""
    with migrated_database("pave_browser", boundaries=True) as engine:
        url = engine.url
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def live_db(live_database_url):
    engine = create_engine(live_database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_database_url, tmp_path_factory) -> Iterator[LiveServer]:
    if not (DIST / "index.html").is_file():
        pytest.fail("pwa/dist is missing: run `npm ci && npm run build` in pwa/ first.")
    url = live_database_url.render_as_string(hide_password=False)
    # Made here, not by the app, so the test can close its connections at the end.
    database = Database.from_url(url)
    port = free_port()
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
            # Figures read at once after each test's reports (tests/web/test_cache.py).
            "PUBLIC_CACHE_SECONDS": 0,
            # One server for the whole session, its reports all from 127.0.0.1 and many of them
            # from one resident's address, whose emails the follow journeys open: the limits of
            # new reports have their own tests (tests/security/test_report_limits.py).
            "REPORT_CLIENT_RATE_LIMIT": "100000 per hour",
            "REPORT_EMAIL_RATE_LIMIT": "100000 per hour",
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
    # Every module's expect() waits as long as its contexts do: set here, not by new_context,
    # or a module with its own context (the dashboard's) waited 5 s when it ran first.
    playwright_api.expect.set_options(timeout=TIMEOUT_MS)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


@pytest.fixture
def watched(browser, live_server):
    """watched(**options) → (context, violations): a context whose CSP complaints are kept."""

    def make(**kwargs):
        context = new_context(browser, live_server, **kwargs)
        contexts.append(context)
        return context, Violations(context)

    contexts = []
    yield make
    for context in contexts:
        context.close()
