"""GET|HEAD /opendata/snapshots/reports.<format>: the snapshot files as GIS tools need them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.opendata.snapshot_files import FILES, open_snapshot
from tests.helpers.api import assert_problem

MEDIA_TYPES = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "fgb": "application/flatgeobuf",
}


def fetch(client, method: str, path: str, **kwargs):
    """The whole answer, read and closed (the open file goes back at once)."""
    return client.open(path, method=method.upper(), buffered=True, **kwargs)


@pytest.fixture
def written(app, report_factory) -> Path:
    for place in ("in_brussels", "in_namur", "in_liege"):
        report_factory(**{place: True})
    result = app.test_cli_runner().invoke(args=["opendata", "snapshot"])
    assert result.exit_code == 0, result.output
    return Path(app.config["SNAPSHOT_DIR"])


@pytest.mark.parametrize("fmt", list(FILES))
def test_a_snapshot_comes_whole_with_its_length_etag_and_dates(client, written, fmt):
    body = (written / FILES[fmt]).read_bytes()

    response = fetch(client, "get", f"/opendata/snapshots/reports.{fmt}")

    assert response.status_code == 200
    assert response.data == body
    assert response.mimetype == MEDIA_TYPES[fmt]
    assert response.content_length == len(body)
    assert response.headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.last_modified is not None
    assert response.headers["Content-Disposition"] == f"attachment; filename=reports.{fmt}"
    assert response.cache_control.public and response.cache_control.max_age == 3600


def test_head_gives_the_headers_without_the_body(client, written):
    response = fetch(client, "head", "/opendata/snapshots/reports.fgb")

    assert response.status_code == 200
    assert response.data == b""
    assert response.content_length == (written / "reports.fgb").stat().st_size


def test_an_unchanged_snapshot_answers_304_to_its_etag_or_date(client, written):
    first = fetch(client, "get", "/opendata/snapshots/reports.gpkg")

    by_etag = fetch(
        client,
        "get",
        "/opendata/snapshots/reports.gpkg",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    by_date = fetch(
        client,
        "get",
        "/opendata/snapshots/reports.gpkg",
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    other = fetch(
        client, "get", "/opendata/snapshots/reports.gpkg", headers={"If-None-Match": '"abc"'}
    )

    assert (by_etag.status_code, by_etag.data) == (304, b"")
    assert (by_date.status_code, by_date.data) == (304, b"")
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("range_", "start", "end"), [("bytes=0-99", 0, 100), ("bytes=100-", 100, None)]
)
def test_a_range_gets_206_with_exactly_those_bytes(client, written, range_, start, end):
    body = (written / "reports.fgb").read_bytes()
    end = end or len(body)

    response = fetch(client, "get", "/opendata/snapshots/reports.fgb", headers={"Range": range_})

    assert response.status_code == 206
    assert response.data == body[start:end]
    assert response.headers["Content-Range"] == f"bytes {start}-{end - 1}/{len(body)}"
    assert response.content_length == end - start


def test_a_suffix_range_gets_the_last_bytes(client, written):
    body = (written / "reports.geojson").read_bytes()

    response = fetch(
        client, "get", "/opendata/snapshots/reports.geojson", headers={"Range": "bytes=-10"}
    )

    assert response.status_code == 206
    assert response.data == body[-10:]


def test_a_range_past_the_end_gets_416_with_the_length(client, written):
    size = (written / "reports.csv").stat().st_size

    response = fetch(
        client, "get", "/opendata/snapshots/reports.csv", headers={"Range": f"bytes={size + 10}-"}
    )

    assert_problem(response, 416)
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_a_missing_snapshot_is_a_404_saying_so_in_the_reader_s_language(client):
    english = fetch(client, "get", "/opendata/snapshots/reports.fgb")
    french = fetch(
        client, "get", "/opendata/snapshots/reports.fgb", headers={"Accept-Language": "fr-BE"}
    )

    body = assert_problem(english, 404)
    assert "reports.fgb has not been written yet" in body["detail"]
    assert body["type"].endswith("/snapshot-missing")
    body = assert_problem(french, 404)
    assert "n'a pas encore été écrit" in body["detail"]
    assert french.headers["Content-Language"] == "fr"


def test_an_unknown_format_is_a_404_listing_the_files(client, written):
    body = assert_problem(fetch(client, "get", "/opendata/snapshots/reports.shp"), 404)

    assert body["formats"] == list(FILES)


def test_the_served_file_and_its_etag_are_the_file_opened_even_across_a_rename(
    app, report_factory, written
):
    file, entry = open_snapshot(written, "csv")
    with file:
        report_factory(in_brussels=True)
        result = app.test_cli_runner().invoke(args=["opendata", "snapshot"])
        assert result.exit_code == 0, result.output
        # The old file, still open, is still the one its entry describes.
        body = file.read()
    assert hashlib.sha256(body).hexdigest() == entry.sha256
    assert len(body) == entry.size
    newer, new_entry = open_snapshot(written, "csv")
    with newer:
        assert hashlib.sha256(newer.read()).hexdigest() == new_entry.sha256 != entry.sha256
