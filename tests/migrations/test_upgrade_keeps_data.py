"""An upgrade from any earlier revision keeps the data, and the app serves it afterwards.

For each revision R from the first to the one before head: a throwaway database is migrated
to R, filled with the rows of tests/helpers/upgrade_data.py as far as R's schema allows,
then migrated to head. Every value of a column that existed at R is still there, unless a
migration's data step changes it: those changes, and the columns a migration drops, are
listed here and asserted as changed. Then the app, on that database, serves the report, its
Open311 request, the staff ticket list and the resident's follow link. Last, the same rows
are written again on head's schema as R's code writes them (R's columns): head accepts them
all, but for the contract steps of the history (migrations/README.md, the audit).
"""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.cli import alembic_config
from app.web import create_app, get_database
from tests.helpers.accounts import PASSWORD
from tests.helpers.databases import create_throwaway_database, drop_database, migrate
from tests.helpers.upgrade_data import (
    CREATED_B,
    FOLLOWED_AT,
    MANAGER_EMAIL,
    PHOTO_KEY,
    REPORT_A,
    REPORT_B,
    REPORT_C,
    REPORTER_TOKEN,
    REPORTS,
    RESOLVED_AT,
    ROWS,
    columns,
    insert_rows,
    seed,
    snapshot,
)

SCRIPT = ScriptDirectory.from_config(alembic_config())
HEAD = SCRIPT.get_current_head()
ORDER = [rev.revision for rev in reversed(list(SCRIPT.walk_revisions()))]
EARLIER = ORDER[:-1]


def since(revision: str, first: str) -> bool:
    """The database at `revision` already has what `first` made."""
    return ORDER.index(revision) >= ORDER.index(first)


def dropped_on_the_way(revision: str) -> set[tuple[str, str]]:
    """The columns that exist at `revision` and that a later migration drops (with its data)."""
    dropped = set()
    if since(revision, "0005") and not since(revision, "0010"):
        dropped.add(("users", "session_version"))  # 0010: server-side sessions replace it
    if since(revision, "0007") and not since(revision, "0012"):
        dropped.add(("resident_follow_tokens", "link_base"))  # 0012: links use PUBLIC_BASE_URL
    if since(revision, "0008") and not since(revision, "0012"):
        dropped.add(("report_followers", "link_base"))
    return dropped


def transformed_on_the_way(revision: str) -> set[tuple[str, str, object]]:
    """(table, column, row id) whose value a later migration's data step changes."""
    changed: set[tuple[str, str, object]] = set()
    if since(revision, "0009") and not since(revision, "0018"):
        # 0018: a duplicate of a sensitive report is placed on the grid, like its original.
        changed.add(("reports", "public_location", REPORT_C))
    if since(revision, "0016") and not since(revision, "0018"):
        # ...and its published creation time is rounded down to the hour.
        changed.add(("reports", "public_created_at", REPORT_C))
    return changed


def writes_refused_on_the_way(revision: str) -> set[str]:
    """Tables whose rows, written as the release at `revision` writes them, head refuses."""
    refused = set()
    if since(revision, "0007") and not since(revision, "0017"):
        # 0017 drops the default of the new resident_follow_tokens.role: a link made without
        # a role is refused (migrations/README.md, the audit).
        refused.add("resident_follow_tokens")
    return refused


@pytest.fixture(scope="module")
def postgis_template():
    """An empty database with PostGIS, copied for each revision (faster than the extension)."""
    url = create_throwaway_database("pave_upgrade_template")
    yield url
    drop_database(url)


@pytest.fixture
def database(postgis_template):
    url = create_throwaway_database("pave_upgrade", template=postgis_template)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


def _unchanged(before: dict, after: dict, revision: str) -> list:
    """Every value of `before` that is not the same in `after`, but for the known changes."""
    exempt = transformed_on_the_way(revision)
    lost = []
    for table, rows in before.items():
        assert len(after[table]) == len(rows), (
            f"{table}: {len(rows)} rows became {len(after[table])}"
        )
        for old, new in zip(rows, after[table], strict=True):
            for column, value in old.items():
                if column not in new or (table, column, old.get("id")) in exempt:
                    continue
                if new[column] != value:
                    lost.append((table, old.get("id"), column, value, new[column]))
    return lost


@pytest.mark.parametrize("revision", EARLIER)
def test_upgrade_from_an_earlier_revision_keeps_the_data_and_serves_it(database, revision):
    migrate(database, revision)
    with database.begin() as conn:
        written = seed(conn)
        schema_before = columns(conn)
        before = snapshot(conn, ["regions", *written])
    migrate(database, "head")
    with database.connect() as conn:
        schema_after = columns(conn)
        after = snapshot(conn, before)
        dropped = {
            (table, column)
            for table, names in schema_before.items()
            for column in names
            if column not in schema_after.get(table, ())
        }
        assert dropped == dropped_on_the_way(revision)
        assert _unchanged(before, after, revision) == []
        if since(revision, "0003"):
            _assert_published_values(conn, revision)
            _assert_defaults_and_backfills(conn, revision)
    _assert_served(database, revision)
    kept = {t: names - {c for d, c in dropped if d == t} for t, names in schema_before.items()}
    assert _writes_of_the_release(database, kept) == writes_refused_on_the_way(revision)


def _writes_of_the_release(engine, schema: dict[str, set[str]]) -> set[str]:
    """The tables whose rows head refuses when they are written in the shape of `schema` (an
    earlier revision's columns, less those dropped since): what the release that ran on that
    revision would write during the upgrade. Into emptied tables, all rolled back."""
    tables = [table for table in ROWS if table in schema]
    refused = set()
    with engine.connect() as conn, conn.begin() as transaction:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        for table in tables:
            try:
                with conn.begin_nested():
                    insert_rows(conn, table, schema[table])
            except DBAPIError:
                refused.add(table)
        transaction.rollback()
    return refused


