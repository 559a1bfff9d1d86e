"""Test setup: a throwaway PostGIS database with migrations applied, each test rolled back."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.db import Database
from app.web import create_app
from tests.helpers.databases import drop_templates, migrated_database


@pytest.fixture(scope="session", autouse=True)
def _templates():
    """The migrated databases every throwaway one of this run is copied from, dropped last."""
    yield
    drop_templates()


@pytest.fixture(scope="session")
def database_url():
    """The session's database: migrated to head, seeded, with the 565 communes of 2025."""
    with migrated_database("pave_test", boundaries=True) as engine:
        url = engine.url
        engine.dispose()
        yield url


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free local port; `smtp.messages` is what it got."""
    from tests.helpers.smtp import Inbox, SmtpServer

    server = SmtpServer(Inbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sender(smtp):
    """The worker's SMTP sender, pointed at the test's server."""
    from app.notify.worker import SmtpSender

    return SmtpSender(host="127.0.0.1", port=smtp.port, from_address="Pavé <pave@example.org>")


@pytest.fixture(scope="session")
def engine(database_url):
    engine = create_engine(database_url, pool_size=5)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    """One connection per test, inside a transaction that is rolled back at the end."""
    conn = engine.connect()
    outer = conn.begin()
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def session_factory(connection):
    # SQLAlchemy's "join an external transaction" recipe: commits become savepoints.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory):
    with session_factory() as session:
        yield session


@pytest.fixture
def app(engine, session_factory, database_url, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url.render_as_string(hide_password=False),
            "DATABASE": Database(engine, session_factory),
            # The test client's own host: links in answers and emails read http://localhost/….
            "PUBLIC_BASE_URL": "http://localhost",
            # Answers read at once after each change; tests/web/test_cache.py turns it on.
            "PUBLIC_CACHE_SECONDS": 0,
            # Each test's own snapshot files (none until it writes them).
            "SNAPSHOT_DIR": str(tmp_path / "snapshots"),
        }
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def report_factory(session):
    """tests.factories.ReportFactory bound to the test's session (rolled back at the end)."""
    from tests.factories import ReportFactory

    ReportFactory.bind(session)
    try:
        yield ReportFactory
    finally:
        ReportFactory.bind(None)
