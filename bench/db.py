"""Throwaway benchmark databases: migrated, seeded, with the 2025 boundaries (or densified)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.categories.fixtures import load_fixtures
from app.cli import alembic_config
from app.config import Config
from app.geo.boundaries import import_boundaries, read_boundary_file, refresh_routing

BOUNDARIES_FILE = os.environ.get("BOUNDARIES_FILE") or Config.BOUNDARIES_FILE
VALID_FROM = dt.date(2025, 1, 1)

# Segments of at most 25 m in Lambert 2008 bring the simplified 2025 set (about 46,000
# vertices) to the complexity of the official full-resolution boundaries.
DENSIFY_SQL = text(
    """
    UPDATE communes SET boundary = ST_Multi(ST_Transform(
        ST_Segmentize(ST_Transform(boundary, 3812), :max_segment_m), 4326))
    """
)


def server_url() -> URL:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set: run the benchmarks with `make bench`.")
    return make_url(url)


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _admin(sql: str) -> None:
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


def create_database(suffix: str, densify_m: float | None = None) -> URL:
    """CREATE DATABASE bench_<pid>_<suffix>, migrate, seed and import the 2025 boundaries."""
    name = f"bench_{os.getpid()}_{suffix}"
    started = time.perf_counter()
    _admin(f'CREATE DATABASE "{name}"')
    url = server_url().set(database=name)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            command.upgrade(alembic_config(connection=conn), "head")
        with Session(engine) as session, session.begin():
            load_fixtures(session)
            import_boundaries(session, read_boundary_file(BOUNDARIES_FILE), VALID_FROM)
        if densify_m is not None:
            with Session(engine) as session, session.begin():
                session.execute(DENSIFY_SQL, {"max_segment_m": densify_m})
                # The parts follow the densified boundaries, exactly as after an import.
                refresh_routing(session)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
    log(f"database {name} ready in {time.perf_counter() - started:.1f} s")
    return url


def drop_database(url: URL) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


@contextmanager
def databases(densify_m: float) -> Iterator[tuple[URL, URL]]:
    """The real 2025 set and its densified twin, dropped at the end whatever happens."""
    made: list[URL] = []
    try:
        made.append(create_database("real"))
        made.append(create_database("dense", densify_m))
        yield made[0], made[1]
    finally:
        for url in made:
            drop_database(url)
