"""`flask db check` says where the database stands against this code, with one exit code each."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from app.cli import CHECK_AHEAD, CHECK_BEHIND, CHECK_UNREACHABLE, CHECK_UNVERSIONED
from app.config import ROOT
from app.schema_state import script_directory
from app.web import create_app, get_database
from tests.helpers.databases import create_throwaway_database, drop_database, migrate

HEAD = script_directory().get_current_head()
PREVIOUS = script_directory().get_revision(HEAD).down_revision


@contextmanager
def database_at(revision: str | None):
    """A throwaway database migrated to `revision` (None: nothing applied); its URL string."""
    url = create_throwaway_database("pave_db_check")
    engine = create_engine(url)
    try:
        if revision is not None:
            migrate(engine, revision)
        yield url.render_as_string(hide_password=False)
    finally:
        engine.dispose()
        drop_database(url)


def check(url: str):
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    try:
        return app.test_cli_runner().invoke(args=["db", "check"])
    finally:
        if "pave_db" in app.extensions:
            get_database(app).engine.dispose()


def test_at_head_prints_both_revisions_and_exits_0(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"database revision: {HEAD}",
        f"code head: {HEAD}",
        "The database is at head.",
    ]


def test_behind_says_to_run_db_upgrade_and_exits_3():
    with database_at(PREVIOUS) as url:
        result = check(url)
    assert result.exit_code == CHECK_BEHIND == 3
    assert f"database revision: {PREVIOUS}" in result.output
    assert f"code head: {HEAD}" in result.output
    assert "behind this code: run flask --app app db upgrade" in result.output


def test_ahead_says_this_code_is_older_and_exits_4():
    with database_at("head") as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            # What a newer release's migration leaves behind: a revision this code never saw.
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        result = check(url)
    assert result.exit_code == CHECK_AHEAD == 4
    assert "database revision: 9999" in result.output
    assert "this code is older than the database" in result.output


def test_a_database_never_migrated_has_no_alembic_version_and_exits_5():
    with database_at(None) as url:
        result = check(url)
    assert result.exit_code == CHECK_UNVERSIONED == 5
    assert "database revision: none" in result.output
    assert "no alembic_version" in result.output


def test_an_unreachable_database_exits_1_without_its_password():
    url = "postgresql+psycopg://pave:s3cret-password@/pave?host=/nonexistent/pave-socket"
    result = check(url)
    assert result.exit_code == CHECK_UNREACHABLE == 1
    assert "Cannot reach the database:" in result.output
    assert "s3cret-password" not in result.output


def test_the_command_line_exit_code_is_the_one_scripts_see():
    """What an upgrade script runs: the process itself exits 3 when the database is behind."""
    with database_at(PREVIOUS) as url:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "check"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == CHECK_BEHIND, done.stderr
    assert f"code head: {HEAD}" in done.stdout
    assert "run flask --app app db upgrade" in done.stderr
