"""/opendata/dashboard/…: a handful of reports, and the exact figures they must give."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import text

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
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["population"] == {"source": "Statbel", "date": "2020-01-01"}
    items = {c["nis_code"]: c for c in body["items"]}
    assert len(items) == 19, "every commune of the Brussels region, reports or not"
    area = _area_km2(session, "21004")
    assert items["21004"] == {
        "nis_code": "21004",
        "name": "Brussel",
        "region": "brussels",
        "total": 3,
        "open": 1,
        "resolved": 2,
        "median_resolution_hours": 20.0,
        "area_km2": round(area, 2),
        # Statbel, 1 January 2020 (../shared/data/be-population-2020-by-2025-commune.csv).
        "population": 185_103,
        "open_per_km2": round(1 / area, 3),
        "open_per_1000": round(1000 / 185_103, 3),
    }
    ixelles = items["21009"]
    assert (ixelles["open"], ixelles["total"], ixelles["resolved"]) == (1, 3, 1)
    assert ixelles["median_resolution_hours"] == 50.0
    assert (ixelles["population"], ixelles["open_per_1000"]) == (87_632, 0.011)
    quiet = items["21001"]
    assert (quiet["open"], quiet["open_per_km2"], quiet["open_per_1000"], quiet["total"]) == (
        0,
        0.0,
        0.0,
        0,
    )
    assert quiet["median_resolution_hours"] is None


def test_figures_carry_numbers_only(client, reports):
    body = _get(client, "communes").get_json()
    assert set(body) == {"items", "population"}
    assert all("geometry" not in c and "names" not in c for c in body["items"])
    assert len(client.get(f"{BASE}/communes").get_data()) < 150_000, "no outline, 565 communes"


def test_a_commune_without_population_has_no_rate_per_1000(client, session, reports):
    session.execute(text("DELETE FROM commune_populations WHERE nis_code = '21004'"))
    items = {
        c["nis_code"]: c for c in _get(client, "communes", MARCH_IN_BRUSSELS).get_json()["items"]
    }
    assert (items["21004"]["population"], items["21004"]["open_per_1000"]) == (None, None)
    assert items["21004"]["open_per_km2"] > 0
    rows = {r["nis_code"]: r for r in _csv_rows(_get(client, "communes.csv", MARCH_IN_BRUSSELS))}
    assert (rows["21004"]["population"], rows["21004"]["open_per_1000"]) == ("", "")

    session.execute(text("DELETE FROM commune_populations"))
    assert _get(client, "communes", MARCH_IN_BRUSSELS).get_json()["population"] is None


def test_a_category_narrows_the_commune_figures(client, reports):
    query = {**MARCH_IN_BRUSSELS, "category": "pothole"}
    items = _get(client, "communes", query).get_json()["items"]
    got = {
        c["nis_code"]: (c["open"], c["total"], c["resolved"], c["median_resolution_hours"])
        for c in items
        if c["total"]
    }
    assert got == {"21004": (1, 2, 1, 10.0), "21009": (1, 2, 1, 50.0)}


def test_all_of_belgium_without_a_period(client, reports):
    items = {c["nis_code"]: c for c in _get(client, "communes").get_json()["items"]}
    assert len(items) == 565
    assert (items["21004"]["total"], items["21004"]["open"]) == (4, 2)
    assert (items["92094"]["total"], items["92094"]["open"]) == (1, 1)
    assert sum(c["total"] for c in items.values()) == 8
    assert sum(c["population"] for c in items.values()) == 11_492_641


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
    communes = _get(client, "communes", MARCH_IN_BRUSSELS).get_json()["items"]
    response = _get(client, "communes.csv", MARCH_IN_BRUSSELS)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=dashboard-communes-brussels-")
    rows = _csv_rows(response)
    assert [r["nis_code"] for r in rows] == [c["nis_code"] for c in communes]
    bruxelles = next(r for r in rows if r["nis_code"] == "21004")
    props = next(c for c in communes if c["nis_code"] == "21004")
    assert bruxelles == {
        "nis_code": "21004",
        "name_fr": "Bruxelles",
        "name_nl": "Brussel",
        "name_de": "Brüssel",
        "region": "brussels",
        "area_km2": str(props["area_km2"]),
        "population": "185103",
        "open": "1",
        "open_per_km2": str(props["open_per_km2"]),
        "open_per_1000": str(props["open_per_1000"]),
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
        # The outlines have their own address now (…/outlines): no geometry here.
        ("communes", {"geometry": "true"}, "geometry"),
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
