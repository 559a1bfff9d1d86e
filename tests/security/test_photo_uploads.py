"""Photos of a report: only its creator adds them, and a picture staff hid stays hidden.

Attacks defended:

- A stranger attaching a photo to anyone's report (report ids are public: list, OGC,
  Open311), published at once, or filling its 5 slots so that the reporter's own photos,
  queued offline on their phone, are refused. POST /reports/{id}/photos now needs the
  `Report-Key` header: the photo token the report's creation answered with, which only the
  creator's app holds, within PHOTO_UPLOAD_WINDOW_DAYS of the creation. A refusal is a 403
  problem and stores nothing, neither row nor file (more in test_photo_capability.py).
- Bringing back a photo staff hid by sending the same bytes to another report: files are
  content-addressed, so the copy had the same URL and was served again. A file is now served
  only while no photo row naming it is hidden, and every public projection (report view,
  Open311 media_url, open data view) leaves out a photo whose files a hidden photo shares.
"""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import images
from tests.helpers.api import assert_problem, report_body
from tests.helpers.media import (
    photo_app,
    photo_client,
    photo_dir,
    photo_rows,
    stored_files,
    token_for,
)
from tests.helpers.staff import TICKETS, crew, make_staff, places, staff_as

__all__ = ["crew", "make_staff", "photo_app", "photo_client", "photo_dir", "places", "staff_as"]

pytestmark = pytest.mark.usefixtures("photo_app")


def new_report(client, key: str | None = None) -> tuple[str, str]:
    """A report created as the PWA creates it; returns its id and its photo token."""
    key = key or str(uuid.uuid4())
    response = client.post("/api/v1/reports", json=report_body(), headers={"Idempotency-Key": key})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"], response.get_json()["photo_token"]


