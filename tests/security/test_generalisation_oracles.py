"""No polling and no duplicate link undoes the generalisation of a sensitive report.

- Polling: a sensitive report published at once, under its creation hour, told its creation
  minute to anyone polling once a minute. It is public only once its published hour is over,
  in every public reader; its author still reads it at once (the creation answer, their follow
  page).
- Duplicates: a report merged into a sensitive one is about the same spot; published at its
  exact point and second next to the link to its original, it pinned the spot within metres.
  It is generalised like its original, and follows when the merge or the original's
  sensitivity changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from app.notify.notifications import issue_link
from app.tickets.services import transition
from tests.factories import FLAGEY, HOURS_AGO
from tests.helpers.sql import POINTS_SQL
from tests.helpers.tickets import CREW, audit, state

AUTHOR = "auteur@example.org"
# A second-precise time, not on the hour, two days ago (inside Open311's default window).
TWO_DAYS_AGO = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).replace(
    minute=37, second=23, microsecond=0
)
HOUR = TWO_DAYS_AGO.replace(minute=0, second=0)

PUBLISHED_SQL = text(
    "SELECT ST_X(location) AS lon, ST_Y(location) AS lat, generalised, accuracy_m, created_at "
    "FROM open_data_reports WHERE id = :id"
)


@pytest.fixture
def place(session) -> SimpleNamespace:
    """An exact point 37 m east and 41 m north of its grid corner (clon, clat), near Flagey."""
    p = session.execute(POINTS_SQL, {"lon": FLAGEY[0], "lat": FLAGEY[1]}).one()
    return SimpleNamespace(**p._asdict())


def _pair(lon, lat) -> tuple[float, float]:
    return round(float(lon), 6), round(float(lat), 6)


def _get(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    return response


def _csv_row(client, rid: str) -> dict[str, str]:
    body = _get(client, "/opendata/reports.csv").get_data(as_text=True)
    return next(row for row in csv.DictReader(io.StringIO(body)) if row["id"] == rid)


def _where_public(client, rid: str, place) -> dict[str, bool]:
    """Whether each public reader shows the report."""
    lon, lat = _pair(place.clon, place.clat)
    listings = {
        "api list": "/api/v1/reports",
        "api nearby": f"/api/v1/reports/nearby?lon={lon}&lat={lat}&radius_m=500",
        "open311 list": "/open311/v2/requests.json",
        "ogc items": "/ogc/collections/reports/items?f=json",
        "csv": "/opendata/reports.csv",
        "geojson": "/opendata/reports.geojson",
    }
    found = {
        name: rid in _get(client, path).get_data(as_text=True) for name, path in listings.items()
    }
    singles = {
        "api one": f"/api/v1/reports/{rid}",
        "open311 one": f"/open311/v2/requests/{rid}.json",
        "ogc item": f"/ogc/collections/reports/items/{rid}?f=json",
    }
    for name, path in singles.items():
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        found[name] = response.status_code == 200
    return found


def _post_sensitive(client, place) -> dict:
    body = {
        "category": "illegal_dumping",
        "description": "Bags of rubble behind the garage",
        "location": {"lon": place.lon, "lat": place.lat, "accuracy_m": 12.0},
        "reporter": {"email": AUTHOR},
    }
    response = client.post("/api/v1/reports", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_a_fresh_sensitive_report_is_public_only_once_its_published_hour_is_over(
    client, session, place
):
    rid = _post_sensitive(client, place)["id"]

    # Its hour is not over: no reader shows it, so polling tells nothing of its minute.
    found = _where_public(client, rid, place)
    assert found == dict.fromkeys(found, False)
    assert client.get(f"/api/v1/reports/{rid}").mimetype == "application/problem+json"

    # An hour earlier, its published hour is over (the trigger publishes the new time).
    session.execute(
        text("UPDATE reports SET created_at = created_at - interval '1 hour' WHERE id = :id"),
        {"id": rid},
    )
    session.commit()

    found = _where_public(client, rid, place)
    assert found == dict.fromkeys(found, True)
    one = _get(client, f"/api/v1/reports/{rid}").get_json()
    assert _pair(one["location"]["lon"], one["location"]["lat"]) == _pair(place.clon, place.clat)


def test_its_author_reads_it_at_once_in_the_answer_and_on_their_follow_page(client, session, place):
    created = _post_sensitive(client, place)

    assert _pair(created["location"]["lon"], created["location"]["lat"]) == _pair(
        place.lon, place.lat
    )
    assert created["location"]["accuracy_m"] == 12.0
    assert created["description"] == "Bags of rubble behind the garage"
    link = issue_link(session.connection(), created["id"], AUTHOR, "reporter")
    session.commit()
    page = _get(client, f"/api/v1/follow/{link.token}").get_json()
    assert page["is_reporter"] is True
    location = page["report"]["location"]
    assert _pair(location["lon"], location["lat"]) == _pair(place.lon, place.lat)


@pytest.fixture
def duplicate(report_factory, session, place):
    """A pothole report at the exact point, merged into a sensitive report nearby."""
    original = report_factory(
        category="illegal_dumping", lon=FLAGEY[0], lat=FLAGEY[1], created_at=HOURS_AGO
    )
    copy = report_factory(category="pothole", lon=place.lon, lat=place.lat, created_at=TWO_DAYS_AGO)
    session.execute(
        text("UPDATE reports SET status = 'duplicate', duplicate_of = :o WHERE id = :id"),
        {"id": copy.id, "o": original.id},
    )
    session.commit()
    return SimpleNamespace(id=copy.id, original=original.id)


def test_a_duplicate_of_a_sensitive_report_shows_the_grid_point_and_the_hour(
    client, place, duplicate
):
    rid = str(duplicate.id)
    corner = _pair(place.clon, place.clat)

    one = _get(client, f"/api/v1/reports/{rid}").get_json()
    [open311] = _get(client, f"/open311/v2/requests/{rid}.json").get_json()
    item = _get(client, f"/ogc/collections/reports/items/{rid}?f=json").get_json()
    row = _csv_row(client, rid)

    assert _pair(one["location"]["lon"], one["location"]["lat"]) == corner
    assert one["location"]["accuracy_m"] is None
    assert dt.datetime.fromisoformat(one["created_at"]) == HOUR
    assert _pair(open311["long"], open311["lat"]) == corner
    assert dt.datetime.fromisoformat(open311["requested_datetime"]) == HOUR
    assert _pair(*item["geometry"]["coordinates"]) == corner
    assert item["properties"]["location_generalised"] is True
    assert dt.datetime.fromisoformat(item["properties"]["created_at"]) == HOUR
    assert _pair(row["lon"], row["lat"]) == corner
    assert dt.datetime.fromisoformat(row["created_at"]) == HOUR


def _published_link(client, rid: str) -> set[str | None]:
    """The `duplicate_of` each public reader of the view gives: OGC, CSV and GeoJSON."""
    item = _get(client, f"/ogc/collections/reports/items/{rid}?f=json").get_json()
    features = json.loads(_get(client, "/opendata/reports.geojson").data)["features"]
    [feature] = [f for f in features if f["id"] == rid]
    return {
        item["properties"]["duplicate_of"],
        _csv_row(client, rid)["duplicate_of"] or None,
        feature["properties"]["duplicate_of"],
    }


@pytest.mark.parametrize(
    ("copy_category", "original_category", "linked"),
    [
        # An ordinary report merged into a sensitive one: the link named the sensitive report
        # to whoever kept the ordinary one's exact point from before the merge.
        ("pothole", "illegal_dumping", False),
        # A sensitive report merged into an ordinary one: the link named a report published at
        # its exact point, which is the same spot.
        ("illegal_dumping", "pothole", False),
        ("pothole", "damaged_pavement", True),
    ],
)
def test_a_generalised_duplicate_does_not_name_its_original(
    client, session, report_factory, place, copy_category, original_category, linked
):
    original = report_factory(
        category=original_category, lon=FLAGEY[0], lat=FLAGEY[1], created_at=TWO_DAYS_AGO
    )
    copy = report_factory(
        category=copy_category, lon=place.lon, lat=place.lat, created_at=TWO_DAYS_AGO
    )
    session.execute(
        text("UPDATE reports SET status = 'duplicate', duplicate_of = :o WHERE id = :id"),
        {"id": copy.id, "o": original.id},
    )
    session.commit()

    assert _published_link(client, str(copy.id)) == ({str(original.id)} if linked else {None})
    item = _get(client, f"/ogc/collections/reports/items/{copy.id}?f=json").get_json()
    assert item["properties"]["status"] == "duplicate"
    assert item["properties"]["location_generalised"] is not linked


def test_a_duplicate_follows_its_merge_and_its_original_s_sensitivity(session, place, duplicate):
    def published():
        row = session.execute(PUBLISHED_SQL, {"id": duplicate.id}).one()
        return _pair(row.lon, row.lat), row.generalised, row.created_at

    corner, exact = _pair(place.clon, place.clat), _pair(place.lon, place.lat)
    generalised = (corner, True, HOUR)
    ordinary = (exact, False, TWO_DAYS_AGO)
    assert published() == generalised

    session.execute(
        text("UPDATE reports SET status = 'acknowledged', duplicate_of = NULL WHERE id = :id"),
        {"id": duplicate.id},
    )
    assert published() == ordinary
    session.execute(
        text("UPDATE reports SET status = 'duplicate', duplicate_of = :o WHERE id = :id"),
        {"id": duplicate.id, "o": duplicate.original},
    )
    assert published() == generalised

    session.execute(text("UPDATE categories SET sensitive = false WHERE code = 'illegal_dumping'"))
    assert published() == ordinary
    session.execute(text("UPDATE categories SET sensitive = true WHERE code = 'illegal_dumping'"))
    assert published() == generalised

    # Staff file the original under another, not sensitive, category.
    session.execute(
        text(
            "UPDATE reports SET category_id = (SELECT id FROM categories WHERE code = 'pothole') "
            "WHERE id = :id"
        ),
        {"id": duplicate.original},
    )
    assert published() == ordinary


def test_a_status_change_published_to_the_hour_is_listed_once_that_hour_is_over(
    client, session, report_factory
):
    report = report_factory(category="illegal_dumping", created_at=TWO_DAYS_AGO)
    session.execute(
        text(
            "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, at) "
            "VALUES (:id, 'new', 'acknowledged', 'staff', now() - interval '1 minute')"
        ),
        {"id": report.id},
    )
    session.commit()

    def listed() -> bool:
        updates = _get(client, "/open311/v2/servicerequestupdates.json").get_json()
        return str(report.id) in {u["service_request_id"] for u in updates}

    assert not listed()
    session.execute(
        text("UPDATE report_status_changes SET at = at - interval '1 hour' WHERE report_id = :id"),
        {"id": report.id},
    )
    session.commit()
    assert listed()


def test_a_duplicate_of_a_report_merged_into_a_sensitive_one_is_generalised_too(
    client, session, report_factory, place
):
    """E merged into D, then D into a sensitive R: E named D at its exact point, and D's
    generalised point said where R is. Merging D hands its duplicates on to R."""
    sensitive = report_factory(
        category="illegal_dumping", lon=FLAGEY[0], lat=FLAGEY[1], created_at=TWO_DAYS_AGO
    )
    middle = report_factory(
        category="pothole", lon=place.lon, lat=place.lat, created_at=TWO_DAYS_AGO
    )
    first = report_factory(
        category="pothole", lon=place.lon, lat=place.lat, created_at=TWO_DAYS_AGO
    )
    transition(session, first.id, "duplicate", actor=CREW, duplicate_of=middle.id)
    transition(session, middle.id, "duplicate", actor=CREW, duplicate_of=sensitive.id)
    session.commit()

    for copy in (first, middle):
        assert _published_link(client, str(copy.id)) == {None}
        item = _get(client, f"/ogc/collections/reports/items/{copy.id}?f=json").get_json()
        assert item["properties"]["location_generalised"] is True
        assert _pair(*item["geometry"]["coordinates"]) == _pair(place.clon, place.clat)
    # The crews see where it points now, and who made it so.
    assert state(session, first.id).duplicate_of == sensitive.id
    assert [row.action for row in audit(session, first.id)][-1] == "repoint_duplicate"
