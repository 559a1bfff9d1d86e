"""Retention: PRIVACY_RETENTION_DAYS after a ticket closed, nothing links a person to it.

`flask privacy purge` (and the worker, daily) erases the reporter's name, email and phone,
the followers' addresses, the follow links, the emails kept in the outbox and the ids the
phone gave (creation key, photo ids); the ticket stays as open data shows it. Before the
period, and for an open ticket whatever its age, nothing is erased.

The purge commits, so these tests run on a database of their own, emptied after each test.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.db import Database
from app.privacy import retention
from app.web import create_app
from tests.helpers import images
from tests.helpers.databases import migrated_database
from tests.helpers.follow import ONE_COMMUNE_SQL, follow_and_confirm, links_in

POINT = {"lon": 4.3525, "lat": 50.8467}
# Who must vanish: the reporter of the old closed ticket, and a neighbour who followed it.
REPORTER = {
    "name": "Albertine Zwanepoel",
    "email": "albertine.zwanepoel@example.org",
    "phone": "+32 470 99 88 77",
}
FOLLOWER = "voisin.kwakkelstein@example.org"
CREATION_KEY = "albertines-phone-7f3c2e91"
# Who must stay: the reporters of an open ticket as old, and of one closed last week.
OPEN_REPORTER = {"name": "Octave Openshaw", "email": "octave.openshaw@example.org"}
RECENT_REPORTER = {"name": "Rosalie Recentia", "email": "rosalie.recentia@example.org"}

TRUNCATE_SQL = text(
    "TRUNCATE reports, outbox_messages, login_throttle, audit_log, report_status_changes, "
    "report_updates, photos, resident_follow_tokens, report_followers CASCADE"
)


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_privacy", seed_sql=ONE_COMMUNE_SQL) as engine:
        yield engine


@pytest.fixture(autouse=True)
def empty(engine):
    yield
    with engine.begin() as db:
        # TRUNCATE does not fire the audit log's row trigger, which forbids DELETE.
        db.execute(TRUNCATE_SQL)


@pytest.fixture
def app(engine, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine),
            "PHOTO_DIR": str(tmp_path / "photos"),
            "SMTP_HOST": "127.0.0.1",
        }
    )


def make_report(client, reporter: dict, key: str | None = None) -> dict:
    body = {
        "category": "pothole",
        "description": "Nid-de-poule devant le numéro 12",
        "location": POINT,
        "reporter": reporter,
    }
    headers = {"Idempotency-Key": key or str(uuid.uuid4()), "Accept-Language": "fr"}
    response = client.post("/api/v1/reports", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_photo(client, created: dict) -> None:
    part = FileStorage(io.BytesIO(images.jpeg(640, 480)), "photo.jpg", content_type="image/jpeg")
    boundary, body = encode_multipart({"photo": part})
    response = client.post(
        f"/api/v1/reports/{created['id']}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={
            "Idempotency-Key": f"{CREATION_KEY}:photo:0",
            "Report-Key": created["photo_token"],
        },
    )
    assert response.status_code == 201, response.get_json()


def close(engine, report_id, days_ago: int) -> None:
    """Resolved `days_ago` days ago, its emails delivered then."""
    with engine.begin() as db:
        params = {"id": report_id, "days": days_ago}
        db.execute(text("UPDATE reports SET status = 'resolved' WHERE id = :id"), params)
        db.execute(
            text(
                "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, at) "
                "VALUES (:id, 'new', 'resolved', 'staff', now() - make_interval(days => :days))"
            ),
            params,
        )
        db.execute(
            text(
                "UPDATE outbox_messages SET sent_at = now() - make_interval(days => :days) "
                "WHERE report_id = :id"
            ),
            params,
        )


def age(engine, report_id, days: int) -> None:
    with engine.begin() as db:
        db.execute(
            text(
                "UPDATE reports SET created_at = now() - make_interval(days => :days), "
                "updated_at = now() - make_interval(days => :days) WHERE id = :id"
            ),
            {"id": report_id, "days": days},
        )


def traces(engine, needle: str) -> list[str]:
    """Every column of every table whose text holds `needle` (text, varchar, jsonb, arrays)."""
    with engine.connect() as db:
        columns = db.execute(
            text(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c "
                "JOIN information_schema.tables t USING (table_schema, table_name) "
                "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
                "AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')"
            )
        ).all()
        found = []
        for table, column in columns:
            hits = db.execute(
                text(
                    f'SELECT count(*) FROM "{table}" WHERE strpos(lower("{column}"::text), :n) > 0'
                ),
                {"n": needle.lower()},
            ).scalar()
            if hits:
                found.append(f"{table}.{column}")
        return found


def open_data(engine) -> list:
    with engine.connect() as db:
        rows = db.execute(text("SELECT * FROM open_data_reports ORDER BY id")).mappings().all()
        counts = db.execute(
            text(
                "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM photos), "
                "(SELECT count(*) FROM report_status_changes), (SELECT count(*) FROM audit_log), "
                "(SELECT count(*) FROM report_updates)"
            )
        ).one()
    return [dict(row) for row in rows] + [tuple(counts)]


def people(*reporters: dict, extra=()) -> list[str]:
    return [value for reporter in reporters for value in reporter.values()] + list(extra)


@pytest.fixture
def world(app, engine):
    """An old closed ticket with a photo and a follower; an open one as old; a recent one."""
    client = app.test_client()
    old = make_report(client, REPORTER, CREATION_KEY)
    add_photo(client, old)
    with engine.connect() as db:
        follow_and_confirm(client, db, uuid.UUID(old["id"]), FOLLOWER)
    still_open = make_report(client, OPEN_REPORTER)
    recent = make_report(client, RECENT_REPORTER)
    for created in (old, still_open, recent):
        age(engine, created["id"], 400)
    close(engine, old["id"], days_ago=181)
    close(engine, recent["id"], days_ago=7)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO login_throttle (key, failures, window_start, expires_at) "
                "VALUES ('expired-counter', 3, now() - interval '2 days', now() - interval '1 day')"
            )
        )
    return old, still_open, recent


def test_after_the_period_nothing_links_a_person_to_the_ticket(app, engine, world):
    old, _, _ = world
    with engine.connect() as db:
        (link,) = links_in(db, uuid.UUID(old["id"]), "resident_received")
    assert app.test_client().get(f"/api/v1/follow/{link}").status_code == 410
    before = open_data(engine)
    gone = people(REPORTER, extra=[FOLLOWER, CREATION_KEY, "470998877"])
    assert all(traces(engine, needle) for needle in [*gone[:4], CREATION_KEY])

    result = app.test_cli_runner().invoke(args=["privacy", "purge"])

    assert result.exit_code == 0, result.output
    assert "reports: 1" in result.output and "login counters: 1" in result.output
    for needle in gone:
        assert traces(engine, needle) == [], needle
    # The anonymised data, and the ticket's history, are as they were.
    assert open_data(engine) == before
    # The open ticket, however old, and the one closed last week keep their people.
    for needle in people(OPEN_REPORTER, RECENT_REPORTER):
        assert traces(engine, needle), needle
    # The reporter's link, expired already, now leads nowhere.
    assert app.test_client().get(f"/api/v1/follow/{link}").status_code == 404


def test_a_second_purge_erases_nothing_more(app, engine, world):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    snapshot = open_data(engine)

    again = runner.invoke(args=["privacy", "purge"])

    assert again.exit_code == 0, again.output
    assert "reports: 0" in again.output
    assert open_data(engine) == snapshot


def test_a_dry_run_counts_and_erases_nothing(app, engine, world):
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "nothing erased" in result.output
    # Three links: the email's, the phone's (from the creation answer) and the follower's.
    for line in ("reports: 1", "follow links: 3", "followers: 1", "login counters: 1"):
        assert line in result.output
    assert traces(engine, REPORTER["email"])
    assert traces(engine, FOLLOWER)


def test_before_the_period_nothing_is_erased(app, engine, world):
    app.config["PRIVACY_RETENTION_DAYS"] = 365

    result = app.test_cli_runner().invoke(args=["privacy", "purge"])

    assert result.exit_code == 0, result.output
    assert "reports: 0" in result.output
    for needle in people(REPORTER, OPEN_REPORTER, RECENT_REPORTER, extra=[FOLLOWER]):
        assert traces(engine, needle), needle


def test_the_worker_purges_once_a_day(app, engine, world, smtp):
    app.config["SMTP_PORT"] = smtp.port

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "privacy purge: 1 closed ticket(s) anonymised" in result.output
    assert traces(engine, REPORTER["email"]) == []
    assert traces(engine, OPEN_REPORTER["email"])


def test_with_nightly_jobs_left_to_the_timer_the_worker_purges_nothing(app, engine, world, smtp):
    app.config.update(SMTP_PORT=smtp.port, NIGHTLY_JOBS="timer")

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "left to the timer (NIGHTLY_JOBS=timer)" in result.output
    assert "anonymised" not in result.output
    assert traces(engine, REPORTER["email"])
    # What deploy/systemd/pave-nightly.service runs instead.
    purged = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert purged.exit_code == 0, purged.output
    assert traces(engine, REPORTER["email"]) == []


def test_a_worker_told_another_nightly_jobs_value_refuses_to_start(app, engine, world):
    app.config["NIGHTLY_JOBS"] = "cron"

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 2
    assert "NIGHTLY_JOBS is 'worker'" in result.output and "not 'cron'" in result.output
    assert traces(engine, REPORTER["email"])


def test_the_purge_goes_batch_by_batch_and_the_worker_once_a_day(app, engine, world):
    client = app.test_client()
    others = [make_report(client, {"email": f"autre-{n}@example.org"}) for n in range(3)]
    for created in others:
        age(engine, created["id"], 400)
        close(engine, created["id"], days_ago=200)

    erased = retention.purge(engine, 180, batch=1)

    assert erased.reports == 4
    for n in range(3):
        assert traces(engine, f"autre-{n}@example.org") == []
    # Once a day: the same day's second turn does nothing, the next day's looks again.
    daily = retention.DailyPurge(days=180)
    today = dt.date(2026, 12, 4)
    assert daily.run(engine, today=today).reports == 0
    assert daily.run(engine, today=today) is None
    assert daily.run(engine, today=today + dt.timedelta(days=1)) is not None


def test_an_expired_follow_request_nobody_confirmed_is_erased_whatever_the_ticket(app, engine):
    client = app.test_client()
    still_open = make_report(client, OPEN_REPORTER)
    stranger, waiting = "jamais.confirme@example.org", "confirmera.demain@example.org"
    for email in (stranger, waiting):
        asked = client.post(f"/api/v1/reports/{still_open['id']}/followers", json={"email": email})
        assert asked.status_code == 202
    with engine.connect() as db:
        follow_and_confirm(client, db, uuid.UUID(still_open["id"]), FOLLOWER)
    with engine.begin() as db:
        db.execute(
            text(
                "UPDATE report_followers SET confirm_expires_at = now() - interval '1 day' "
                "WHERE email = :email"
            ),
            {"email": stranger},
        )
    assert sorted(traces(engine, stranger)) == [
        "outbox_messages.recipient",
        "report_followers.email",
    ]

    erased = retention.purge(engine, 180)

    # The address given by someone who never confirmed is gone, with its confirmation email;
    # a request still waiting, a confirmed follower and the open ticket's reporter stay.
    assert erased.unconfirmed_followers == 1
    assert traces(engine, stranger) == []
    assert traces(engine, waiting)
    assert traces(engine, FOLLOWER)
    assert traces(engine, OPEN_REPORTER["email"])
    assert erased.reports == 0
