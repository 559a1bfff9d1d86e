"""/opendata/reports.csv and .geojson: what a reuser downloads, filtered, streamed, refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest
from flask import url_for
from sqlalchemy import text

from app.opendata import export
from app.urls import photo_url_prefix
from tests.factories import FLAGEY
from tests.helpers.sql import PHOTO_SQL

CREATED = dt.datetime(2026, 3, 4, 10, 17, 42, tzinfo=dt.UTC)
# Many reports at once, in Bruxelles, straight into the table (the trigger still fills the
# public location): enough for a file of several chunks.
MANY_SQL = text(
    """
    INSERT INTO reports (id, category_id, description, location, accuracy_m, commune_id,
                         body_id, status, created_at)
    SELECT gen_random_uuid(), cat.id, :label || n,
           ST_SetSRID(ST_MakePoint(4.3525 + n * 1e-6, 50.8467), 4326), 10, c.id, b.id, 'new',
           '2026-01-01'::timestamptz + n * interval '1 minute'
    FROM generate_series(1, :n) AS n
    JOIN categories cat ON cat.code = 'pothole'
    JOIN communes c ON c.nis_code = '21004' AND c.valid_to IS NULL
    JOIN bodies b ON b.nis_code = c.nis_code
    """
)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.data
    reader = csv.DictReader(io.StringIO(response.data.decode("utf-8"), newline=""))
    assert reader.fieldnames == export.COLUMNS
    return list(reader)


def features(response) -> list[dict]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/geo+json"
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection"
    return collection["features"]


def ids(client, query: str) -> set[str]:
    response = client.get(f"/opendata/reports.csv?{query}")
    rows = csv_rows(response)
    assert response.headers["X-Total-Count"] == str(len(rows))
    return {row["id"] for row in rows}


def problem_for(response, status: int) -> dict:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_csv_has_the_published_columns_in_order_and_each_report_s_values(client, report_factory):
    report = report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=CREATED)

    response = client.get("/opendata/reports.csv?commune=21009")

    (row,) = csv_rows(response)
    assert response.mimetype == "text/csv"
    assert response.mimetype_params == {"charset": "utf-8", "header": "present"}
    today = dt.datetime.now(export.BELGIAN_TIME).date().isoformat()
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=reports-21009-{today}.csv"
    )
    assert response.headers["X-Total-Count"] == "1"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert row["id"] == str(report.id)
    assert row["status"] == "new" and row["open311_status"] == "open"
    assert row["oslo_status_uri"].startswith("https://data.vlaanderen.be/id/concept/")
    assert row["category_code"] == "pothole"
    assert (row["commune_nis_code"], row["commune_name_fr"]) == ("21009", "Ixelles")
    assert (row["region"], row["region_code"]) == ("brussels", "04000")
    assert row["created_at"] == "2026-03-04T10:17:42Z"
    assert row["resolved_at"] == "" and row["resolution_hours"] == ""
    assert (row["lon"], row["lat"]) == ("4.371700", "50.827500")
    # Lambert 2008 (EPSG:3812) of Flagey: about 650 km east, 668 km north of the origin.
    assert 649_000 < float(row["x_lambert2008"]) < 651_000
    assert 667_000 < float(row["y_lambert2008"]) < 669_000
    assert row["location_generalised"] == "false"
    assert row["photo_key"] == "" and row["photo_url"] == ""


def test_geojson_holds_the_same_reports_one_feature_per_line(client, report_factory, session):
    report = report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=CREATED)
    other = report_factory(in_namur=True, status="resolved")

    response = client.get("/opendata/reports.geojson")

    found = {f["id"]: f for f in features(response)}
    assert set(found) == {str(report.id), str(other.id)}
    assert response.headers["X-Total-Count"] == "2"
    assert response.headers["Content-Disposition"].endswith(".geojson")
    feature = found[str(report.id)]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.3717, 50.8275]}
    assert list(feature["properties"]) == export.PROPERTIES
    properties = feature["properties"]
    assert properties["created_at"] == "2026-03-04T10:17:42Z"
    assert properties["location_generalised"] is False
    assert properties["commune_nis_code"] == "21009"
    resolved = found[str(other.id)]["properties"]
    assert resolved["open311_status"] == "closed"
    assert isinstance(resolved["resolution_hours"], float | int)
    # The header line, one line per Feature, the closing line.
    lines = response.data.decode().splitlines()
    assert len(lines) == 2 + 2
    assert all(json.loads(line.rstrip(","))["type"] == "Feature" for line in lines[1:-1])


def test_filters_narrow_by_region_commune_category_status_and_period(client, report_factory):
    namur = report_factory(
        in_namur=True, category="graffiti", created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )
    brussels = report_factory(in_brussels=True, status="resolved")
    liege = report_factory(
        in_liege=True,
        status="acknowledged",
        created_at=dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC),
    )
    namur, brussels, liege = (str(r.id) for r in (namur, brussels, liege))

    assert ids(client, "") == {namur, brussels, liege}
    assert ids(client, "region=wallonia") == {namur, liege}
    assert ids(client, "commune=92094") == {namur}
    assert ids(client, "category=graffiti") == {namur}
    assert ids(client, "status=closed") == {brussels}
    assert ids(client, "status=open") == {namur, liege}
    assert ids(client, "status=acknowledged,resolved") == {brussels, liege}
    # Dates are whole days in Belgian time, the end day included.
    assert ids(client, "start=2026-01-01&end=2026-01-31") == {liege}
    assert ids(client, "end=2025-06-01") == {namur}
    # 2025-06-01T00:00Z is 02:00 in Brussels: the day before does not hold it.
    assert ids(client, "end=2025-05-31") == set()
    assert ids(client, "start=2025-06-01T00:00:01Z") == {brussels, liege}
    assert ids(client, "start=2026-01-15T11:00:00%2B01:00&end=2026-01-15T11:00:01%2B01:00") == {
        liege
    }
    assert ids(client, "region=wallonia&status=open&category=pothole") == {liege}
    response = client.get("/opendata/reports.geojson?region=wallonia&status=open")
    assert {f["id"] for f in features(response)} == {namur, liege}


def test_a_blank_parameter_is_no_filter(client, report_factory):
    report = report_factory()

    assert ids(client, "region=&status=&start=") == {str(report.id)}


def test_a_sensitive_category_is_generalised_in_both_formats(client, report_factory):
    report = report_factory(
        category="illegal_dumping", lon=FLAGEY[0], lat=FLAGEY[1], created_at=CREATED
    )

    (row,) = csv_rows(client.get("/opendata/reports.csv"))
    (feature,) = features(client.get("/opendata/reports.geojson"))

    assert row["id"] == feature["id"] == str(report.id)
    assert row["location_generalised"] == "true"
    assert feature["properties"]["location_generalised"] is True
    assert row["created_at"] == feature["properties"]["created_at"] == "2026-03-04T10:00:00Z"
    assert (float(row["lon"]), float(row["lat"])) != FLAGEY
    assert feature["geometry"]["coordinates"] == [float(row["lon"]), float(row["lat"])]
    for metres in (row["x_lambert2008"], row["y_lambert2008"]):
        assert abs(float(metres) / 100 - round(float(metres) / 100)) < 0.001


def test_free_text_only_once_publishable_and_photos_only_when_not_hidden(
    client, report_factory, session
):
    private = report_factory(description="Hole in front of number 12, ring twice")
    public = report_factory(description="Hole in the cycle lane")
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": public.id}
    )
    session.execute(PHOTO_SQL, {"id": private.id, "sha": "b", "hidden": False})
    session.execute(PHOTO_SQL, {"id": public.id, "sha": "d", "hidden": True})

    # Each read before the next request: in tests, both would share one connection.
    csv_response = client.get("/opendata/reports.csv")
    rows = {row["id"]: row for row in csv_rows(csv_response)}
    geojson_response = client.get("/opendata/reports.geojson")
    properties = {f["id"]: f["properties"] for f in features(geojson_response)}
    for published in (rows, properties):
        assert published[str(public.id)]["description"] == "Hole in the cycle lane"
        assert published[str(private.id)]["photo_url"] == (
            "http://localhost/api/v1/photos/" + "b" * 64 + ".jpg"
        )
        assert published[str(public.id)]["photo_url"] in ("", None)
    assert rows[str(private.id)]["description"] == ""
    assert properties[str(private.id)]["description"] is None
    for body in (csv_response.data, geojson_response.data):
        assert b"ring twice" not in body
        assert b"d" * 64 not in body


def test_photo_urls_start_with_the_public_base_url_when_one_is_set(
    app, client, report_factory, session
):
    report = report_factory()
    session.execute(PHOTO_SQL, {"id": report.id, "sha": "b", "hidden": False})
    app.config["PUBLIC_BASE_URL"] = "https://pave.example.be/"

    (row,) = csv_rows(client.get("/opendata/reports.csv"))

    assert row["photo_url"] == "https://pave.example.be/api/v1/photos/" + "b" * 64 + ".jpg"


def test_photo_addresses_in_files_are_where_the_api_serves_photos(app):
    # Files written without a request (the CLI, the nightly snapshot) name photos by the path
    # app.urls knows: it must be the photo route's, under a base URL with a path too.
    with app.test_request_context(base_url="https://pave.example.be/city/"):
        served = url_for("photos.PhotoFile", key="k.jpg", _external=True)

    assert photo_url_prefix("https://pave.example.be/city/") + "k.jpg" == served


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("region=mars", "region"),
        ("commune=1000", "commune"),
        ("commune=99999", "commune"),
        ("category=potholes", "category"),
        ("status=open,bogus", "status"),
        ("status=,", "status"),
        ("start=2026-13-01", "start"),
        ("start=yesterday", "start"),
        ("start=2026-03-01T10:00:00", "start"),
        ("end=2026-03-01T10:00", "end"),
        ("start=2026-03-02&end=2026-03-01", "end"),
        ("start=2026-03-01T10:00:00Z&end=2026-03-01T10:00:00Z", "end"),
        ("limit=10", "limit"),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_a_bad_parameter_gets_a_problem_naming_it_and_no_file(client, fmt, query, parameter):
    response = client.get(f"/opendata/reports.{fmt}?{query}")

    body = problem_for(response, 422)
    assert [error["pointer"] for error in body["errors"]] == [parameter]
    assert parameter in body["detail"]
    assert "Content-Disposition" not in response.headers
    assert "X-Total-Count" not in response.headers


@pytest.mark.parametrize(
    ("lang", "query", "title", "detail"),
    [
        ("fr", "commune=99999", "Demande non valide", "Aucune commune n'a le code INS 99999."),
        ("nl", "category=potholes", "Ongeldig verzoek", "Geen categorie heeft de code 'potholes'"),
        ("nl", "region=mars", "Ongeldig verzoek", "Geen gewest 'mars'; gebruik brussels"),
        ("fr", "status=open,bogus", "Demande non valide", "Statut inconnu 'bogus' ; utilisez"),
        ("nl", "status=,", "Ongeldig verzoek", "Geef minstens één status: open, closed"),
        ("de", "start=2026-02-30", "Ungültige Anfrage", "'2026-02-30' ist kein gültiges Datum"),
        ("fr", "start=2026-03-01T10:00:00%2B16:00", "Demande non valide", "vont jusqu'à ±15:59"),
        ("nl", "start=yesterday", "Ongeldig verzoek", "'yesterday' is geen datum (2026-03-01)"),
        ("fr", "start=2026-03-02&end=2026-03-01", "Demande non valide", "doit finir après"),
    ],
)
def test_a_bad_filter_is_explained_in_the_reader_s_language(client, lang, query, title, detail):
    response = client.get(f"/opendata/reports.csv?{query}", headers={"Accept-Language": lang})

    body = problem_for(response, 422)
    assert body["title"] == title
    assert detail in body["detail"]
    assert detail in body["errors"][0]["detail"]
    assert response.headers["Content-Language"] == lang


@pytest.mark.parametrize("path", ["/opendata/reports.xlsx", "/opendata/reports.gpkg?region=mars"])
def test_an_unknown_format_is_a_404_listing_the_formats(client, path):
    body = problem_for(client.get(path), 404)

    assert body["formats"] == ["csv", "geojson"]
    assert "reports.csv" in body["detail"] and "reports.geojson" in body["detail"]


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_a_large_export_arrives_in_pieces(client, session, fmt):
    session.execute(MANY_SQL, {"n": 1200, "label": "Generated report "})

    response = client.get(f"/opendata/reports.{fmt}", buffered=False)
    try:
        assert response.headers["X-Total-Count"] == "1200"
        pieces = list(response.response)
    finally:
        response.close()

    assert len(pieces) >= 4
    assert all(len(piece) < 2 * export.CHUNK_BYTES for piece in pieces)
    body = b"".join(pieces)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode(), newline="")))
        assert len(rows) == 1200
        # Oldest first: the order of created_at.
        assert rows[0]["description"] == "" and rows[0]["created_at"] == "2026-01-01T00:01:00Z"
        assert rows[-1]["created_at"] == "2026-01-01T20:00:00Z"
    else:
        assert len(json.loads(body)["features"]) == 1200


# A database of this module's own, with committed reports, for what the shared test
# connection cannot show: the export's own pooled connection, its snapshot, a client that
# goes away midway.
BOX = "ST_MakeEnvelope(4.3, 50.8, 4.4, 50.9, 4326)"
SEED_SQL = [
    "INSERT INTO boundary_sets (id, sha256, source, valid_from, commune_count) "
    "VALUES (1, 'test', 'test', '2025-01-01', 1)",
    "INSERT INTO communes (id, nis_code, name_fr, name_nl, region_code, boundary_set_id, "
    f"valid_from, boundary) VALUES (1, '21004', 'Bruxelles', 'Brussel', '04000', 1, "
    f"'2025-01-01', ST_Multi({BOX}))",
    f"INSERT INTO commune_parts (commune_id, geom) VALUES (1, {BOX})",
    "INSERT INTO bodies (code, kind, name_fr, name_nl, nis_code, region_code) "
    "VALUES ('commune-21004', 'commune', 'Ville de Bruxelles', 'Stad Brussel', '21004', '04000')",
]
POOLED_ROWS = 20_000
BUSY_SQL = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND state <> 'idle' AND pid <> pg_backend_pid()"
)


@pytest.fixture(scope="module")
def pooled_database():
    """The app's Database as in production (its own pool) over committed reports."""
    from app.db import Database
    from tests.helpers.databases import migrated_database

    with migrated_database("pave_exports", seed_sql=SEED_SQL) as engine:
        with engine.begin() as conn:
            conn.execute(MANY_SQL, {"n": POOLED_ROWS, "label": "Generated report "})
        database = Database.from_url(engine.url.render_as_string(hide_password=False))
        try:
            yield database
        finally:
            database.engine.dispose()


