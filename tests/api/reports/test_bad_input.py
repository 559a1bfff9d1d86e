"""Bad input gets a clear 4xx problem+json, and nothing is written (issue 2, section 6)."""

import base64
import json

import pytest

from tests.helpers.api import (
    AACHEN,
    GRAND_PLACE,
    MAASTRICHT,
    NORTH_SEA,
    PARIS,
    assert_problem,
    report_body,
    row_counts,
)


def pointers(problem: dict) -> set[str]:
    return {error["pointer"] for error in problem.get("errors", [])}


@pytest.fixture
def nothing_written(connection):
    """Asserts, after the test's request, that no report and no history row appeared."""
    before = row_counts(connection)
    yield
    assert row_counts(connection) == before


def raw_report(location: str) -> str:
    """A creation request whose location is written by hand, for what json.dumps refuses."""
    return '{"category": "pothole", "location": ' + location + "}"


def with_location(**location) -> dict:
    return report_body(location={**GRAND_PLACE, **location})


def without(field: str) -> dict:
    body = report_body()
    del body[field]
    return body


# (request body as JSON, expected status, a JSON pointer the problem must name)
INVALID_BODIES = {
    "empty object": ({}, 422, "/category"),
    "no category": (without("category"), 422, "/category"),
    "no location": (without("location"), 422, "/location"),
    "no latitude": (report_body(location={"lon": 4.35}), 422, "/location/lat"),
    "location not an object": (report_body(location="50.8,4.3"), 422, "/location"),
    "unknown field": (report_body(colour="red"), 422, "/colour"),
    "unknown location field": (with_location(altitude=12), 422, "/location/altitude"),
    "unknown reporter field": (report_body(reporter={"age": 40}), 422, "/reporter/age"),
    "unknown category": (report_body(category="unicorn"), 422, "/category"),
    "category not a string": (report_body(category=7), 422, "/category"),
    "latitude above 90": (with_location(lat=90.5), 422, "/location/lat"),
    "latitude below -90": (with_location(lat=-91), 422, "/location/lat"),
    "longitude above 180": (with_location(lon=180.01), 422, "/location/lon"),
    "longitude below -180": (with_location(lon=-200), 422, "/location/lon"),
    "latitude not a number": (with_location(lat="north"), 422, "/location/lat"),
    "latitude is null": (with_location(lat=None), 422, "/location/lat"),
    "negative accuracy": (with_location(accuracy_m=-5), 422, "/location/accuracy_m"),
    "description too long": (report_body(description="x" * 5001), 422, "/description"),
    "description empty": (report_body(description=""), 422, "/description"),
    "description blank": (report_body(description="  \n\t "), 422, "/description"),
    # What no reader sees is blank too: a BOM, a zero-width space, a word joiner.
    "description invisible": (report_body(description="\ufeff\u200b\u2060"), 422, "/description"),
    "description not text": (report_body(description=["a"]), 422, "/description"),
    # PostgreSQL text cannot hold NUL: a 422, not a database error.
    "NUL in description": (report_body(description="hole\x00"), 422, "/description"),
    "NUL in category": (report_body(category="pothole\x00"), 422, "/category"),
    "NUL in reporter name": (report_body(reporter={"name": "A\x00B"}), 422, "/reporter/name"),
    "reporter email invalid": (report_body(reporter={"email": "nobody"}), 422, "/reporter/email"),
    "reporter phone invalid": (report_body(reporter={"phone": "call me"}), 422, "/reporter/phone"),
    # The whole body is wrong: its pointer is "", the document itself (RFC 6901).
    "body is a list": ([report_body()], 422, ""),
    "body is a string": ("pothole", 422, ""),
}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(("body", "status", "pointer"), INVALID_BODIES.values(), ids=INVALID_BODIES)
def test_invalid_report_is_refused(client, body, status, pointer):
    response = client.post("/api/v1/reports", json=body)

    problem = assert_problem(response, status)
    assert pointer in pointers(problem), problem
    assert all(e["location"] == "json" and e["detail"] for e in problem["errors"])


