"""Databases of their own for tests that need a geography other than the session's 2025 set."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.helpers.databases import migrated_database


@pytest.fixture(scope="module")
def empty_engine():
    """A throwaway database for one test module: migrated and seeded, with no boundaries."""
    with migrated_database("pave_geo") as engine:
        yield engine


@pytest.fixture
def empty_session(empty_engine):
    """A session on the empty database whose work is rolled back after the test."""
    with empty_engine.connect() as conn:
        outer = conn.begin()
        try:
            with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
                yield session
        finally:
            outer.rollback()


@pytest.fixture(scope="module")
def routing_db(engine):
    """A read-only connection to the session's database (2025 set) for a whole module."""
    with engine.connect() as conn:
        yield conn
        conn.rollback()


@pytest.fixture(scope="module")
def oracle(routing_db):
    """The routing rules re-implemented in shapely over the 2025 communes."""
    from tests.helpers.routing_oracle import RoutingOracle

    return RoutingOracle(routing_db)
