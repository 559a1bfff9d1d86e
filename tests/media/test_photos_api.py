"""Uploading photos over HTTP: stored upright and clean, served cached, retries store nothing."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.api.photos.setup import photo_url
from app.media import services
from app.media.processing import OUTPUT
from app.media.views import photos_for_report
from tests.helpers import images
from tests.helpers.api import assert_problem
from tests.helpers.media import photo_rows, stored_files, token_for


def multipart(name: str, data: bytes, filename: str, content_type: str | None = None):
    """The body and content type of a form with one file part.

    Encoded in memory: the test client's own encoder spools bodies over 500 kB to a temporary
    file that it never closes, which pytest reports as an unclosed file.
    """
    part = FileStorage(io.BytesIO(data), filename, content_type=content_type)
    boundary, body = encode_multipart({name: part})
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client, report_id, data: bytes, *, key=None, filename="photo.jpg", content_type=None):
    body, form_type = multipart("photo", data, filename, content_type)
    return client.post(
        f"/api/v1/reports/{report_id}/photos",
        data=body,
        content_type=form_type,
        headers={
            "Report-Key": token_for(client.application, report_id),
            **({"Idempotency-Key": key} if key else {}),
        },
    )


def fetch_image(client, url: str) -> tuple[object, Image.Image]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    image = Image.open(io.BytesIO(response.data))
    image.load()
    return response, image


def test_a_phone_photo_is_stored_upright_without_metadata_and_served_cached(
    photo_client, session, report_id, photo_dir
):
    data = images.jpeg(1600, 1200, orientation=6, gps=images.GRAND_PLACE)

    response = upload(photo_client, report_id, data, key=str(uuid.uuid4()))

    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["position"] == 0
    assert (body["width"], body["height"]) == (1200, 1600)
    assert (body["thumbnail_width"], body["thumbnail_height"]) == (240, 320)
    assert body["location_suggestion"] == {"lat": 50.8467, "lon": 4.3525}
    assert response.headers["Location"] == body["url"]

    served, display = fetch_image(photo_client, body["url"])
    assert served.mimetype == OUTPUT.content_type
    assert served.headers["Cache-Control"] == "public, max-age=300"
    assert display.size == (1200, 1600)
    assert len(display.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp"} & set(display.info)
    _, thumbnail = fetch_image(photo_client, body["thumbnail_url"])
    assert thumbnail.size == (240, 320)

    assert photo_rows(session, report_id) == 1
    assert len(stored_files(photo_dir)) == 2
    for path in stored_files(photo_dir):
        assert b"SN-0042-SECRET" not in path.read_bytes()


def test_the_location_suggestion_is_never_stored(photo_client, session, report_id):
    upload(photo_client, report_id, images.jpeg(400, 300, gps=images.GRAND_PLACE), key="p1")

    columns = session.execute(
        text("SELECT column_name FROM information_schema.columns WHERE table_name = 'photos'")
    ).scalars()
    assert not [c for c in columns if "lat" in c or "lon" in c or "gps" in c]


def test_a_retry_with_the_same_photo_id_stores_nothing_new(
    photo_client, session, report_id, photo_dir
):
    data = images.jpeg(800, 600, gps=images.GRAND_PLACE)
    first = upload(photo_client, report_id, data, key="photo-1")
    files = stored_files(photo_dir)

    retry = upload(photo_client, report_id, data, key="photo-1")

    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["url"] == first.get_json()["url"]
    assert photo_rows(session, report_id) == 1
    assert stored_files(photo_dir) == files


def test_the_same_photo_id_with_another_photo_is_refused(photo_client, session, report_id):
    upload(photo_client, report_id, images.jpeg(800, 600), key="photo-1")

    response = upload(photo_client, report_id, images.png(300, 200), key="photo-1")

    assert_problem(response, 422)
    assert photo_rows(session, report_id) == 1


def test_without_a_photo_id_an_identical_retry_is_still_recognised(
    photo_client, session, report_id
):
    data = images.jpeg(640, 480)
    upload(photo_client, report_id, data)

    retry = upload(photo_client, report_id, data)

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert photo_rows(session, report_id) == 1


@pytest.mark.parametrize(
    ("make", "content_type"),
    [(images.heic, "image/heic"), (images.png, "image/png"), (images.webp, "image/webp")],
    ids=["heic", "png", "webp"],
)
def test_heic_png_and_webp_uploads_work(photo_client, report_id, make, content_type):
    response = upload(photo_client, report_id, make(), key="k", content_type=content_type)

    assert response.status_code == 201, response.get_data(as_text=True)
    _, display = fetch_image(photo_client, response.get_json()["url"])
    assert display.size == (1200, 900)
    assert len(display.getexif()) == 0


def test_an_upload_that_loses_a_race_is_a_409_and_leaves_no_files(
    photo_client, session, report_id, photo_dir, monkeypatch
):
    upload(photo_client, report_id, images.jpeg(400, 300), key="first")
    kept = stored_files(photo_dir)
    # As if another upload had taken the same position between the count and the insert.
    monkeypatch.setattr(services, "_next_position", lambda *args: 0)

    response = upload(photo_client, report_id, images.jpeg(500, 300), key="second")

    assert assert_problem(response, 409)["type"].endswith("/request-in-flight")
    assert stored_files(photo_dir) == kept
    assert photo_rows(session, report_id) == 1


def test_the_report_view_lists_photos_in_order_and_leaves_hidden_ones_out(
    photo_app, photo_client, session, report_id
):
    for n in range(3):
        upload(photo_client, report_id, images.jpeg(320 + n, 240), key=f"p{n}")
    session.execute(text("UPDATE photos SET hidden = true WHERE position = 1"))

    with photo_app.test_request_context():
        photos = photos_for_report(session, report_id, photo_url)

    assert [p["position"] for p in photos] == [0, 2]
    assert all(p["url"].startswith("http://localhost/api/v1/photos/") for p in photos)
    assert all(p["thumbnail_url"].endswith(f".{OUTPUT.extension}") for p in photos)


def test_a_hidden_photo_is_no_longer_served(photo_client, session, report_id):
    body = upload(photo_client, report_id, images.jpeg(400, 300), key="p").get_json()
    etag = photo_client.get(body["url"]).headers["ETag"]
    session.execute(text("UPDATE photos SET hidden = true"))

    assert_problem(photo_client.get(body["url"]), 404)
    assert_problem(photo_client.get(body["thumbnail_url"]), 404)
    # A cache that kept it (five minutes at most) asks again and is told it is gone.
    assert_problem(photo_client.get(body["url"], headers={"If-None-Match": etag}), 404)


def test_a_cached_photo_is_revalidated_without_a_body(photo_client, report_id):
    body = upload(photo_client, report_id, images.jpeg(400, 300), key="p").get_json()
    etag = photo_client.get(body["url"]).headers["ETag"]

    response = photo_client.get(body["url"], headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""


@pytest.mark.parametrize(
    "key",
    ["nothing.webp", "../../etc/passwd", "0" * 64 + ".webp", "0" * 64 + ".png", "a" * 64],
)
def test_unknown_or_malformed_photo_urls_are_404(photo_client, key):
    assert_problem(photo_client.get(f"/api/v1/photos/{key}"), 404)


def test_the_sixth_photo_is_refused_with_409(photo_client, session, report_id, photo_dir):
    for n in range(5):
        response = upload(photo_client, report_id, images.jpeg(300 + n, 200), key=f"p{n}")
        assert response.status_code == 201
    files = stored_files(photo_dir)

    response = upload(photo_client, report_id, images.jpeg(400, 300), key="p5")

    body = assert_problem(response, 409)
    assert "at most 5 photos" in body["detail"]
    assert photo_rows(session, report_id) == 5
    assert stored_files(photo_dir) == files


def test_a_photo_for_a_report_that_does_not_exist_is_404(photo_client, session, photo_dir):
    response = upload(photo_client, uuid.uuid4(), images.jpeg(400, 300), key="p")

    assert_problem(response, 404)
    assert photo_rows(session) == 0
    assert stored_files(photo_dir) == []


def test_a_filename_with_dot_dot_never_reaches_the_filesystem(
    photo_client, report_id, photo_dir, tmp_path
):
    response = upload(
        photo_client, report_id, images.jpeg(400, 300), key="p", filename="../../evil.jpg"
    )

    assert response.status_code == 201
    assert not list(tmp_path.glob("*evil*"))
    assert not any("evil" in str(p) for p in stored_files(photo_dir))
    assert all(len(p.stem) == 64 for p in stored_files(photo_dir))


def truncated_jpeg() -> bytes:
    data = images.jpeg(1200, 900)
    return data[: len(data) // 2]


BAD_UPLOADS = {
    # id: (bytes, filename, content type, status, words the detail must contain)
    "text-named-jpg": (lambda: b"not a photo\n", "photo.jpg", "image/jpeg", 415, "not a JPEG"),
    "png-as-jpeg": (lambda: images.png(300, 200), "photo.jpg", "image/jpeg", 415, "is PNG"),
    "truncated-jpeg": (truncated_jpeg, "photo.jpg", "image/jpeg", 422, "truncated"),
    "png-bomb": (images.png_bomb, "bomb.png", "image/png", 422, "limit is 50 MP"),
    "gif": (images.gif, "anim.gif", "image/gif", 415, "GIF"),
    "svg-with-script": (lambda: images.SVG_WITH_SCRIPT, "x.svg", "image/svg+xml", 415, "SVG"),
    "zero-bytes": (lambda: b"", "empty.jpg", "image/jpeg", 422, "empty"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_bad_uploads_are_refused_and_leave_nothing(
    photo_client, session, report_id, photo_dir, case
):
    make, filename, content_type, status, says = case

    response = upload(
        photo_client, report_id, make(), key="k", filename=filename, content_type=content_type
    )

    body = assert_problem(response, status)
    assert says in body["detail"]
    assert photo_rows(session) == 0
    assert stored_files(photo_dir) == []


def test_an_upload_over_15_mb_is_413(photo_client, session, report_id, photo_dir):
    data = b"\xff\xd8\xff\xe0" + bytes(15 * 1024 * 1024 + 100_000)

    body = assert_problem(upload(photo_client, report_id, data, key="big"), 413)

    assert "15 MB" in body["detail"]
    assert photo_rows(session) == 0
    assert stored_files(photo_dir) == []


def test_a_photo_just_over_the_limit_inside_the_multipart_allowance_is_413(
    photo_app, photo_client, session, report_id, photo_dir
):
    data = images.jpeg(800, 600)
    # The request passes the size check made before parsing; the photo itself is too big.
    photo_app.config["PHOTO_MAX_BYTES"] = len(data) - 1000

    assert_problem(upload(photo_client, report_id, data, key="big"), 413)
    assert stored_files(photo_dir) == []


def test_a_json_body_is_415(photo_client, report_id):
    response = photo_client.post(f"/api/v1/reports/{report_id}/photos", json={"photo": "x"})

    assert_problem(response, 415)


def test_a_form_without_the_photo_field_is_422(photo_client, report_id):
    body, form_type = multipart("file", images.jpeg(100, 100), "p.jpg")

    response = photo_client.post(
        f"/api/v1/reports/{report_id}/photos", data=body, content_type=form_type
    )

    body = assert_problem(response, 422)
    assert body["errors"][0]["pointer"] == "photo"