# Bodies written by hand: not valid JSON, or JSON only in Python's lenient sense.
RAW_BODIES = {
    "truncated": ('{"category": "pothole", "location": {"lat": 50.8', 400),
    "trailing comma": ('{"category": "pothole",}', 400),
    "single quotes": ("{'category': 'pothole'}", 400),
    # No body at all reads as an empty one: every required field is missing.
    "empty": ("", 422),
    "not utf-8": (b'{"category": "\xff\xfe"}', 400),
    "NaN latitude": (raw_report('{"lat": NaN, "lon": 4.35}'), 422),
    "Infinity longitude": (raw_report('{"lat": 50.8, "lon": Infinity}'), 422),
    "-Infinity latitude": (raw_report('{"lat": -Infinity, "lon": 4.35}'), 422),
    "NaN accuracy": (raw_report('{"lat": 50.8467, "lon": 4.3525, "accuracy_m": NaN}'), 422),
    "huge exponent": (raw_report('{"lat": 1e999, "lon": 4.35}'), 422),
}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(("raw", "status"), RAW_BODIES.values(), ids=RAW_BODIES)
def test_unparsable_or_non_finite_json_is_refused(client, raw, status):
    response = client.post("/api/v1/reports", data=raw, content_type="application/json")

    problem = assert_problem(response, status)
    if status == 422 and raw:
        assert pointers(problem) & {"/location/lat", "/location/lon", "/location/accuracy_m"}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", json.dumps(report_body())),
        ("application/x-www-form-urlencoded", "category=pothole&lat=50.8467&lon=4.3525"),
        ("application/xml", "<report/>"),
        (None, json.dumps(report_body())),
    ],
    ids=["text", "form", "xml", "none"],
)
def test_a_body_that_is_not_json_is_a_415_problem(client, content_type, data):
    response = client.post("/api/v1/reports", data=data, content_type=content_type)

    problem = assert_problem(response, 415)
    assert "application/json" in problem["detail"]


@pytest.mark.usefixtures("nothing_written")
def test_a_multipart_body_without_its_report_part_is_a_422_naming_the_part(client):
    body = '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'
    response = client.post(
        "/api/v1/reports", data=body, content_type="multipart/form-data; boundary=x"
    )

    problem = assert_problem(response, 422)
    assert [e["pointer"] for e in problem["errors"]] == ["report"]


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(
    "place",
    [NORTH_SEA, PARIS, AACHEN, MAASTRICHT],
    ids=["north-sea", "paris", "aachen", "maastricht"],
)
def test_a_point_outside_belgium_is_refused(client, place):
    response = client.post("/api/v1/reports", json=report_body(location=place))

    problem = assert_problem(response, 422)
    assert problem["type"].endswith("/outside-service-area")
    assert "outside the area served" in problem["detail"]


def test_a_point_just_across_the_border_names_the_nearest_commune(client):
    # In Halluin (France), a few hundred metres from Menen/Menin (34027).
    halluin = {"lat": 50.7795, "lon": 3.1265}

    response = client.post("/api/v1/reports", json=report_body(location=halluin))

    problem = assert_problem(response, 422)
    assert problem["nearest_commune"]["nis_code"] == "34027"
    assert 50 < problem["nearest_commune"]["distance_m"] <= 1000
    assert "Menen" in problem["detail"] or "Menin" in problem["detail"]
    # Named too, for an app to say it in the resident's language.
    assert problem["nearest_commune"]["name"] == "Menen"
    assert problem["nearest_commune"]["names"]["fr"] == "Menin"


@pytest.mark.usefixtures("nothing_written")
def test_an_oversized_body_is_a_413_problem(client):
    body = report_body(description="x" * (300 * 1024))

    response = client.post("/api/v1/reports", json=body)

    assert_problem(response, 413)


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(
    "key", ["", "k" * 256, "with space", "é-accent"], ids=["empty", "long", "space", "non-ascii"]
)
def test_a_malformed_idempotency_key_is_refused(client, key):
    response = client.post(
        "/api/v1/reports",
        json=report_body(),
        headers={"Idempotency-Key": key.encode().decode("latin-1")},
    )

    problem = assert_problem(response, 422)
    assert "Idempotency-Key" in pointers(problem)


