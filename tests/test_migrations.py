"""Migrations build the schema from nothing, step back cleanly, and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from app.cli import alembic_config
from app.db import Base
from app.models import import_all
from tests.helpers.databases import create_throwaway_database, drop_database, migrate

# What the first two revisions build; later ones (reports, photos, ...) come on top.
TABLES_AT_0002 = {
    "regions",
    "boundary_sets",
    "communes",
    "commune_parts",
    "bodies",
    "category_groups",
    "categories",
}
SPATIAL_INDEXES = {
    ("communes", "idx_communes_boundary"),
    ("commune_parts", "idx_commune_parts_geom"),
    ("reports", "idx_reports_location"),
    ("reports", "ix_reports_public_location_3812"),
}
# Columns whose default lives in the database (raw SQL inserts rely on it) while the model only
# sets a Python-side default. Harmless, but the models should say server_default too; until
# they do, these are the only differences allowed.
SERVER_DEFAULTS_MISSING_FROM_MODELS: set[tuple[str, str]] = set()


def _model_tables() -> set[str]:
    import_all()
    return set(Base.metadata.tables)


HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture(scope="module")
def engine():
    """An empty PostGIS database of this module's own: no migration applied yet."""
    url = create_throwaway_database("pave_migrations")
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


def _migrate(engine, direction: str, revision: str) -> None:
    migrate(engine, revision, direction=direction)


def _tables(engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names()) - {"spatial_ref_sys", "alembic_version"}


def _gist_indexes(engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT tablename, indexname FROM pg_indexes "
                "WHERE schemaname = 'public' AND indexdef LIKE '%USING gist%'"
            )
        )
        return set(rows.all())


def _columns(engine) -> set[tuple[str, str]]:
    """Every (table or view, column) of the schema, to see what a revision changed."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name <> 'spatial_ref_sys'"
            )
        )
        return set(rows.all())


def _views(engine) -> dict[str, str]:
    """The definition of each view, to see a revision that only redefines one."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' "
                "AND viewname NOT IN ('geography_columns', 'geometry_columns')"
            )
        )
        return dict(rows.all())


def _revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _differences(engine) -> list:
    import_all()

    def include(obj, name, type_, reflected, compare_to):
        # PostGIS owns spatial_ref_sys; it is not ours to compare.
        return not (type_ == "table" and reflected and compare_to is None)

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_object": include, "compare_type": True, "compare_server_default": True},
        )
        diffs = compare_metadata(context, Base.metadata)
    # Column changes come as a list of one tuple; flatten them for readable assertions.
    return [d for group in diffs for d in (group if isinstance(group, list) else [group])]


def test_upgrade_from_empty_builds_every_table_and_spatial_index(engine):
    assert _tables(engine) == set()
    _migrate(engine, "upgrade", "head")
    assert _revision(engine) == HEAD
    assert _tables(engine) == _model_tables()
    assert _gist_indexes(engine) >= SPATIAL_INDEXES
    with engine.connect() as conn:
        regions = conn.execute(text("SELECT code FROM regions ORDER BY code")).scalars().all()
    assert regions == ["02000", "03000", "04000"]


def test_models_match_the_migrations(engine):
    _migrate(engine, "upgrade", "head")
    unexpected = [
        d
        for d in _differences(engine)
        if not (d[0] == "modify_default" and (d[2], d[3]) in SERVER_DEFAULTS_MISSING_FROM_MODELS)
    ]
    assert unexpected == []


def test_downgrade_one_step_and_upgrade_again(engine):
    _migrate(engine, "upgrade", "head")
    at_head, views_at_head = _columns(engine), _views(engine)
    _migrate(engine, "downgrade", "-1")
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(HEAD).down_revision
    assert _revision(engine) == previous
    # 0010 also drops a column, which stepping back restores: compare what goes, not subsets.
    # A revision that only redefines a view (0015) changes its definition instead.
    assert at_head - _columns(engine) or _views(engine) != views_at_head, (
        "the last revision adds columns or redefines a view, so stepping back undoes it"
    )
    _migrate(engine, "upgrade", "head")
    assert _revision(engine) == HEAD
    assert _tables(engine) == _model_tables()
    assert _columns(engine) == at_head
    assert _views(engine) == views_at_head


def test_downgrade_to_0002_removes_reports_and_their_history(engine):
    _migrate(engine, "upgrade", "head")
    _migrate(engine, "downgrade", "0002")
    assert _tables(engine) == TABLES_AT_0002
    assert ("reports", "idx_reports_location") not in _gist_indexes(engine)
    _migrate(engine, "upgrade", "head")
    assert _tables(engine) == _model_tables()
    assert _gist_indexes(engine) >= SPATIAL_INDEXES


def test_downgrade_to_base_and_back(engine):
    _migrate(engine, "upgrade", "head")
    _migrate(engine, "downgrade", "base")
    assert _revision(engine) is None
    assert _tables(engine) == set()
    _migrate(engine, "upgrade", "head")
    assert _tables(engine) == _model_tables()
