"""Throwaway PostGIS databases: created, migrated to head and seeded, then dropped.

The session's database (tests/conftest.py) and the tests that need a database of their own
(a worker that commits, another geography, a live server) all come through here.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from contextlib import contextmanager

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.categories.fixtures import load_fixtures
from app.cli import alembic_config
from app.config import ROOT, Config
from app.geo.boundaries import import_boundaries, read_boundary_file
from app.geo.population import load_populations, read_population_file
from app.opendata.outlines import store_outline_file

BOUNDARIES_FILE = os.environ.get("BOUNDARIES_FILE") or Config.BOUNDARIES_FILE
POPULATION_FILE = os.environ.get("POPULATION_FILE") or Config.POPULATION_FILE


def load_communes(session: Session) -> None:
    """The boundaries of 2025 (as `make db` loads them), their population and outlines."""
    import_boundaries(session, read_boundary_file(BOUNDARIES_FILE), dt.date(2025, 1, 1))
    load_populations(session, read_population_file(POPULATION_FILE))
    store_outline_file(session)


def _server_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.exit("DATABASE_URL is not set: run the tests with `make test`.", returncode=2)
    return make_url(url)


def create_throwaway_database(prefix: str = "pave_test", server=None, template=None):
    """CREATE DATABASE with PostGIS on `server` (the configured one by default); its URL.

    With `template` (the URL of a database on that server nobody is connected to), a copy of
    it: faster than creating the extension when a test makes many databases.
    """
    server = server or _server_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    copy = f' TEMPLATE "{template.database}"' if template is not None else ""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    url = server.set(database=name)
    if template is not None:
        return url
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    engine.dispose()
    return url


def drop_database(url, server=None) -> None:
    admin = create_engine(server or _server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def migrate(engine, revision: str = "head", *, direction: str = "upgrade", versions=None) -> None:
    """Run the migrations up (or down) to `revision`, as `flask db upgrade` does.

    On a connection outside any transaction: Alembic then opens one per migration (env.py),
    and a migration may leave it for an autocommit block (CREATE INDEX CONCURRENTLY,
    migrations/README.md); inside `engine.begin()` such a migration fails. `versions`: one
    more folder of migrations (a test's own).
    """
    config = alembic_config()
    if versions is not None:
        config.set_main_option("path_separator", "newline")
        config.set_main_option(
            "version_locations", f"{ROOT / 'migrations' / 'versions'}\n{versions}"
        )
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        getattr(command, direction)(config, revision)
        conn.commit()


def _migrate_and_seed(engine, boundaries: bool) -> None:
    migrate(engine)
    with Session(engine) as session, session.begin():
        load_fixtures(session)
        if boundaries:
            load_communes(session)


# The migrated and seeded databases this run has made on DATABASE_URL's server, with and
# without the communes: each later one is a copy (CREATE DATABASE … TEMPLATE), a tenth of a
# second instead of the migrations and the communes' import every time. Dropped at the end
# of the run (drop_templates).
_templates: dict[bool, URL] = {}


def _template(boundaries: bool) -> URL:
    if boundaries not in _templates:
        prefix = "pave_template_be" if boundaries else "pave_template"
        url = create_throwaway_database(prefix)
        # No pool: a template must have no connection left when it is copied.
        engine = create_engine(url, poolclass=NullPool)
        try:
            _migrate_and_seed(engine, boundaries)
        except BaseException:
            engine.dispose()
            drop_database(url)
            raise
        engine.dispose()
        _templates[boundaries] = url
    return _templates[boundaries]


def drop_templates() -> None:
    """Drop the templates of this run (tests/conftest.py calls it once, at the end)."""
    while _templates:
        _, url = _templates.popitem()
        drop_database(url)


@contextmanager
def migrated_database(prefix: str, *, boundaries: bool = False, seed_sql=(), server=None):
    """A throwaway database migrated to head and seeded; yields its engine, then drops it.

    On the server of DATABASE_URL, or on `server` (a URL: the replica test's own primary).
    A copy of this run's template (migrations, categories and, with `boundaries`, the
    communes), then `seed_sql`.
    """
    # Another server (the replica test's own primary) may be gone by the end of the run: its
    # databases are made from scratch, with no template left behind.
    template = _template(boundaries) if server is None else None
    url = create_throwaway_database(prefix, server, template=template)
    engine = create_engine(url, pool_size=5)
    try:
        if template is None:
            _migrate_and_seed(engine, boundaries)
        if seed_sql:
            with Session(engine) as session, session.begin():
                for statement in seed_sql:
                    session.execute(text(statement))
        yield engine
    finally:
        engine.dispose()
        drop_database(url, server)
