"""OGC API Features tests: readers of its documents and a quick way to make many reports."""

from __future__ import annotations

import uuid

from sqlalchemy import text

BASE = "/ogc"
GEOJSON = "application/geo+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
LAMBERT72 = "http://www.opengis.net/def/crs/EPSG/0/31370"
LAMBERT2008 = "http://www.opengis.net/def/crs/EPSG/0/3812"


def get_json(client, path: str, status: int = 200, **query) -> dict:
    """The JSON document at /ogc`path` (a path with its query, or a path and `query`)."""
    response = client.get(f"{BASE}{path}", query_string=query or None)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype in ("application/json", GEOJSON)
    return response.get_json()


def features(client, collection: str = "reports", **query) -> dict:
    """A page of items, checked to be a GeoJSON FeatureCollection with its numbers."""
    response = client.get(f"{BASE}/collections/{collection}/items", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == GEOJSON
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert body["numberReturned"] == len(body["features"])
    return body


def ids(body: dict) -> list[str]:
    return [f["id"] for f in body["features"]]


def links(document: dict, rel: str) -> list[dict]:
    return [link for link in document["links"] if link["rel"] == rel]


def one_link(document: dict, rel: str, type_: str | None = None) -> dict:
    found = [link for link in links(document, rel) if type_ is None or link["type"] == type_]
    assert len(found) == 1, (rel, type_, document["links"])
    return found[0]


def local(href: str) -> str:
    """The path and query of an absolute link, for the test client."""
    return href.removeprefix("http://localhost")


def ogc_error(response, status: int) -> str:
    """The description of an OGC API exception document (never problem+json)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"code", "description"}
    return body["description"]


def copy_report(session, report_id: uuid.UUID, n: int, *, step_deg: float = 0.0) -> None:
    """n more reports like `report_id`, each `step_deg` further east (a quick bulk insert).

    The rows go through the reports table and its trigger, as any report does; they are
    only made faster than through the domain service, for the tests that need a thousand.
    """
    session.execute(
        text(
            "INSERT INTO reports (id, category_id, description, location, accuracy_m,"
            " commune_id, body_id, status, created_at, updated_at, reporter_language)"
            " SELECT gen_random_uuid(), category_id, description,"
            " ST_Translate(location, i * :step, 0), accuracy_m, commune_id, body_id, status,"
            " created_at + i * interval '1 second', updated_at, reporter_language"
            " FROM reports, generate_series(1, :n) AS i WHERE id = :id"
        ),
        {"id": report_id, "n": n, "step": step_deg},
    )
    session.commit()