def junk_cursor(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


# Cursors in the API's own encoding (URL-safe base64) that hold something else.
JUNK_CURSORS = {
    name: junk_cursor(payload)
    for name, payload in {
        "text": b"junk and more junk",
        "binary": bytes(range(200, 230)),
        "object": json.dumps({"a": 1, "b": 2}).encode(),
        "bad id": json.dumps(["2025-01-01T00:00:00+00:00", "nope"]).encode(),
        "number id": json.dumps(["2025-01-01T00:00:00+00:00", 5]).encode(),
        "number time": json.dumps([5, "00000000-0000-4000-8000-000000000000"]).encode(),
        "naive time": json.dumps(
            ["2025-01-01T00:00:00", "00000000-0000-4000-8000-000000000000"]
        ).encode(),
    }.items()
}

# (query string, expected status, the parameter the problem must name)
INVALID_QUERIES = {
    "bbox inverted": ("bbox=4.4,50.8,4.3,50.9", 422, "bbox"),
    "bbox latitudes inverted": ("bbox=4.3,50.9,4.4,50.8", 422, "bbox"),
    "bbox three numbers": ("bbox=4.3,50.8,4.4", 422, "bbox"),
    "bbox five numbers": ("bbox=4.3,50.8,4.4,50.9,1", 422, "bbox"),
    "bbox words": ("bbox=west,south,east,north", 422, "bbox"),
    "bbox empty": ("bbox=", 422, "bbox"),
    "bbox longitude out of range": ("bbox=-181,50,4,51", 422, "bbox"),
    "bbox latitude out of range": ("bbox=4,50,5,95", 422, "bbox"),
    "bbox NaN": ("bbox=nan,50,5,51", 422, "bbox"),
    "bbox infinite": ("bbox=-inf,50,inf,51", 422, "bbox"),
    "limit 0": ("limit=0", 422, "limit"),
    "limit 501": ("limit=501", 422, "limit"),
    "limit negative": ("limit=-1", 422, "limit"),
    "limit not a number": ("limit=ten", 422, "limit"),
    "commune not a NIS code": ("commune=Brussels", 422, "commune"),
    "status unknown": ("status=open", 422, "status"),
    "since not a date": ("since=yesterday", 422, "since"),
    "since after until": ("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", 422, "until"),
    "unknown parameter": ("colour=red", 422, "colour"),
    "NUL in category": ("category=pothole%00", 422, "category"),
    "cursor garbage": ("cursor=%21%21not-a-cursor%21%21", 400, None),
    "cursor base64 of junk": (f"cursor={JUNK_CURSORS['text']}", 400, None),
    "cursor base64 of binary": (f"cursor={JUNK_CURSORS['binary']}", 400, None),
    "cursor base64 of an object": (f"cursor={JUNK_CURSORS['object']}", 400, None),
    "cursor with a bad id": (f"cursor={JUNK_CURSORS['bad id']}", 400, None),
    "cursor with a number id": (f"cursor={JUNK_CURSORS['number id']}", 400, None),
    "cursor with a number time": (f"cursor={JUNK_CURSORS['number time']}", 400, None),
    "cursor with a naive time": (f"cursor={JUNK_CURSORS['naive time']}", 400, None),
    "cursor too long": ("cursor=" + "A" * 300, 422, "cursor"),
}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(
    ("query", "status", "parameter"), INVALID_QUERIES.values(), ids=INVALID_QUERIES
)
def test_invalid_list_query_is_refused(client, query, status, parameter):
    response = client.get(f"/api/v1/reports?{query}")

    problem = assert_problem(response, status)
    if parameter:
        assert parameter in pointers(problem), problem
    if status == 400:
        assert problem["type"].endswith("/invalid-cursor")


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/reports/nearby?lon=4.35", "lat"),
        ("/api/v1/reports/nearby?lat=91&lon=4.35", "lat"),
        ("/api/v1/reports/nearby?lat=nan&lon=4.35", "lat"),
        ("/api/v1/reports/nearby?lat=50.8&lon=inf", "lon"),
        ("/api/v1/reports/nearby?lat=50.8&lon=4.35&radius_m=0", "radius_m"),
        ("/api/v1/reports/nearby?lat=50.8&lon=4.35&radius_m=1001", "radius_m"),
        ("/api/v1/reports/nearby?lat=50.8&lon=4.35&limit=51", "limit"),
        ("/api/v1/reports/nearby?lat=50.8&lon=4.35&category=%00", "category"),
        ("/api/v1/reports/nearby?lat=50.8&lon=4.35&radius=50", "radius"),
        ("/api/v1/communes/lookup?lat=50.8", "lon"),
        ("/api/v1/communes/lookup?lat=fifty&lon=4.35", "lat"),
        ("/api/v1/communes/lookup?lat=50.8&lon=-180.5", "lon"),
    ],
)
def test_invalid_point_query_is_refused(client, url, parameter):
    problem = assert_problem(client.get(url), 422)

    assert parameter in pointers(problem)


@pytest.mark.parametrize(
    "path", ["not-a-uuid", "12345", "00000000-0000-4000-8000-00000000000g", "%00"]
)
def test_an_id_that_is_not_a_uuid_is_a_404_problem(client, path):
    # Such a path names no resource at all, so it is "not found" rather than a bad argument.
    assert_problem(client.get(f"/api/v1/reports/{path}"), 404)


def test_unknown_paths_and_methods_are_problems_too(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    response = client.delete("/api/v1/reports")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "description",
    ["Sacs poubelle \u202egauche", "bell \u0007 here", "escape \u001b[31m red", "\u2066isolate"],
)
def test_a_description_refuses_controls_and_direction_overrides_as_comments_do(
    client, description, nothing_written
):
    # Staff publish descriptions in Open311, XML and CSV: a reversed or escaped text there
    # would disguise what the resident wrote.
    response = client.post(
        "/api/v1/reports",
        json=report_body(description=description),
        headers={"Accept-Language": "fr"},
    )
    problem = assert_problem(response, 422)
    assert pointers(problem) == {"/description"}
    assert "caractères de contrôle" in problem["detail"]


def test_a_description_keeps_its_line_breaks_and_tabs(client):
    body = report_body(description="Trou profond\n\tdevant le numéro 12")
    assert client.post("/api/v1/reports", json=body).status_code == 201
