"""Test setup: a throwaway PostGIS database with migrations applied, each test rolled back."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from contextlib import contextmanager

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.categories.fixtures import load_fixtures
from app.cli import alembic_config
from app.config import Config
from app.db import Database
from app.geo.boundaries import import_boundaries, read_boundary_file
from app.web import create_app

BOUNDARIES_FILE = os.environ.get("BOUNDARIES_FILE") or Config.BOUNDARIES_FILE


def _server_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run the tests with `make test`.", returncode=2)
    return make_url(url)


def create_throwaway_database(prefix: str = "pave_test"):
    """CREATE DATABASE with PostGIS on the configured server; returns its URL."""
    server = _server_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = server.set(database=name)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    engine.dispose()
    return url


def drop_database(url) -> None:
    admin = create_engine(_server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def migrated_database(prefix: str, *, boundaries: bool = False, seed_sql=()):
    """A throwaway database migrated to head and seeded; yields its engine, then drops it."""
    url = create_throwaway_database(prefix)
    engine = create_engine(url, pool_size=5)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), "head")
        with Session(engine) as session, session.begin():
            load_fixtures(session)
            if boundaries:
                source = read_boundary_file(BOUNDARIES_FILE)
                import_boundaries(session, source, dt.date(2025, 1, 1))
            for statement in seed_sql:
                session.execute(text(statement))
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


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
def app(engine, session_factory, database_url):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url.render_as_string(hide_password=False),
            "DATABASE": Database(engine, session_factory),
            # The test client's own host: links in answers and emails read http://localhost/….
            "PUBLIC_BASE_URL": "http://localhost",
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
