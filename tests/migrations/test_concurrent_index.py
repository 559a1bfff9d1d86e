"""A migration may build an index CONCURRENTLY (migrations/README.md), up and down.

Such a migration leaves Alembic's transaction for an autocommit block: it works when the
migrations run on a connection outside any transaction (`flask db upgrade`, and the tests'
`migrate` helper), and it fails inside `engine.begin()`. This builds one on top of head, in a
folder of the test's own, both ways that Pavé migrates.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from app.cli import alembic_config
from app.schema_state import script_directory
from tests.helpers.databases import create_throwaway_database, drop_database, migrate

HEAD = script_directory().get_current_head()
MIGRATION = f'''
from alembic import op

revision = "9001"
down_revision = "{HEAD}"
branch_labels = None
depends_on = None


def upgrade():
    with op.get_context().autocommit_block():
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_reports_status_created_at "
            "ON reports (status, created_at)"
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_reports_status_created_at")
'''
VALID_INDEX = text(
    "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE c.relname = 'ix_reports_status_created_at'"
)


@pytest.fixture
def versions(tmp_path):
    (tmp_path / "9001_concurrent_index.py").write_text(MIGRATION)
    return tmp_path


@pytest.fixture
def engine():
    url = create_throwaway_database("pave_concurrent")
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


def _index(engine):
    with engine.connect() as conn:
        return conn.execute(VALID_INDEX).scalar_one_or_none()


def test_the_tests_migrate_helper_builds_and_drops_it(engine, versions):
    migrate(engine, "head", versions=versions)
    assert _index(engine) is True
    migrate(engine, HEAD, direction="downgrade", versions=versions)
    assert _index(engine) is None


def test_flask_db_upgrades_way_builds_it(engine, versions):
    # `flask db upgrade` hands Alembic the URL (app/cli.py); env.py connects without a
    # transaction of its own.
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    config.set_main_option("path_separator", "newline")
    config.set_main_option("version_locations", f"{script_directory().versions}\n{versions}")
    command.upgrade(config, "head")
    assert _index(engine) is True