@pytest.fixture
def pooled_client(pooled_database):
    from app.web import create_app

    return create_app({"TESTING": True, "DATABASE": pooled_database}).test_client()


def _busy_backends(database, settle_s: float = 5.0) -> int:
    """Backends still working on this database, once a cancelled query has had time to stop.

    A cancel reaches the server as a signal, so on a loaded machine the backend can still show
    as active for a moment after the client moved on; a query left running stays busy (its
    client holds the connection open without reading), so waiting a bounded moment tells them
    apart without timing anything.
    """
    deadline = time.monotonic() + settle_s
    while True:
        with database.engine.connect() as conn:
            busy = conn.execute(BUSY_SQL).scalar_one()
        if busy == 0 or time.monotonic() > deadline:
            return busy
        time.sleep(0.05)


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_a_client_that_goes_away_midway_gives_the_connection_back(
    pooled_client, pooled_database, fmt
):
    pool = pooled_database.engine.pool
    response = pooled_client.get(f"/opendata/reports.{fmt}", buffered=False)
    assert response.headers["X-Total-Count"] == str(POOLED_ROWS)
    first = next(iter(response.response))
    assert first
    assert pool.checkedout() == 1, "the stream holds its own connection"

    # What the WSGI server does when the client disconnects.
    response.close()

    assert pool.checkedout() == 0
    assert _busy_backends(pooled_database) == 0, "the query was cancelled, not left running"
    # The connection it gave back serves the next export in full.
    again = pooled_client.get(f"/opendata/reports.{fmt}")
    body = again.get_data()
    assert again.status_code == 200
    if fmt == "csv":
        assert body.count(b"\n") == POOLED_ROWS + 1
    else:
        assert len(json.loads(body)["features"]) == POOLED_ROWS
    assert pool.checkedout() == 0


