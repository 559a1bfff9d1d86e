"""A report and its photos in one multipart request: all stored together, or nothing."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from PIL import Image
from sqlalchemy import text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.helpers import images
from tests.helpers.api import assert_problem, report_body
from tests.helpers.media import stored_files


def report_form(report: dict, photos: list[tuple[bytes, str]]):
    """Body and content type of a form with a `report` JSON part and `photo` file parts."""
    fields = MultiDict([("report", json.dumps(report))])
    for data, filename in photos:
        fields.add("photo", FileStorage(io.BytesIO(data), filename, content_type="image/jpeg"))
    boundary, body = encode_multipart(fields)
    return body, f"multipart/form-data; boundary={boundary}"


def post_report(client, report: dict, photos, key: str | None = None):
    body, content_type = report_form(report, photos)
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/reports", data=body, content_type=content_type, headers=headers)


def counts(session) -> tuple[int, int]:
    reports = session.execute(text("SELECT count(*) FROM reports")).scalar()
    photos = session.execute(text("SELECT count(*) FROM photos")).scalar()
    return reports, photos


def two_photos() -> list[tuple[bytes, str]]:
    return [
        (images.jpeg(1600, 1200, orientation=6, gps=images.GRAND_PLACE), "a.jpg"),
        (images.jpeg(1200, 900, quality=80), "b.jpg"),
    ]


def test_a_report_with_two_photos_is_created_in_one_request(photo_client, session, photo_dir):
    before = counts(session)

    response = post_report(photo_client, report_body(), two_photos(), key=str(uuid.uuid4()))

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["commune"]["nis_code"] == "21004"
    assert [p["position"] for p in body["photos"]] == [0, 1]
    # The first photo was taken with the phone on its side (EXIF orientation 6): upright now.
    assert (body["photos"][0]["width"], body["photos"][0]["height"]) == (1200, 1600)
    assert counts(session) == (before[0] + 1, before[1] + 2)
    image = Image.open(io.BytesIO(photo_client.get(body["photos"][0]["url"]).data))
    assert not image.getexif()
    # The public view read later lists the same photos.
    again = photo_client.get(f"/api/v1/reports/{body['id']}").get_json()
    assert [p["url"] for p in again["photos"]] == [p["url"] for p in body["photos"]]


def test_a_retry_of_the_whole_request_stores_nothing_new(photo_client, session, photo_dir):
    key, photos = str(uuid.uuid4()), two_photos()
    first = post_report(photo_client, report_body(), photos, key=key)
    files = stored_files(photo_dir)
    rows = counts(session)

    retry = post_report(photo_client, report_body(), photos, key=key)

    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert retry.get_json()["photos"] == first.get_json()["photos"]
    assert counts(session) == rows
    assert stored_files(photo_dir) == files


@pytest.mark.parametrize(
    ("report", "photos", "status"),
    [
        # One good photo and one GIF: the GIF is refused, and the good one is not kept.
        (report_body(), [(images.jpeg(800, 600), "a.jpg"), (images.gif(), "b.jpg")], 415),
        (report_body(), [(images.jpeg(400 + i, 300), f"{i}.jpg") for i in range(6)], 409),
        (report_body(location={"lat": 48.8566, "lon": 2.3522}), two_photos(), 422),
        (report_body(category="no_such_category"), two_photos(), 422),
        (report_body(), [(b"", "empty.jpg")], 422),
    ],
    ids=["gif-among-good", "six-photos", "outside-belgium", "unknown-category", "empty-photo"],
)
def test_a_refused_report_with_photos_leaves_no_row_and_no_file(
    photo_client, session, photo_dir, report, photos, status
):
    before = counts(session)

    response = post_report(photo_client, report, photos, key=str(uuid.uuid4()))

    assert_problem(response, status)
    assert counts(session) == before
    assert stored_files(photo_dir) == []


def test_the_report_part_must_be_json(photo_client, session):
    body, content_type = report_form({}, [])
    body = body.replace(b"{}", b"{not json")
    before = counts(session)

    response = photo_client.post("/api/v1/reports", data=body, content_type=content_type)

    assert_problem(response, 400)
    assert counts(session) == before
