"""/opendata/dashboard/…: a handful of reports, and the exact figures they must give."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import text

from app.geo.boundaries import refresh_routing
from tests.factories import FLAGEY, GRAND_PLACE

BASE = "/opendata/dashboard"
MARCH_IN_BRUSSELS = {"region": "brussels", "start": "2026-03-01", "end": "2026-03-31"}
UTC = dt.UTC


def at(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def reports(session, report_factory):
    """Six reports in Brussels in March 2026, one in Namur, one in Brussels in May."""

    def make(resolved_after_h: float | None = None, **kwargs):
        report = report_factory(**kwargs)
        if resolved_after_h is not None:
            session.execute(
                text(
                    "UPDATE reports SET resolved_at = created_at + make_interval(hours => :h)"
                    " WHERE id = :id"
                ),
                {"h": resolved_after_h, "id": report.id},
            )
        return report

    made = [
        make(in_brussels=True, category="pothole", created_at=at(2, 10)),
        make(
            in_brussels=True,
            category="pothole",
            status="resolved",
            created_at=at(3, 8),
            resolved_after_h=10,
        ),
        make(
            in_brussels=True,
            category="streetlight_out",
            status="resolved",
            created_at=at(10, 12),
            resolved_after_h=30,
        ),
        make(in_ixelles=True, category="pothole", status="in_progress", created_at=at(11, 9)),
        make(
            in_ixelles=True,
            category="pothole",
            status="resolved",
            created_at=at(12, 9),
            resolved_after_h=50,
        ),
        make(in_ixelles=True, category="graffiti", status="rejected", created_at=at(20, 15)),
        make(in_namur=True, category="pothole", status="acknowledged", created_at=at(5, 9)),
        make(in_brussels=True, category="pothole", created_at=at(1, 9, month=5)),
    ]
    session.commit()
    return made


def _area_km2(session, nis_code: str) -> float:
    return session.execute(
        text(
            "SELECT ST_Area(boundary::geography) / 1e6 FROM communes "
            "WHERE nis_code = :nis AND id IN (SELECT commune_id FROM commune_parts)"
        ),
        {"nis": nis_code},
    ).scalar_one()


def _get(client, path, query=None, lang="en"):
    return client.get(f"{BASE}/{path}", query_string=query or {}, headers={"Accept-Language": lang})


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_regions_are_listed_with_their_slugs(client):
    response = _get(client, "regions", lang="nl")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(r["slug"], r["code"]) for r in items] == [
        ("flanders", "02000"),
        ("wallonia", "03000"),
        ("brussels", "04000"),
    ]
    assert items[2]["name"] == "Brussels Hoofdstedelijk Gewest"


def test_communes_of_a_region_with_their_figures(client, session, reports):
    response = _get(client, "communes", MARCH_IN_BRUSSELS, lang="nl")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection"
    features = {f["id"]: f for f in collection["features"]}
    assert len(features) == 19, "every commune of the Brussels region, reports or not"
    bruxelles = features["21004"]["properties"]
    area = _area_km2(session, "21004")
    assert bruxelles == {
        "nis_code": "21004",
        "names": {"fr": "Bruxelles", "nl": "Brussel", "de": "Brüssel"},
        "region": "brussels",
        "area_km2": round(area, 2),
        "open": 1,
        "open_per_km2": round(1 / area, 3),
        "total": 3,
        "resolved": 2,
        "median_resolution_hours": 20.0,
        "name": "Brussel",
    }
    ixelles = features["21009"]["properties"]
    assert (ixelles["open"], ixelles["total"], ixelles["resolved"]) == (1, 3, 1)
    assert ixelles["median_resolution_hours"] == 50.0
    quiet = features["21001"]["properties"]
    assert (quiet["open"], quiet["open_per_km2"], quiet["total"]) == (0, 0.0, 0)
    assert quiet["median_resolution_hours"] is None


def test_a_category_narrows_the_commune_figures(client, reports):
    query = {**MARCH_IN_BRUSSELS, "category": "pothole", "geometry": "false"}
    features = {f["id"]: f for f in _get(client, "communes", query).get_json()["features"]}
    assert features["21004"]["geometry"] is None
    got = {
        nis: (p["open"], p["total"], p["resolved"], p["median_resolution_hours"])
        for nis, p in ((nis, f["properties"]) for nis, f in features.items())
        if p["total"]
    }
    assert got == {"21004": (1, 2, 1, 10.0), "21009": (1, 2, 1, 50.0)}


def test_all_of_belgium_without_a_period(client, reports):
    query = {"geometry": "false"}
    features = {
        f["id"]: f["properties"] for f in _get(client, "communes", query).get_json()["features"]
    }
    assert len(features) == 565
    assert (features["21004"]["total"], features["21004"]["open"]) == (4, 2)
    assert (features["92094"]["total"], features["92094"]["open"]) == (1, 1)
    assert sum(p["total"] for p in features.values()) == 8


def test_outlines_are_simplified_geojson_that_still_hold_their_commune(client, session, reports):
    # Bruxelles with a vertex every 5 m, as in full-resolution boundaries; routing rebuilt.
    session.execute(
        text(
            "UPDATE communes SET boundary = ST_Multi(ST_Transform(ST_Segmentize("
            "ST_Transform(boundary, 3812), 5), 4326)) WHERE nis_code = '21004'"
            " AND id IN (SELECT commune_id FROM commune_parts)"
        )
    )
    refresh_routing(session)
    dense = session.execute(
        text(
            "SELECT ST_NPoints(boundary) FROM communes WHERE nis_code = '21004'"
            " AND id IN (SELECT commune_id FROM commune_parts)"
        )
    ).scalar_one()
    features = {
        f["id"]: f for f in _get(client, "communes", MARCH_IN_BRUSSELS).get_json()["features"]
    }
    for nis, place in (("21004", GRAND_PLACE), ("21009", FLAGEY)):
        geometry = features[nis]["geometry"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}
        outline = shape(geometry)
        assert outline.is_valid and outline.contains(Point(place))
        points = list(_coordinates(geometry["coordinates"]))
        assert all(len(repr(v).split(".")[-1]) <= 5 for point in points for v in point)
    served = len(list(_coordinates(features["21004"]["geometry"]["coordinates"])))
    assert dense > 5000 and served < dense / 10


def test_a_boundary_change_is_never_served_from_stale_outlines(client, session):
    def west_edge() -> float:
        features = _get(client, "communes", {"region": "brussels"}).get_json()["features"]
        return shape(next(f for f in features if f["id"] == "21004")["geometry"]).bounds[0]

    before = west_edge()
    session.execute(
        text(
            "UPDATE communes SET boundary = ST_Translate(boundary, 0.01, 0)"
            " WHERE nis_code = '21004' AND id IN (SELECT commune_id FROM commune_parts)"
        )
    )
    refresh_routing(session)
    assert west_edge() == pytest.approx(before + 0.01, abs=1e-4)


def _coordinates(nested):
    if isinstance(nested[0], (int, float)):
        yield nested
        return
    for item in nested:
        yield from _coordinates(item)


def test_counts_by_category_and_status(client, reports):
    categories = _get(client, "categories", MARCH_IN_BRUSSELS, lang="fr").get_json()["items"]
    assert len(categories) == 11, "every active category, with or without reports"
    counted = {c["code"]: (c["total"], c["open"], c["closed"]) for c in categories if c["total"]}
    assert counted == {"pothole": (4, 2, 2), "streetlight_out": (1, 0, 1), "graffiti": (1, 0, 1)}
    assert next(c for c in categories if c["code"] == "pothole")["name"] == "Nid-de-poule"

    statuses = _get(client, "statuses", MARCH_IN_BRUSSELS).get_json()["items"]
    assert [s["status"] for s in statuses] == [
        "new",
        "acknowledged",
        "planned",
        "in_progress",
        "resolved",
        "rejected",
        "duplicate",
        "transferred",
        "reopened",
    ]
    counted = {s["status"]: s["count"] for s in statuses if s["count"]}
    assert counted == {"new": 1, "in_progress": 1, "resolved": 3, "rejected": 1}
    assert {s["status"]: s["open311_status"] for s in statuses}["rejected"] == "closed"


def test_one_category_counts_only_that_category(client, reports):
    query = {**MARCH_IN_BRUSSELS, "category": "pothole"}
    items = _get(client, "categories", query).get_json()["items"]
    assert [(c["code"], c["total"]) for c in items] == [("pothole", 4)]
    statuses = _get(client, "statuses", query).get_json()["items"]
    assert {s["status"]: s["count"] for s in statuses if s["count"]} == {
        "new": 1,
        "in_progress": 1,
        "resolved": 2,
    }


def test_trend_per_week_counts_created_and_resolved(client, reports):
    body = _get(client, "trend", MARCH_IN_BRUSSELS).get_json()
    assert body["interval"] == "week"
    assert [(p["period_start"], p["created"], p["resolved"]) for p in body["items"]] == [
        ("2026-02-23", 0, 0),
        ("2026-03-02", 2, 1),
        ("2026-03-09", 3, 2),
        ("2026-03-16", 1, 0),
        ("2026-03-23", 0, 0),
        ("2026-03-30", 0, 0),
    ]


def test_trend_per_month_over_a_long_period(client, reports):
    query = {"region": "brussels", "start": "2025-06-01", "end": "2026-12-31"}
    body = _get(client, "trend", query).get_json()
    assert body["interval"] == "month"
    points = {p["period_start"]: (p["created"], p["resolved"]) for p in body["items"]}
    assert len(points) == 19
    assert points["2026-03-01"] == (6, 3)
    assert points["2026-05-01"] == (1, 0)
    assert sum(created for created, _ in points.values()) == 7
    weekly = _get(client, "trend", {**query, "interval": "week"}).get_json()
    assert weekly["interval"] == "week" and len(weekly["items"]) == 84


def test_every_figure_downloads_as_csv_with_the_same_numbers(client, reports):
    communes = _get(client, "communes", MARCH_IN_BRUSSELS).get_json()["features"]
    response = _get(client, "communes.csv", MARCH_IN_BRUSSELS)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=dashboard-communes-brussels-")
    rows = _csv_rows(response)
    assert [r["nis_code"] for r in rows] == [f["id"] for f in communes]
    bruxelles = next(r for r in rows if r["nis_code"] == "21004")
    props = next(f["properties"] for f in communes if f["id"] == "21004")
    assert bruxelles == {
        "nis_code": "21004",
        "name_fr": "Bruxelles",
        "name_nl": "Brussel",
        "name_de": "Brüssel",
        "region": "brussels",
        "area_km2": str(props["area_km2"]),
        "open": "1",
        "open_per_km2": str(props["open_per_km2"]),
        "total": "3",
        "resolved": "2",
        "median_resolution_hours": "20.0",
    }
    assert next(r for r in rows if r["nis_code"] == "21001")["median_resolution_hours"] == ""

    by_param = _get(client, "categories", {**MARCH_IN_BRUSSELS, "format": "csv"})
    by_suffix = _get(client, "categories.csv", MARCH_IN_BRUSSELS)
    assert by_param.get_data() == by_suffix.get_data()
    pothole = next(r for r in _csv_rows(by_suffix) if r["code"] == "pothole")
    assert (pothole["name_nl"], pothole["total"], pothole["open"], pothole["closed"]) == (
        "Put in de weg",
        "4",
        "2",
        "2",
    )
    statuses = {
        r["status"]: r["count"] for r in _csv_rows(_get(client, "statuses.csv", MARCH_IN_BRUSSELS))
    }
    assert statuses["resolved"] == "3" and statuses["planned"] == "0"
    trend = _csv_rows(_get(client, "trend.csv", MARCH_IN_BRUSSELS))
    assert trend[1] == {
        "period_start": "2026-03-02",
        "interval": "week",
        "created": "2",
        "resolved": "1",
    }
    json_suffix = _get(client, "statuses.json", MARCH_IN_BRUSSELS)
    assert json_suffix.get_json() == _get(client, "statuses", MARCH_IN_BRUSSELS).get_json()


@pytest.mark.parametrize(
    ("path", "query", "pointer"),
    [
        ("communes", {"region": "atlantis"}, "region"),
        ("categories", {"category": "unicorns"}, "category"),
        ("statuses", {"start": "2026-02-30"}, "start"),
        ("trend", {"start": "2026-04-01", "end": "2026-03-01"}, "end"),
        ("trend", {"interval": "day"}, "interval"),
        ("communes", {"geometry": "perhaps"}, "geometry"),
        ("statuses", {"format": "xlsx"}, "format"),
        ("statuses.csv", {"format": "json"}, "format"),
        ("categories", {"colour": "red"}, "colour"),
        ("communes", {"interval": "week"}, "interval"),
    ],
)
def test_bad_parameters_are_refused_saying_which(client, path, query, pointer):
    response = _get(client, path, query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert [e["pointer"] for e in problem["errors"]] == [pointer]
    assert pointer in problem["detail"]


def test_an_unknown_format_suffix_is_a_404_problem(client):
    response = _get(client, "communes.xlsx", {"region": "brussels"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["formats"] == ["json", "csv"]


def test_an_empty_filter_means_no_filter(client, reports):
    everything = _get(client, "statuses", {"region": "", "category": ""}).get_json()["items"]
    assert sum(s["count"] for s in everything) == 8