def test_a_head_request_counts_and_gives_the_connection_back(pooled_client, pooled_database):
    response = pooled_client.head("/opendata/reports.csv")
    response.close()

    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == str(POOLED_ROWS)
    assert response.data == b""
    assert pooled_database.engine.pool.checkedout() == 0


def test_the_count_and_the_rows_come_from_one_snapshot(pooled_client, pooled_database):
    response = pooled_client.get("/opendata/reports.csv", buffered=False)
    try:
        # Reports arrive after the count was taken, before the first row is read.
        with pooled_database.engine.begin() as conn:
            conn.execute(MANY_SQL, {"n": 5, "label": "Late report "})
        body = b"".join(response.response)
    finally:
        response.close()
        with pooled_database.engine.begin() as conn:
            conn.execute(text("DELETE FROM reports WHERE description LIKE 'Late report %'"))

    assert response.headers["X-Total-Count"] == str(POOLED_ROWS)
    assert body.count(b"\n") == POOLED_ROWS + 1


@pytest.mark.parametrize("datestyle", ["SQL, DMY", "German", "Postgres, MDY"])
def test_times_are_rfc3339_whatever_the_database_s_datestyle(
    client, report_factory, session, datestyle
):
    # An operator's server or database may write dates its own way (ALTER DATABASE … SET
    # datestyle); the files are cut from ISO text, which the export sets for itself.
    report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=CREATED, status="resolved")
    session.execute(text(f"SET datestyle = '{datestyle}'"))

    (row,) = csv_rows(client.get("/opendata/reports.csv?commune=21009"))
    (feature,) = features(client.get("/opendata/reports.geojson?commune=21009"))

    assert row["created_at"] == feature["properties"]["created_at"] == "2026-03-04T10:17:42Z"
    assert row["resolved_at"].endswith("Z") and row["resolved_at"][10] == "T"
    assert row["resolved_at"] == feature["properties"]["resolved_at"]
