"""Idempotency-Key: a retry creates nothing, a reused key is refused, a concurrent one waits."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.reports.services import PUBLIC_API, NewReport, ReportKey, create_report
from tests.helpers.api import assert_problem, report_body, row_counts


def post(client, body, key):
    return client.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key})


def test_a_retry_returns_the_same_report_and_creates_nothing(client, connection):
    key = str(uuid.uuid4())
    first = post(client, report_body(), key)
    after_first = row_counts(connection)

    retry = post(client, report_body(), key)

    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert row_counts(connection) == after_first


def test_a_retry_with_the_same_content_formatted_differently_is_the_same_request(
    client, connection
):
    key = str(uuid.uuid4())
    first = post(client, report_body(), key)
    after_first = row_counts(connection)
    # Same fields in another order, with other whitespace: the same report for the client.
    raw = (
        '{ "location": {"accuracy_m": 8, "lon": 4.3525, "lat": 50.8467},\n'
        '  "description": "Deep hole in front of the town hall", "category": "pothole" }'
    )

    retry = client.post(
        "/api/v1/reports",
        data=raw,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )

    assert retry.status_code == 201
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert row_counts(connection) == after_first


def test_the_same_key_with_another_body_is_a_422_problem(client, connection):
    key = str(uuid.uuid4())
    first = post(client, report_body(), key)
    after_first = row_counts(connection)

    reused = post(client, report_body(description="Another problem entirely"), key)

    body = assert_problem(reused, 422)
    assert body["type"].endswith("/idempotency-key-reuse")
    assert row_counts(connection) == after_first
    # The first report is untouched.
    stored = connection.execute(
        text("SELECT description FROM reports WHERE id = :id"), {"id": first.get_json()["id"]}
    ).scalar_one()
    assert stored == "Deep hole in front of the town hall"


def test_different_keys_make_different_reports(client, connection):
    before = row_counts(connection)

    first = post(client, report_body(), str(uuid.uuid4()))
    second = post(client, report_body(), str(uuid.uuid4()))

    assert first.get_json()["id"] != second.get_json()["id"]
    assert row_counts(connection) == (before[0] + 2, before[1] + 2)


def test_without_a_key_every_post_makes_a_report(client, connection):
    before = row_counts(connection)

    client.post("/api/v1/reports", json=report_body())
    client.post("/api/v1/reports", json=report_body())

    assert row_counts(connection) == (before[0] + 2, before[1] + 2)


@pytest.fixture
def in_flight(engine):
    """Another transaction, on its own connection, busy creating a report under a key.

    It holds the key's advisory lock and an uncommitted row until the test ends, exactly as
    a first request that has not finished yet; it is rolled back afterwards.
    """
    key = str(uuid.uuid4())
    with engine.connect() as other, Session(bind=other) as session:
        new = NewReport(
            category="pothole",
            lon=4.3525,
            lat=50.8467,
            accuracy_m=8.0,
            description="Deep hole in front of the town hall",
        )
        create_report(session, new, ReportKey.client(PUBLIC_API, key))
        try:
            yield key
        finally:
            session.rollback()


def test_a_retry_while_the_first_is_in_flight_is_a_409_problem(client, connection, in_flight):
    before = row_counts(connection)

    response = post(client, report_body(), in_flight)

    body = assert_problem(response, 409)
    assert body["type"].endswith("/request-in-flight")
    assert row_counts(connection) == before


def test_a_key_held_only_by_its_advisory_lock_is_a_409_problem(client, engine, connection):
    key = str(uuid.uuid4())
    before = row_counts(connection)
    with engine.connect() as other:
        with other.begin():
            other.execute(
                # The lock of the key as the native API keeps it.
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": ReportKey.client(PUBLIC_API, key).stored},
            )
            response = post(client, report_body(), key)
        # Once the other transaction ends, the same request goes through.
        retried = post(client, report_body(), key)

    assert_problem(response, 409)
    assert retried.status_code == 201
    assert row_counts(connection) == (before[0] + 1, before[1] + 1)


def test_the_database_refuses_two_reports_with_one_key(client, connection):
    key = str(uuid.uuid4())
    report_id = post(client, report_body(), key).get_json()["id"]
    copy = text(
        "INSERT INTO reports (id, category_id, location, commune_id, body_id, status, "
        "idempotency_key) SELECT :new_id, category_id, location, commune_id, body_id, status, "
        "idempotency_key FROM reports WHERE id = :id"
    )

    with pytest.raises(IntegrityError, match="idempotency_key"), connection.begin_nested():
        connection.execute(copy, {"new_id": uuid.uuid4(), "id": report_id})
