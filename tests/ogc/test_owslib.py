"""OWSLib, an independent client, over real HTTP; and no reporter's data in any answer.

The app runs under werkzeug's server in a thread (the browser tests' LiveServer) against a
throwaway database of its own, since a live server must see committed rows.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterator

import pytest
from owslib.ogcapi.features import Features
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import Database
from app.web import create_app
from tests.factories import FLAGEY, GRAND_PLACE, LIEGE_SAINT_LAMBERT, NAMUR_CITADEL, ReportFactory
from tests.helpers.databases import migrated_database
from tests.helpers.ogc import LAMBERT72, LAMBERT2008
from tests.helpers.servers import LiveServer, free_port

PLACES = [GRAND_PLACE, FLAGEY, NAMUR_CITADEL, LIEGE_SAINT_LAMBERT]
AROUND_BRUSSELS = [4.30, 50.80, 4.40, 50.87]


@pytest.fixture(scope="module")
def live_db():
    with migrated_database("pave_ogc", boundaries=True) as engine:
        with Session(engine) as session:
            ReportFactory.bind(session)
            try:
                for i, (lon, lat) in enumerate(PLACES * 3):
                    ReportFactory(
                        with_reporter=True,
                        lon=lon,
                        lat=lat,
                        category="illegal_dumping" if i % 4 == 3 else "pothole",
                        description=f"Private detail {i}: ring at Mrs Janssens'",
                        created_at=dt.datetime(2026, 1, 1 + i, 9, 30, tzinfo=dt.UTC),
                    )
            finally:
                ReportFactory.bind(None)
        yield engine


@pytest.fixture(scope="module")
def live(live_db) -> Iterator[LiveServer]:
    url = live_db.url.render_as_string(hide_password=False)
    database = Database.from_url(url)
    port = free_port()
    app = create_app(
        {"DATABASE_URL": url, "DATABASE": database, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    )
    server = LiveServer(app, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        database.engine.dispose()


@pytest.fixture(scope="module")
def client(live) -> Features:
    return Features(f"{live.url}/ogc/")


def test_owslib_finds_both_collections_and_their_descriptions(client):
    assert sorted(client.feature_collections()) == ["communes", "reports"]
    reports = client.collection("reports")
    points = [
        f["geometry"]["coordinates"]
        for f in client.collection_items("reports", limit=100)["features"]
    ]
    lons, lats = zip(*points, strict=True)
    assert reports["extent"]["spatial"]["bbox"] == [[min(lons), min(lats), max(lons), max(lats)]]
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (client.conformance()["conformsTo"])
    )
    assert set(client.api()["paths"]) >= {"/collections/reports/items/{featureId}"}


def test_owslib_reads_items_with_a_bbox_and_a_limit(client):
    everything = client.collection_items("reports", limit=100)
    assert everything["numberMatched"] == 12

    page = client.collection_items("reports", bbox=AROUND_BRUSSELS, limit=2)

    assert page["numberReturned"] == 2 and page["numberMatched"] == 6
    for feature in page["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 4.30 <= lon <= 4.40 and 50.80 <= lat <= 50.87
    next_link = next(link for link in page["links"] if link["rel"] == "next")
    assert "bbox=" in next_link["href"] and "limit=2" in next_link["href"]


def test_owslib_gets_one_feature(client):
    first = client.collection_items("reports", limit=1)["features"][0]

    feature = client.collection_item("reports", first["id"])

    assert feature["id"] == first["id"]
    assert feature["geometry"] == first["geometry"]
    assert client.collection_item("communes", "92094")["properties"]["name_fr"] == "Namur"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read().decode()


def every_answer(live: LiveServer, feature_ids: list[str]) -> Iterator[tuple[str, str]]:
    """(url, body) of every resource of the API, in JSON and HTML, items in every CRS."""
    base = f"{live.url}/ogc"
    paths = ["/", "/conformance", "/api", "/collections"]
    paths += [f"/collections/{c}" for c in ("reports", "communes")]
    for crs in ("", f"&crs={LAMBERT72}", f"&crs={LAMBERT2008}"):
        paths += [f"/collections/reports/items?limit=1000{crs}"]
        paths += [f"/collections/reports/items/{i}?crs={LAMBERT72}" for i in feature_ids[:1]]
    paths += [f"/collections/reports/items/{i}" for i in feature_ids]
    for path in paths:
        for fmt in ("json", "html"):
            url = base + path + ("&" if "?" in path else "?") + f"f={fmt}"
            yield url, fetch(url)
    # Page by page too, as a harvester would read them.
    url = f"{base}/collections/reports/items?limit=5&f=json"
    while url:
        body = fetch(url)
        yield url, body
        url = next((ln["href"] for ln in json.loads(body)["links"] if ln["rel"] == "next"), None)


def test_no_answer_holds_a_reporters_name_email_or_phone_nor_private_text(live, live_db):
    with live_db.connect() as conn:
        secrets = {
            value
            for row in conn.execute(
                text("SELECT reporter_name, reporter_email, reporter_phone FROM reports")
            )
            for value in row
            if value
        }
        feature_ids = [str(i) for i in conn.execute(text("SELECT id FROM reports")).scalars()]
    assert len(secrets) == 36, "every report has a name, an email and a phone"

    answers = list(every_answer(live, feature_ids))

    assert len(answers) > 40
    for url, body in answers:
        for secret in secrets:
            assert secret not in body, (url, secret)
        assert "Mrs Janssens" not in body, url