def _assert_published_values(conn, revision: str) -> None:
    """What the triggers and backfills of 0009-0021 made of the reports written at R."""
    rows = conn.execute(
        text(
            "SELECT id, resolved_at, public_generalised, public_created_at, public_photo_key, "
            "ST_Equals(public_location, location) AS exact, "
            "ST_Equals(public_location, pave_grid_location(location, commune_id)) AS grid, "
            "public_lon = round(ST_X(public_location)::numeric, 6) AS lon_kept "
            "FROM reports ORDER BY id"
        )
    ).all()
    found = {row.id: row for row in rows}
    assert set(found) == set(REPORTS)
    a, b, c = found[REPORT_A], found[REPORT_B], found[REPORT_C]
    # 0009 takes resolved_at from the history when the report predates the column.
    assert a.resolved_at == RESOLVED_AT
    assert (a.exact, a.public_generalised) == (True, False)
    assert a.public_photo_key == (PHOTO_KEY if since(revision, "0004") else None)
    # Before 0009 no category is sensitive: nothing is generalised, then or now.
    sensitive = since(revision, "0009")
    hour = CREATED_B.replace(minute=0, second=0)
    assert (b.public_generalised, b.grid, b.exact) == (sensitive, sensitive, not sensitive)
    assert b.public_created_at == (hour if sensitive else CREATED_B)
    # The duplicate of a sensitive report is generalised like it (0018's backfill).
    assert (c.public_generalised, c.grid, c.exact) == (sensitive, sensitive, not sensitive)
    assert c.public_created_at.minute == (0 if sensitive else 20)
    assert all(row.lon_kept for row in rows)
    # 0019 counted every report into the dashboard's summaries.
    counted = conn.execute(
        text("SELECT sum(n) FROM dashboard_communes WHERE nis_code = '21004'")
    ).scalar_one()
    assert counted == len(REPORTS)
    published = conn.execute(
        text("SELECT id, photo_key, generalised FROM open_data_reports ORDER BY id")
    ).all()
    photo = PHOTO_KEY if since(revision, "0004") else None
    assert sorted(tuple(row) for row in published) == sorted(
        [(REPORT_A, photo, False), (REPORT_B, None, sensitive), (REPORT_C, None, sensitive)]
    )


def _assert_defaults_and_backfills(conn, revision: str) -> None:
    """Columns added after R: their migration's default, or the value its backfill derived."""
    a = conn.execute(
        text(
            "SELECT reporter_language, priority, version, description_public FROM reports "
            "WHERE id = :id"
        ),
        {"id": REPORT_A},
    ).one()
    expected = ("nl", "high", 3) if since(revision, "0006") else ("fr", "normal", 1)
    assert (a.reporter_language, a.priority, a.version) == expected
    assert a.description_public is since(revision, "0009")
    notify = conn.execute(text("SELECT notify_mode FROM bodies WHERE id = 1")).scalar_one()
    assert notify == ("daily" if since(revision, "0006") else "immediate")
    if since(revision, "0007"):
        # 0017 tells the reporter's link from a follower's by the address.
        roles = conn.execute(text("SELECT id, role FROM resident_follow_tokens ORDER BY id")).all()
        assert [tuple(r) for r in roles] == [(1, "reporter"), (2, "follower")]
    if since(revision, "0008"):
        # 0017: followers of before had their link already, so they count as confirmed.
        confirmed = conn.execute(text("SELECT confirmed_at FROM report_followers")).scalar_one()
        own = FOLLOWED_AT + dt.timedelta(minutes=5)
        assert confirmed == (own if since(revision, "0017") else FOLLOWED_AT)


def _assert_served(engine, revision: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "PUBLIC_BASE_URL": "http://localhost",
            "PUBLIC_CACHE_SECONDS": 0,
            "SNAPSHOT_DIR": "/nonexistent/pave-upgrade-test/snapshots",
        }
    )
    try:
        _assert_answers(app.test_client(), revision)
    finally:
        get_database(app).engine.dispose()


def _assert_answers(client, revision: str) -> None:
    listed = client.get("/api/v1/reports?limit=100")
    assert listed.status_code == 200, listed.get_json()
    if not since(revision, "0003"):
        assert listed.get_json()["features"] == []
        return
    assert {f["id"] for f in listed.get_json()["features"]} == {str(r) for r in REPORTS}
    report = client.get(f"/api/v1/reports/{REPORT_A}")
    assert report.status_code == 200, report.get_json()
    public = report.get_json()
    assert public["status"] == "resolved"
    # Before 0009 nothing said the text was publishable: it stays private.
    assert public["description"] == ("Deep pothole" if since(revision, "0009") else None)
    assert len(public["photos"]) == (1 if since(revision, "0004") else 0)
    open311 = client.get(f"/open311/v2/requests/{REPORT_A}.json")
    assert open311.status_code == 200
    assert open311.get_json()[0]["status"] == "closed"
    if since(revision, "0005"):
        login = client.post(
            "/api/v1/auth/login", json={"email": MANAGER_EMAIL, "password": PASSWORD}
        )
        assert login.status_code == 200, login.get_json()
        tickets = client.get("/api/v1/staff/tickets")
        assert tickets.status_code == 200, tickets.get_json()
        assert {t["id"] for t in tickets.get_json()["items"]} == {str(r) for r in REPORTS}
    if since(revision, "0007"):
        followed = client.get(f"/api/v1/follow/{REPORTER_TOKEN}")
        assert followed.status_code == 200, followed.get_json()
