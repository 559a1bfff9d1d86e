"""No reporter's name, email or phone held in the database appears in any open-data output.

Reports are made with a reporter's contact; then every reporter contact in the database is
read back and looked for in every public format: the exports, the snapshot files (CSV,
GeoJSON, GeoPackage, FlatGeobuf, read as bytes), Open311 (JSON and XML), OGC API Features
(GeoJSON and HTML) and the DCAT catalogue.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.factories import HOURS_AGO

PUBLIC_TEXT = "Broken kerb in front of the school gate"


def _contacts(session) -> set[str]:
    """Every reporter name, email and phone in the database, the phone also as bare digits."""
    rows = session.execute(
        text("SELECT reporter_name, reporter_email, reporter_phone FROM reports")
    ).all()
    found: set[str] = set()
    for name, email, phone in rows:
        found |= {value for value in (name, email, phone) if value}
        if phone:
            found.add(re.sub(r"\D", "", phone))
    return found


def _bodies(client, listings: list[str], singles: list[str]) -> dict[str, str]:
    bodies = {}
    for path in [*listings, *singles]:
        # Read whole and closed (a snapshot is an open file until then).
        response = client.get(path, buffered=True)
        assert response.status_code == 200, (path, response.data[:300])
        # The GeoPackage and FlatGeobuf are binary; their texts are UTF-8 inside.
        bodies[path] = response.get_data().decode("utf-8", errors="replace")
    return bodies


SNAPSHOTS = [f"/opendata/snapshots/reports.{fmt}" for fmt in ("csv", "geojson", "gpkg", "fgb")]


def _write_snapshots(app) -> None:
    result = app.test_cli_runner().invoke(args=["opendata", "snapshot"])
    assert result.exit_code == 0, result.output


def _leaks(bodies: dict[str, str], contacts: set[str]) -> dict[str, list[str]]:
    return {
        path: sorted(c for c in contacts if c in body)
        for path, body in bodies.items()
        if any(c in body for c in contacts)
    }


def test_no_reporter_contact_in_any_published_format(app, client, report_factory, session):
    reports = [
        report_factory(with_reporter=True, in_brussels=True),
        report_factory(with_reporter=True, in_namur=True, closed=True),
        report_factory(
            with_reporter=True, in_ixelles=True, category="illegal_dumping", created_at=HOURS_AGO
        ),
        report_factory(with_reporter=True, in_liege=True, status="acknowledged"),
    ]
    public = report_factory(in_brussels=True, description=PUBLIC_TEXT)
    public.description_public = True
    session.commit()
    reports.append(public)
    contacts = _contacts(session)
    assert len(contacts) >= 4 * 4, "names, emails, phones and their digits"

    listings = [
        "/opendata/reports.csv",
        "/opendata/reports.geojson",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/ogc/collections/reports/items?f=json",
        "/ogc/collections/reports/items?f=html",
        *SNAPSHOTS,
    ]
    _write_snapshots(app)
    singles = [
        path
        for report in reports
        for path in (
            f"/open311/v2/requests/{report.id}.json",
            f"/open311/v2/requests/{report.id}.xml",
            f"/ogc/collections/reports/items/{report.id}?f=json",
            f"/ogc/collections/reports/items/{report.id}?f=html",
        )
    ]
    bodies = _bodies(client, listings, [*singles, "/opendata/catalog"])

    # Each listing holds every report, so the scan looks where the data is.
    for path in listings:
        assert all(str(report.id) in bodies[path] for report in reports), path
    assert PUBLIC_TEXT in bodies["/opendata/reports.csv"]
    assert PUBLIC_TEXT in bodies["/opendata/reports.geojson"]
    assert all(PUBLIC_TEXT in bodies[path] for path in SNAPSHOTS)
    assert _leaks(bodies, contacts) == {}


def test_a_contact_written_into_unpublished_text_stays_out_of_open_data(
    app, client, report_factory, session
):
    report = report_factory(with_reporter=True, in_liege=True)
    # The resident wrote their own contact into the text; staff never made it publishable.
    report.description = (
        f"Ring {report.reporter_name} at {report.reporter_phone} "
        f"or write to {report.reporter_email}"
    )
    session.commit()

    listings = [
        "/opendata/reports.csv",
        "/opendata/reports.geojson",
        "/ogc/collections/reports/items?f=json",
        "/ogc/collections/reports/items?f=html",
        *SNAPSHOTS,
    ]
    _write_snapshots(app)
    singles = [
        f"/ogc/collections/reports/items/{report.id}?f=json",
        f"/ogc/collections/reports/items/{report.id}?f=html",
    ]
    bodies = _bodies(client, listings, singles)

    assert all(str(report.id) in bodies[path] for path in listings)
    assert _leaks(bodies, _contacts(session)) == {}
