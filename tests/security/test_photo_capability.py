"""Who may add a photo to an existing report: its author (the app's photo token, or their
follow link) or staff, and nobody else; never to a closed report.

Attacks defended:

- Guessing the credential: it was the creation's Idempotency-Key, chosen by the client (maybe
  weak, maybe a counter) and kept in clear in the database. It is now `photo_token`, an HMAC
  of the report id under a key derived from SECRET_KEY, given only in the creation's answer;
  the old key no longer opens anything.
- A follower's link posing as the reporter's: anyone may follow a report with their own
  address, and get a link; that link reads the report, but adds no photo.
- Adding pictures to a closed report, which nobody looks at any more but the public does.
"""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import images
from tests.helpers.api import assert_problem
from tests.helpers.follow import follow_and_confirm, links_in, report_body
from tests.helpers.media import photo_app, photo_client, photo_dir, photo_rows, stored_files

__all__ = ["photo_app", "photo_client", "photo_dir"]

pytestmark = pytest.mark.usefixtures("photo_app")


def form(data: bytes):
    part = FileStorage(io.BytesIO(data), "photo.jpg", content_type="image/jpeg")
    boundary, body = encode_multipart({"photo": part})
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client, report_id, *, report_key=None, seed=1):
    body, content_type = form(images.encoded(images.scene(400, 300, seed=seed), "JPEG"))
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    if report_key is not None:
        headers["Report-Key"] = report_key
    path = f"/api/v1/reports/{report_id}/photos"
    return client.post(path, data=body, content_type=content_type, headers=headers)


def upload_by_link(client, token, *, seed=1):
    body, content_type = form(images.encoded(images.scene(400, 300, seed=seed), "JPEG"))
    path = f"/api/v1/follow/{token}/photos"
    return client.post(path, data=body, content_type=content_type)


def create(client, key=None):
    headers = {"Idempotency-Key": key or str(uuid.uuid4()), "Accept-Language": "fr"}
    return client.post("/api/v1/reports", json=report_body(), headers=headers)


def public_photos(client, report_id) -> list:
    return client.get(f"/api/v1/reports/{report_id}").get_json()["photos"]


def close(session, report_id, status="resolved"):
    session.execute(
        text("UPDATE reports SET status = :s WHERE id = :id"), {"s": status, "id": report_id}
    )
    session.commit()


def test_the_creation_answers_a_photo_token_and_its_replay_the_same_one(photo_client):
    key = str(uuid.uuid4())
    first = create(photo_client, key)
    again = create(photo_client, key)

    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    token = first.get_json()["photo_token"]
    assert len(token) >= 43 and again.get_json()["photo_token"] == token
    # Nobody else ever sees it: not the public view, not the list.
    report_id = first.get_json()["id"]
    assert "photo_token" not in photo_client.get(f"/api/v1/reports/{report_id}").get_json()
    assert token not in photo_client.get("/api/v1/reports").get_data(as_text=True)


def test_the_token_is_stored_nowhere(photo_client, connection):
    token = create(photo_client).get_json()["photo_token"]

    tables = connection.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')"
        )
    ).all()
    for table, column in tables:
        found = connection.execute(
            text(f'SELECT count(*) FROM "{table}" WHERE "{column}" = :t'), {"t": token}
        ).scalar()
        assert found == 0, f"{table}.{column}"


def test_the_old_creation_key_no_longer_opens_the_report(photo_client, session, photo_dir):
    key = str(uuid.uuid4())
    report_id = create(photo_client, key).get_json()["id"]

    problem = assert_problem(upload(photo_client, report_id, report_key=key), 403)

    assert problem["type"].endswith("/photo-upload-forbidden")
    assert photo_rows(session, uuid.UUID(report_id)) == 0
    assert stored_files(photo_dir) == []


@pytest.mark.parametrize("forged", [None, "A" * 43, "photo-token", "é" * 43])
def test_a_stranger_without_the_token_is_refused(photo_client, session, photo_dir, forged):
    report_id = create(photo_client).get_json()["id"]

    problem = assert_problem(upload(photo_client, report_id, report_key=forged), 403)

    assert "author" in problem["detail"]
    assert public_photos(photo_client, report_id) == []
    assert stored_files(photo_dir) == []


def test_the_token_of_another_report_is_refused(photo_client, photo_dir):
    victim = create(photo_client).get_json()["id"]
    own_token = create(photo_client).get_json()["photo_token"]

    assert_problem(upload(photo_client, victim, report_key=own_token), 403)
    assert stored_files(photo_dir) == []


def test_the_author_adds_a_photo_with_the_token(photo_client):
    created = create(photo_client).get_json()

    response = upload(photo_client, created["id"], report_key=created["photo_token"])

    assert response.status_code == 201, response.get_json()
    assert [p["url"] for p in public_photos(photo_client, created["id"])] == [
        response.get_json()["url"]
    ]


@pytest.mark.parametrize("status", ["resolved", "rejected", "duplicate"])
def test_the_author_cannot_add_a_photo_to_a_closed_report(photo_client, session, photo_dir, status):
    created = create(photo_client).get_json()
    close(session, created["id"], status)

    problem = assert_problem(
        upload(photo_client, created["id"], report_key=created["photo_token"]), 409
    )

    assert "closed" in problem["detail"]
    assert stored_files(photo_dir) == []
    assert public_photos(photo_client, created["id"]) == []


def test_the_reporters_follow_link_adds_a_photo(photo_client, session):
    report_id = uuid.UUID(create(photo_client).get_json()["id"])
    (token,) = links_in(session, report_id, "resident_received")

    response = upload_by_link(photo_client, token)

    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert [p["url"] for p in public_photos(photo_client, report_id)] == [
        response.get_json()["url"]
    ]


def test_a_followers_link_adds_no_photo(photo_client, session, photo_dir):
    report_id = uuid.UUID(create(photo_client).get_json()["id"])
    token = follow_and_confirm(photo_client, session, report_id, "voisin@example.org")
    # The follower's link does work for reading.
    assert photo_client.get(f"/api/v1/follow/{token}").status_code == 200

    problem = assert_problem(upload_by_link(photo_client, token), 403)

    assert "follower" in problem["detail"]
    assert public_photos(photo_client, report_id) == []
    assert stored_files(photo_dir) == []


def test_the_follow_link_adds_no_photo_to_a_closed_report(photo_client, session, photo_dir):
    report_id = uuid.UUID(create(photo_client).get_json()["id"])
    (token,) = links_in(session, report_id, "resident_received")
    close(session, report_id)

    assert "closed" in assert_problem(upload_by_link(photo_client, token), 409)["detail"]
    assert stored_files(photo_dir) == []


def test_a_forged_follow_link_adds_no_photo(photo_client, photo_dir):
    create(photo_client)

    assert_problem(upload_by_link(photo_client, "x" * 43), 404)
    assert stored_files(photo_dir) == []
