"""One public projection: a sensitive report shows the same generalised place and hour everywhere.

An illegal-dumping report is placed at a known exact point, 37 m and 41 m (Lambert 2008) from
the corner of its 100 m grid cell, and given second-precise times (creation, a status change,
a public update). Every public format is then read: the report API (one, list, bbox, nearby),
Open311 (requests and updates, JSON and XML), OGC API Features (JSON and HTML), the CSV and
GeoJSON downloads and their CLI snapshots, the dashboard, and the follow page of someone who
is not the reporter. None may carry the exact point (WGS84 to ~10 m or finer, Lambert to
10 m or finer) or the exact minute, and all show the same grid corner. The report API's
filters must not reveal more than they return: no tiny bbox or radius finds the exact point.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from app.notify.notifications import issue_link
from tests.factories import FLAGEY
from tests.helpers.sql import POINTS_SQL

BRUSSELS = ZoneInfo("Europe/Brussels")
NEIGHBOUR = "voisin@example.org"


@dataclass(frozen=True)
class Sensitive:
    id: uuid.UUID
    lon: float
    lat: float
    x: float
    y: float
    published_lon: float
    published_lat: float
    times: tuple[dt.datetime, ...]
    neighbour_token: str
    reporter_token: str


@pytest.fixture
def sensitive(report_factory, session) -> Sensitive:
    p = session.execute(POINTS_SQL, {"lon": FLAGEY[0], "lat": FLAGEY[1]}).one()
    report = report_factory(
        category="illegal_dumping",
        lon=p.lon,
        lat=p.lat,
        with_reporter=True,
        description="Mattresses dumped behind the red door of number 12",
    )
    # Second-precise times, none on the hour, two days ago (inside Open311's default window).
    day = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
    created = day.replace(minute=37, second=23)
    acknowledged = created + dt.timedelta(hours=2, minutes=-25, seconds=21)  # hh:12:44
    updated = created + dt.timedelta(hours=5, minutes=11, seconds=-14)  # hh:48:09
    session.execute(
        text(
            "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, at) "
            "VALUES (:id, 'new', 'acknowledged', 'staff', :at)"
        ),
        {"id": report.id, "at": acknowledged},
    )
    session.execute(
        text(
            "INSERT INTO report_updates (report_id, author, body, public, created_at) "
            "VALUES (:id, 'staff', 'A crew will come and take it away.', true, :at)"
        ),
        {"id": report.id, "at": updated},
    )
    session.execute(
        text(
            "UPDATE reports SET status = 'acknowledged', created_at = :created, "
            "updated_at = :updated WHERE id = :id"
        ),
        {"id": report.id, "created": created, "updated": updated},
    )
    session.execute(
        text(
            "UPDATE report_status_changes SET at = :at WHERE report_id = :id AND from_status IS NULL"
        ),
        {"id": report.id, "at": created},
    )
    neighbour = issue_link(session.connection(), report.id, NEIGHBOUR, "follower")
    reporter = issue_link(session.connection(), report.id, report.reporter_email, "reporter")
    session.commit()
    return Sensitive(
        id=report.id,
        lon=p.lon,
        lat=p.lat,
        x=p.x,
        y=p.y,
        published_lon=p.clon,
        published_lat=p.clat,
        times=(created, acknowledged, updated),
        neighbour_token=neighbour.token,
        reporter_token=reporter.token,
    )


def _exact_position_strings(s: Sensitive) -> set[str]:
    """The exact point as any reader might print it, down to about 10 m."""
    found = set()
    for value in (s.lon, s.lat):
        for decimals in range(4, 16):
            found.add(f"{value:.{decimals}f}")
    for value in (s.x, s.y):
        found |= {f"{value:.0f}", f"{value:.1f}", f"{value:.2f}", f"{round(value, -1):.0f}"}
    return found


def _exact_time_strings(s: Sensitive) -> set[str]:
    """The exact times to the minute, in UTC and in Belgian time, ISO and otherwise."""
    found = set()
    for at in s.times:
        for moment in (at, at.astimezone(BRUSSELS)):
            found |= {
                moment.strftime("%Y-%m-%dT%H:%M"),
                moment.strftime("%Y-%m-%d %H:%M"),
                moment.strftime("%d/%m/%Y %H:%M"),
                moment.strftime("%H:%M:%S"),
            }
        found.add(str(int(at.timestamp())))
    return found


def _published(s: Sensitive) -> tuple[float, float]:
    return round(s.published_lon, 6), round(s.published_lat, 6)


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.data[:300])
    return response.get_data(as_text=True)


def _public_bodies(app, client, s: Sensitive, tmp_path) -> dict[str, str]:
    rid = s.id
    lon, lat = _published(s)
    paths = [
        "/api/v1/reports",
        f"/api/v1/reports/{rid}",
        f"/api/v1/reports?bbox={lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}",
        # Asked from elsewhere: the answer's own link repeats the question.
        f"/api/v1/reports/nearby?lon={FLAGEY[0]}&lat={FLAGEY[1]}&radius_m=500",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{rid}.json",
        f"/open311/v2/requests/{rid}.xml",
        "/open311/v2/servicerequestupdates.json",
        "/open311/v2/servicerequestupdates.xml",
        "/ogc/collections/reports/items?f=json",
        "/ogc/collections/reports/items?f=html",
        f"/ogc/collections/reports/items/{rid}?f=json",
        f"/ogc/collections/reports/items/{rid}?f=html",
        "/opendata/reports.csv",
        "/opendata/reports.geojson",
        "/opendata/dashboard/regions",
        "/opendata/dashboard/communes.csv",  # the JSON adds the communes' outlines
        "/opendata/dashboard/categories",
        "/opendata/dashboard/statuses",
        "/opendata/dashboard/trend",
        f"/api/v1/follow/{s.neighbour_token}",
    ]
    bodies = {path: _get(client, path) for path in paths}
    for fmt in ("csv", "geojson"):
        target = tmp_path / f"snapshot.{fmt}"
        args = ["opendata", "export", "--format", fmt, "-o", str(target)]
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 0, result.output
        bodies[f"flask opendata export --format {fmt}"] = target.read_text()
    return bodies


def _leaks(bodies: dict[str, str], needles: set[str]) -> dict[str, list[str]]:
    return {
        path: sorted(n for n in needles if n in body)
        for path, body in bodies.items()
        if any(n in body for n in needles)
    }


def _contacts(session) -> set[str]:
    rows = session.execute(
        text("SELECT reporter_name, reporter_email, reporter_phone FROM reports")
    ).all()
    found: set[str] = set()
    for row in rows:
        found |= {value for value in row if value}
        if row.reporter_phone:
            found.add(re.sub(r"\D", "", row.reporter_phone))
    return found


def test_no_public_format_carries_the_exact_place_or_time_of_a_sensitive_report(
    app, client, session, sensitive, tmp_path
):
    bodies = _public_bodies(app, client, sensitive, tmp_path)

    # The report is in every answer that lists reports, so the scan looks where the data is.
    for path, body in bodies.items():
        if "dashboard" not in path:
            assert str(sensitive.id) in body, path
    assert _leaks(bodies, _exact_position_strings(sensitive)) == {}
    assert _leaks(bodies, _exact_time_strings(sensitive)) == {}
    assert _leaks(bodies, _contacts(session) | {NEIGHBOUR}) == {}
    assert "red door" not in "".join(bodies.values())


def _points(client, s: Sensitive, tmp_path, app) -> dict[str, tuple[float, float]]:
    """The point each format gives for the report, rounded to 6 decimals."""
    rid = str(s.id)

    def pair(lon, lat) -> tuple[float, float]:
        return round(float(lon), 6), round(float(lat), 6)

    def feature(collection: dict) -> dict:
        return next(f for f in collection["features"] if str(f["id"]) == rid)

    def geometry(item: dict) -> tuple[float, float]:
        return pair(*item["geometry"]["coordinates"])

    one = client.get(f"/api/v1/reports/{rid}").get_json()["location"]
    follow = client.get(f"/api/v1/follow/{s.neighbour_token}").get_json()["report"]["location"]
    nearby = f"/api/v1/reports/nearby?lon={FLAGEY[0]}&lat={FLAGEY[1]}&radius_m=500"
    [open311] = client.get(f"/open311/v2/requests/{rid}.json").get_json()
    csv_lines = client.get("/opendata/reports.csv").get_data(as_text=True).splitlines()
    header = csv_lines[0].split(",")
    row = next(line.split(",") for line in csv_lines if line.startswith(rid))
    target = tmp_path / "points.geojson"
    app.test_cli_runner().invoke(
        args=["opendata", "export", "--format", "geojson", "-o", str(target)]
    )
    return {
        "api one": pair(one["lon"], one["lat"]),
        "api list": geometry(feature(client.get("/api/v1/reports").get_json())),
        "api nearby": geometry(feature(client.get(nearby).get_json())),
        "open311": pair(open311["long"], open311["lat"]),
        "ogc item": geometry(client.get(f"/ogc/collections/reports/items/{rid}?f=json").get_json()),
        "ogc items": geometry(
            feature(client.get("/ogc/collections/reports/items?f=json").get_json())
        ),
        "csv": pair(row[header.index("lon")], row[header.index("lat")]),
        "geojson": geometry(feature(client.get("/opendata/reports.geojson").get_json())),
        "snapshot": geometry(feature(json.loads(target.read_text()))),
        "follow page of a neighbour": pair(follow["lon"], follow["lat"]),
    }


def test_every_format_shows_the_same_generalised_point(app, client, sensitive, tmp_path):
    points = _points(client, sensitive, tmp_path, app)

    assert points == dict.fromkeys(points, _published(sensitive))


def test_the_api_shows_the_hour_and_no_accuracy_for_a_sensitive_report(client, sensitive):
    created = sensitive.times[0]
    body = client.get(f"/api/v1/reports/{sensitive.id}").get_json()

    assert body["created_at"] == created.replace(minute=0, second=0).isoformat()
    assert body["location"]["accuracy_m"] is None
    assert body["accuracy_m"] is None


def test_the_reporter_s_own_follow_page_shows_what_they_sent(client, sensitive):
    body = client.get(f"/api/v1/follow/{sensitive.reporter_token}").get_json()

    location = body["report"]["location"]
    assert (round(location["lon"], 7), round(location["lat"], 7)) == (
        round(sensitive.lon, 7),
        round(sensitive.lat, 7),
    )
    assert dt.datetime.fromisoformat(body["report"]["created_at"]) == sensitive.times[0]
    assert body["report"]["description"].startswith("Mattresses dumped")
    assert [dt.datetime.fromisoformat(h["at"]) for h in body["history"]][-1] == sensitive.times[1]


def test_a_neighbour_s_follow_page_shows_the_published_hours(client, sensitive):
    body = client.get(f"/api/v1/follow/{sensitive.neighbour_token}").get_json()

    hours = [dt.datetime.fromisoformat(h["at"]) for h in body["history"]]
    hours += [dt.datetime.fromisoformat(u["created_at"]) for u in body["updates"]]
    assert hours and all(at.minute == at.second == 0 for at in hours)
    assert body["report"]["description"] is None


def _listed(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    return {str(f["id"]) for f in response.get_json()["features"]}


def test_a_tiny_bbox_finds_the_report_at_its_published_point_only(client, sensitive):
    rid = str(sensitive.id)
    d = 0.0002  # about 15 to 20 m

    def box(lon, lat):
        return f"/api/v1/reports?bbox={lon - d},{lat - d},{lon + d},{lat + d}"

    assert rid not in _listed(client, box(sensitive.lon, sensitive.lat))
    assert rid in _listed(client, box(sensitive.published_lon, sensitive.published_lat))


def test_a_small_radius_finds_the_report_at_its_published_point_only(client, sensitive):
    rid = str(sensitive.id)

    def nearby(lon, lat):
        return client.get(f"/api/v1/reports/nearby?lon={lon}&lat={lat}&radius_m=20").get_json()

    assert rid not in {str(f["id"]) for f in nearby(sensitive.lon, sensitive.lat)["features"]}
    [found] = nearby(sensitive.published_lon, sensitive.published_lat)["features"]
    assert found["id"] == rid
    # The distance is to the published point: it says nothing about the exact one.
    assert found["properties"]["distance_m"] < 1


def test_the_period_filters_compare_the_published_time(client, sensitive):
    created = sensitive.times[0]
    hour = created.replace(minute=0, second=0)

    def listed(**query) -> set[str]:
        args = "&".join(f"{k}={v.isoformat().replace('+00:00', 'Z')}" for k, v in query.items())
        return _listed(client, f"/api/v1/reports?{args}")

    rid = str(sensitive.id)
    assert rid not in listed(since=created - dt.timedelta(seconds=1))
    assert rid in listed(since=hour, until=hour + dt.timedelta(seconds=1))


def test_a_neighbour_s_follow_page_of_a_resolved_report_tells_no_exact_moment(
    client, session, sensitive
):
    resolved = sensitive.times[2] + dt.timedelta(minutes=3, seconds=5)  # hh:51:14
    session.execute(
        text(
            "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, at) "
            "VALUES (:id, 'acknowledged', 'resolved', 'staff', :at)"
        ),
        {"id": sensitive.id, "at": resolved},
    )
    session.execute(
        text("UPDATE reports SET status = 'resolved', updated_at = :at WHERE id = :id"),
        {"id": sensitive.id, "at": resolved},
    )
    session.commit()
    moment = dataclasses.replace(sensitive, times=(resolved,))

    neighbour = _get(client, f"/api/v1/follow/{sensitive.neighbour_token}")
    reporter = client.get(f"/api/v1/follow/{sensitive.reporter_token}").get_json()

    assert _leaks({"neighbour": neighbour}, _exact_time_strings(moment)) == {}
    assert json.loads(neighbour)["reopen_until"] is None
    # The reporter may still say it is not fixed, until 30 days after the exact moment.
    assert dt.datetime.fromisoformat(reporter["reopen_until"]) == resolved + dt.timedelta(days=30)
