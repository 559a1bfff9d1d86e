"""Data for the upgrade test: one set of rows, written as far as an earlier schema allows.

`ROWS` names every row in the vocabulary of head. `seed(connection)` inspects the schema the
database has (whatever revision it is at) and inserts, table by table in foreign-key order,
each row restricted to the columns that exist: a table that does not exist yet is skipped, a
column that does not exist yet is left out (its migration's default or backfill fills it on
the way up). So the same rows describe the data of every era, from 0001 to head.

Values that are SQL, not data (geometries), are `Sql("...")` and written into the statement.
Columns that triggers compute (reports.public_*, resolved_at after 0009) are not in ROWS:
the test compares what the triggers made at the earlier revision with what is there after.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from app.accounts.passwords import hash_password
from app.notify.notifications import token_hash
from tests.helpers.accounts import PASSWORD


@dataclass(frozen=True)
class Sql:
    """A value written as SQL into the INSERT (a geometry constructor)."""

    expression: str


UTC = dt.UTC
MANAGER_EMAIL = "manager@bruxelles.example"
REPORTER_EMAIL = "Reporter@Example.org"
FOLLOWER_EMAIL = "neighbour@example.org"
REPORTER_TOKEN = "reporter-link-token-of-the-upgrade-test"
FOLLOWER_TOKEN = "follower-link-token-of-the-upgrade-test"
# A: a resolved pothole with photos, history, an update and mail; B: an open report of a
# sensitive category (sensitive from 0009 on), with follow links; C: a duplicate of B.
REPORT_A = uuid.UUID("0a0a0a0a-0000-4000-8000-00000000000a")
REPORT_B = uuid.UUID("0b0b0b0b-0000-4000-8000-00000000000b")
REPORT_C = uuid.UUID("0c0c0c0c-0000-4000-8000-00000000000c")
REPORTS = (REPORT_A, REPORT_B, REPORT_C)
RESOLVED_AT = dt.datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
# Not on the hour: a generalised report's published creation time is rounded down.
CREATED_B = dt.datetime(2026, 1, 11, 10, 15, 30, tzinfo=UTC)
CREATED_C = dt.datetime(2026, 1, 11, 11, 20, 45, tzinfo=UTC)
FOLLOWED_AT = dt.datetime(2026, 1, 11, 12, 0, tzinfo=UTC)
DISPLAY_SHA = "d" * 64
PHOTO_KEY = f"{DISPLAY_SHA}.jpg"


def _point(lon: float, lat: float) -> Sql:
    return Sql(f"ST_GeomFromEWKT('SRID=4326;POINT({lon} {lat})')")


def _report(report_id: uuid.UUID, category: int, created: dt.datetime, **values) -> dict:
    return {
        "id": report_id,
        "category_id": category,
        "commune_id": 1,
        "body_id": 1,
        "created_at": created,
        "updated_at": created,
        **values,
    }


def _photo(position: int, sha: str, hidden: bool) -> dict:
    return {
        "report_id": REPORT_A,
        "client_photo_id": f"p{position}",
        "upload_sha256": "a" * 64,
        "position": position,
        "content_type": "image/jpeg",
        "display_sha256": sha,
        "display_width": 1600,
        "display_height": 1200,
        "display_bytes": 250_000,
        "thumbnail_sha256": sha[:-1] + "1",
        "thumbnail_width": 320,
        "thumbnail_height": 240,
        "thumbnail_bytes": 12_000,
        "hidden": hidden,
        "created_at": dt.datetime(2026, 1, 10, 10, 16, tzinfo=UTC),
    }


def _places() -> dict[str, list[dict]]:
    envelope = "ST_Multi(ST_MakeEnvelope(4.3, 50.8, 4.4, 50.9, 4326))"
    names = {"name_fr": "Routes", "name_nl": "Wegen", "name_de": "Straßen", "name_en": "Roads"}
    return {
        "boundary_sets": [
            {"id": 1, "sha256": "b" * 64, "source": "upgrade test", "valid_from": dt.date(2025, 1, 1),
             "commune_count": 1}
        ],
        "communes": [
            {"id": 1, "nis_code": "21004", "name_fr": "Bruxelles", "name_nl": "Brussel",
             "region_code": "04000", "boundary_set_id": 1, "valid_from": dt.date(2025, 1, 1),
             "boundary": Sql(envelope)}
        ],
        "commune_parts": [{"id": 1, "commune_id": 1, "geom": Sql(f"ST_GeometryN({envelope}, 1)")}],
        "bodies": [
            {"id": 1, "code": "commune-21004", "kind": "commune", "name_fr": "Ville de Bruxelles",
             "nis_code": "21004", "region_code": "04000",
             "contact_email": "travaux@bruxelles.example", "notify_mode": "daily"},
            {"id": 2, "code": "region-brussels", "kind": "region", "region_code": "04000"},
        ],
        "category_groups": [{"code": "roads", **names, "position": 1}],
        "categories": [
            {"id": 1, "code": "pothole", "group_code": "roads", **names, "handler": "commune"},
            {"id": 2, "code": "harassment", "group_code": "roads", **names, "handler": "commune",
             "sensitive": True},
        ],
    }  # fmt: skip


def _reports() -> dict[str, list[dict]]:
    created_a = dt.datetime(2026, 1, 10, 10, 15, 30, tzinfo=UTC)
    return {
        "reports": [
            _report(
                REPORT_A, 1, created_a, location=_point(4.3525, 50.8467), accuracy_m=8.0,
                description="Deep pothole", description_public=True, status="resolved",
                updated_at=RESOLVED_AT, resolved_at=RESOLVED_AT, idempotency_key="creation-a",
                request_fingerprint="f" * 64, reporter_name="Ann Reporter",
                reporter_email=REPORTER_EMAIL, reporter_phone="+32 2 000 00 00",
                reporter_language="nl", priority="high", assignee_user_id=1,
                planned_for=dt.date(2026, 1, 11), version=3,
                media_url="https://media.example/a.jpg",
            ),
            _report(REPORT_B, 2, CREATED_B, location=_point(4.3601, 50.8399),
                    description="Private matter", reporter_email=REPORTER_EMAIL),
            _report(REPORT_C, 1, CREATED_C, location=_point(4.3603, 50.8401), status="duplicate",
                    duplicate_of=REPORT_B, reporter_email="c@example.org"),
        ],
        "report_status_changes": [
            {"id": 1, "report_id": REPORT_A, "from_status": "new", "to_status": "resolved",
             "at": RESOLVED_AT, "actor": "Crew of Bruxelles", "note": "Filled",
             "reason_public": True},
            {"id": 2, "report_id": REPORT_C, "from_status": "new", "to_status": "duplicate",
             "at": FOLLOWED_AT, "actor": "Crew of Bruxelles"},
        ],
        "photos": [
            {"id": 1, **_photo(0, DISPLAY_SHA, hidden=False)},
            {"id": 2, **_photo(1, "e" * 64, hidden=True)},
        ],
    }  # fmt: skip


def _staff() -> dict[str, list[dict]]:
    return {
        "users": [
            {"id": 1, "email": MANAGER_EMAIL, "name": "Manager", "active": True,
             "password_hash": hash_password(PASSWORD), "session_version": 4}
        ],
        "role_grants": [{"id": 1, "user_id": 1, "role": "commune_manager", "body_id": 1}],
        "api_tokens": [
            {"id": 1, "user_id": 1, "name": "GIS", "prefix": "pave_upgrade", "token_hash": "c" * 64}
        ],
        "report_updates": [
            {"id": 1, "report_id": REPORT_A, "author": "Crew of Bruxelles", "author_user_id": 1,
             "body": "Filled with asphalt", "public": True}
        ],
        "audit_log": [
            {"id": 1, "actor": "Manager", "actor_user_id": 1, "report_id": REPORT_A,
             "action": "transition", "before": '{"status": "new"}',
             "after": '{"status": "resolved"}'}
        ],
        "outbox_messages": [
            {"id": 1, "kind": "report_created", "report_id": REPORT_A,
             "recipient": "travaux@bruxelles.example", "language": "fr", "subject": "Nouveau",
             "body": "Un nid-de-poule", "sent_at": RESOLVED_AT, "attempts": 1},
            {"id": 2, "kind": "status_changed", "report_id": REPORT_A, "recipient": REPORTER_EMAIL,
             "language": "nl", "subject": "Opgelost", "body": "Opgelost", "attempts": 2,
             "last_error": "451 try later", "redactions": ["https://pave.example/f/x"]},
        ],
    }  # fmt: skip


def _follow() -> dict[str, list[dict]]:
    return {
        "resident_follow_tokens": [
            # On B (open: a closed report's links expire). The reporter's link (same address,
            # another case) and a follower's: 0017's backfill tells them apart by the address.
            {"id": 1, "report_id": REPORT_B, "email": REPORTER_EMAIL.lower(),
             "token_hash": token_hash(REPORTER_TOKEN), "role": "reporter",
             "link_base": "https://old.example"},
            {"id": 2, "report_id": REPORT_B, "email": FOLLOWER_EMAIL,
             "token_hash": token_hash(FOLLOWER_TOKEN), "role": "follower",
             "link_base": "https://old.example"},
        ],
        "body_digests": [
            {"body_id": 1, "last_sent_at": RESOLVED_AT, "last_digest_day": dt.date(2026, 1, 12)}
        ],
        "report_followers": [
            {"id": 1, "report_id": REPORT_B, "email": FOLLOWER_EMAIL, "language": "en",
             "merged_from": REPORT_C, "created_at": FOLLOWED_AT, "link_base": "https://old.example",
             "confirmed_at": FOLLOWED_AT + dt.timedelta(minutes=5)}
        ],
        "staff_request_keys": [
            {"user_id": 1, "key": "offline-item-1", "fingerprint": "9" * 64,
             "response_status": 200, "report_id": REPORT_A}
        ],
        "staff_sessions": [{"token_hash": "5" * 64, "user_id": 1}],
        "login_throttle": [
            {"key": "k" * 64, "failures": 2, "window_start": RESOLVED_AT,
             "expires_at": RESOLVED_AT + dt.timedelta(hours=1)}
        ],
        "password_resets": [
            {"id": 1, "user_id": 1, "token_hash": "7" * 64,
             "expires_at": RESOLVED_AT + dt.timedelta(days=1), "created_by_id": 1}
        ],
        "commune_populations": [
            {"nis_code": "21004", "population": 196_828, "reference_date": dt.date(2020, 1, 1),
             "source": "Statbel"}
        ],
    }  # fmt: skip


# In foreign-key order: a table's rows come after those they refer to.
ROWS: dict[str, list[dict]] = {**_places(), **_reports(), **_staff(), **_follow()}
# The serial ids set by hand: their sequences move past them, as the app's inserts would.
SERIAL_TABLES = tuple(t for t, rows in ROWS.items() if isinstance(rows[0].get("id"), int))


def columns(connection: Connection) -> dict[str, set[str]]:
    """The columns of each table of the public schema, as the database has them now."""
    rows = connection.execute(
        text(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "AND c.table_name NOT IN ('spatial_ref_sys', 'alembic_version')"
        )
    )
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def insert_rows(connection: Connection, table: str, present_columns: set[str]) -> None:
    """INSERT the rows of `table` in ROWS, with only the columns in `present_columns`."""
    for row in ROWS[table]:
        present = {k: v for k, v in row.items() if k in present_columns}
        names = ", ".join(f'"{k}"' for k in present)
        values = ", ".join(
            v.expression if isinstance(v, Sql) else f":{k}" for k, v in present.items()
        )
        params = {k: v for k, v in present.items() if not isinstance(v, Sql)}
        connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({values})"), params)


def seed(connection: Connection) -> dict[str, int]:
    """Insert ROWS as far as the current schema allows; the number of rows per table."""
    schema = columns(connection)
    written: dict[str, int] = {}
    for table, rows in ROWS.items():
        if table not in schema:
            continue
        insert_rows(connection, table, schema[table])
        written[table] = len(rows)
        if table in SERIAL_TABLES:
            connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1000)")
            )
    return written


def snapshot(connection: Connection, tables) -> dict[str, list[dict]]:
    """Every row of `tables` (all their columns), in primary-key order."""
    found = {}
    for table in tables:
        key = inspect(connection).get_pk_constraint(table)["constrained_columns"]
        order = ", ".join(f'"{c}"' for c in key)
        result = connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
        found[table] = [dict(row._mapping) for row in result]
    return found