def upload(client, report_id, data: bytes, *, report_key=None, photo_key=None):
    part = FileStorage(io.BytesIO(data), "photo.jpg", content_type="image/jpeg")
    boundary, body = encode_multipart({"photo": part})
    headers = {"Idempotency-Key": photo_key or str(uuid.uuid4())}
    if report_key is not None:
        headers["Report-Key"] = report_key
    return client.post(
        f"/api/v1/reports/{report_id}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def public_photos(client, report_id) -> list[str]:
    return [p["url"] for p in client.get(f"/api/v1/reports/{report_id}").get_json()["photos"]]


def open311_media(client, report_id):
    (request,) = client.get(f"/open311/v2/requests/{report_id}.json").get_json()
    return request["media_url"]


def open_data_photo(connection, report_id):
    return connection.execute(
        text("SELECT photo_key FROM open_data_reports WHERE id = :id"), {"id": report_id}
    ).scalar_one()


@pytest.mark.parametrize("report_key", [None, "guessed-key", ""])
def test_a_stranger_cannot_attach_a_photo_to_someones_report(
    photo_client, session, photo_dir, report_key
):
    report_id, _ = new_report(photo_client)

    response = upload(photo_client, report_id, images.jpeg(), report_key=report_key)

    problem = assert_problem(response, 403 if report_key != "" else 422)
    if report_key != "":
        assert problem["type"].endswith("/photo-upload-forbidden")
        assert "Report-Key" in problem["detail"]
    assert photo_rows(session, uuid.UUID(report_id)) == 0
    assert stored_files(photo_dir) == []
    assert public_photos(photo_client, report_id) == []
    assert open311_media(photo_client, report_id) is None


def test_a_stranger_cannot_fill_the_slots_the_reporters_queued_photos_need(
    photo_client, session, photo_dir
):
    report_id, photo_token = new_report(photo_client)
    for seed in range(6):
        data = images.encoded(images.scene(400, 300, seed=seed), "JPEG")
        assert_problem(upload(photo_client, report_id, data, report_key="x" * 36), 403)
    assert stored_files(photo_dir) == []

    # The reporter's phone, back online, sends its five photos with the report's token.
    for seed in range(5):
        data = images.encoded(images.scene(400, 300, seed=100 + seed), "JPEG")
        response = upload(photo_client, report_id, data, report_key=photo_token)
        assert response.status_code == 201, response.get_data(as_text=True)
    assert len(public_photos(photo_client, report_id)) == 5


def test_the_creator_adds_a_photo_later_and_a_retry_stores_it_once(photo_client, session):
    report_id, photo_token = new_report(photo_client)
    data = images.jpeg(800, 600)

    first = upload(photo_client, report_id, data, report_key=photo_token, photo_key="p-1")
    retry = upload(photo_client, report_id, data, report_key=photo_token, photo_key="p-1")

    assert first.status_code == 201 and retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert public_photos(photo_client, report_id) == [first.get_json()["url"]]
    assert photo_rows(session, uuid.UUID(report_id)) == 1


def test_the_key_of_another_report_does_not_open_this_one(photo_client, session, photo_dir):
    victim, _ = new_report(photo_client)
    _, own_token = new_report(photo_client)

    assert_problem(upload(photo_client, victim, images.jpeg(), report_key=own_token), 403)

    assert photo_rows(session, uuid.UUID(victim)) == 0
    assert stored_files(photo_dir) == []


def test_after_the_upload_window_even_the_creator_is_refused(
    photo_app, photo_client, session, photo_dir
):
    report_id, photo_token = new_report(photo_client)
    days = photo_app.config["PHOTO_UPLOAD_WINDOW_DAYS"]
    session.execute(
        text("UPDATE reports SET created_at = now() - make_interval(days => :d) WHERE id = :id"),
        {"d": days + 1, "id": report_id},
    )
    session.commit()

    problem = assert_problem(
        upload(photo_client, report_id, images.jpeg(), report_key=photo_token), 403
    )

    assert f"within {days} days" in problem["detail"]
    assert photo_rows(session, uuid.UUID(report_id)) == 0
    assert stored_files(photo_dir) == []


def test_a_report_made_without_a_key_gets_a_photo_token_too(photo_client, session):
    response = photo_client.post("/api/v1/reports", json=report_body())
    report_id, token = response.get_json()["id"], response.get_json()["photo_token"]

    assert_problem(upload(photo_client, report_id, images.jpeg(), report_key="anything"), 403)
    assert upload(photo_client, report_id, images.jpeg(), report_key=token).status_code == 201
    assert photo_rows(session, uuid.UUID(report_id)) == 1


def test_a_hidden_picture_sent_again_to_another_report_stays_hidden(
    photo_client, crew, report_factory, connection
):
    # The victim's report, in the crew's commune, with a unique picture that shows a face.
    victim = report_factory(in_brussels=True, idempotency_key=str(uuid.uuid4()))
    face = images.encoded(images.scene(900, 700, seed=4242), "JPEG")
    sent = upload(
        photo_client, victim.id, face, report_key=token_for(photo_client.application, victim.id)
    )
    assert sent.status_code == 201, sent.get_data(as_text=True)
    url, thumbnail = sent.get_json()["url"], sent.get_json()["thumbnail_url"]
    (listed,) = crew.ticket(victim.id)["photos"]
    hidden = crew.change(
        "PATCH", f"{TICKETS}/{victim.id}/photos/{listed['id']}", 1, json={"hidden": True}
    )
    assert hidden.status_code == 200, hidden.get_json()
    assert photo_client.get(url).status_code == 404

    # The attacker creates a report of their own and sends the same bytes to it.
    attacker_report, attacker_token = new_report(photo_client)
    again = upload(photo_client, attacker_report, face, report_key=attacker_token)
    assert again.status_code == 201, again.get_data(as_text=True)
    assert again.get_json()["url"] == url

    for address in (url, thumbnail):
        assert_problem(photo_client.get(address), 404)
    assert public_photos(photo_client, attacker_report) == []
    assert open311_media(photo_client, attacker_report) is None
    assert open_data_photo(connection, attacker_report) is None
    assert public_photos(photo_client, str(victim.id)) == []
    assert open311_media(photo_client, victim.id) is None


def test_a_copy_sent_before_the_picture_was_hidden_goes_with_it(
    photo_client, crew, report_factory, connection
):
    victim = report_factory(in_brussels=True, idempotency_key=str(uuid.uuid4()))
    copy_report, copy_token = new_report(photo_client)
    face = images.encoded(images.scene(900, 700, seed=777), "JPEG")
    victim_token = token_for(photo_client.application, victim.id)
    url = upload(photo_client, victim.id, face, report_key=victim_token).get_json()["url"]
    upload(photo_client, copy_report, face, report_key=copy_token)
    assert public_photos(photo_client, copy_report) == [url]
    assert open_data_photo(connection, copy_report) is not None

    (listed,) = crew.ticket(victim.id)["photos"]
    path = f"{TICKETS}/{victim.id}/photos/{listed['id']}"
    assert crew.change("PATCH", path, 1, json={"hidden": True}).status_code == 200

    assert photo_client.get(url).status_code == 404
    assert public_photos(photo_client, copy_report) == []
    assert open311_media(photo_client, copy_report) is None
    assert open_data_photo(connection, copy_report) is None

    # Shown again by staff: published again everywhere.
    assert crew.change("PATCH", path, 2, json={"hidden": False}).status_code == 200
    assert photo_client.get(url).status_code == 200
    assert public_photos(photo_client, copy_report) == [url]
