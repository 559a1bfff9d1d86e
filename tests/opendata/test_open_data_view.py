"""The anonymised view behind every export: what it publishes, leaves out and generalises."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from app.opendata import records
from app.reports.states import Status
from app.tickets import services
from app.tickets.states import OSLO_STATUS
from tests.factories import FLAGEY

STAFF = services.Actor(name="crew", user_id=None)


def _published(session, report_id) -> dict:
    sql, params = records.select(records.RecordFilter())
    rows = session.execute(sql, params).mappings().all()
    return next(dict(r) for r in rows if r["id"] == report_id)


def _view_columns(session) -> set[str]:
    return set(
        session.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'open_data_reports'"
            )
        ).scalars()
    )


def test_the_view_has_no_column_that_could_identify_or_reach_a_reporter(session):
    columns = _view_columns(session)
    assert columns, "the view exists"
    leaking = {c for c in columns if c.startswith("reporter") or "idempotency" in c}
    assert leaking == set()
    assert {"request_fingerprint", "assignee_user_id", "priority"}.isdisjoint(columns)


def test_every_status_maps_to_the_same_oslo_concept_as_the_domain(session, report_factory):
    report = report_factory()
    for status, oslo in OSLO_STATUS.items():
        session.execute(
            text("UPDATE reports SET status = :s WHERE id = :id"),
            {"s": status.value, "id": report.id},
        )
        row = _published(session, report.id)
        assert row["oslo_status_uri"] == oslo.uri, status
        closed = status in {Status.RESOLVED, Status.REJECTED, Status.DUPLICATE}
        assert row["open311_status"] == ("closed" if closed else "open")


def test_free_text_is_published_only_once_staff_marked_it_publishable(session, report_factory):
    report = report_factory(description="Gaping hole in front of number 12")
    assert _published(session, report.id)["description"] is None
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report.id}
    )
    assert _published(session, report.id)["description"] == "Gaping hole in front of number 12"


def test_an_ordinary_report_keeps_its_place_and_times(session, report_factory):
    created = dt.datetime(2026, 3, 4, 10, 17, 42, tzinfo=dt.UTC)
    report = report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=created)
    row = _published(session, report.id)
    assert (float(row["lon"]), float(row["lat"])) == FLAGEY
    assert row["created_at"] == created
    assert row["location_generalised"] is False
    assert row["commune_nis_code"] == "21009"
    assert row["region"] == "brussels"


def test_a_sensitive_report_is_on_a_100_m_grid_in_its_commune_with_times_to_the_hour(
    session, report_factory
):
    created = dt.datetime(2026, 3, 4, 10, 17, 42, tzinfo=dt.UTC)
    report = report_factory(
        category="illegal_dumping", lon=FLAGEY[0], lat=FLAGEY[1], created_at=created
    )
    row = _published(session, report.id)
    assert row["location_generalised"] is True
    assert row["created_at"] == dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC)
    # Lambert 2008 metres, on a multiple of 100 (to the rounding of the reprojection).
    for metres in (row["x_lambert2008"], row["y_lambert2008"]):
        assert abs(float(metres) / 100 - round(float(metres) / 100)) < 0.001
    assert (float(row["lon"]), float(row["lat"])) != FLAGEY
    moved = session.execute(
        text(
            "SELECT ST_Distance(ST_Transform(location, 3812), ST_Transform(public_location, 3812)),"
            " ST_Covers(c.boundary, public_location) FROM reports r"
            " JOIN communes c ON c.id = r.commune_id WHERE r.id = :id"
        ),
        {"id": report.id},
    ).one()
    assert 0 < moved[0] <= 71, "within half the diagonal of a 100 m cell"
    assert moved[1], "still inside its commune"


def test_making_a_category_sensitive_generalises_its_reports_at_once(session, report_factory):
    created = dt.datetime(2026, 3, 4, 10, 17, 42, tzinfo=dt.UTC)
    report = report_factory(category="graffiti", lon=FLAGEY[0], lat=FLAGEY[1], created_at=created)
    assert _published(session, report.id)["location_generalised"] is False
    session.execute(text("UPDATE categories SET sensitive = true WHERE code = 'graffiti'"))
    row = _published(session, report.id)
    assert row["location_generalised"] is True
    assert (float(row["lon"]), float(row["lat"])) != FLAGEY
    assert row["created_at"] == dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC)
    session.execute(text("UPDATE categories SET sensitive = false WHERE code = 'graffiti'"))
    assert _published(session, report.id)["created_at"] == created


def test_resolution_time_comes_from_resolving_and_goes_with_reopening(session, report_factory):
    report = report_factory()
    for status in ("acknowledged", "resolved"):
        services.transition(session, report.id, status, actor=STAFF)
    row = _published(session, report.id)
    assert row["resolved_at"] is not None
    assert row["resolution_hours"] is not None and row["resolution_hours"] >= 0
    services.transition(session, report.id, "reopened", actor=STAFF)
    assert _published(session, report.id)["resolved_at"] is None


def test_a_hidden_photo_is_not_published(session, report_factory):
    report = report_factory()
    session.execute(
        text(
            "INSERT INTO photos (report_id, client_photo_id, upload_sha256, position,"
            " content_type, display_sha256, display_width, display_height, display_bytes,"
            " thumbnail_sha256, thumbnail_width, thumbnail_height, thumbnail_bytes, hidden)"
            " VALUES (:id, 'p1', repeat('a', 64), 0, 'image/jpeg', repeat('b', 64), 10, 10,"
            " 100, repeat('c', 64), 5, 5, 50, false)"
        ),
        {"id": report.id},
    )
    assert _published(session, report.id)["photo_key"] == "b" * 64 + ".jpg"
    session.execute(
        text("UPDATE photos SET hidden = true WHERE report_id = :id"), {"id": report.id}
    )
    assert _published(session, report.id)["photo_key"] is None


def test_filters_narrow_by_region_category_status_and_period(session, report_factory):
    old = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    namur = report_factory(in_namur=True, category="graffiti", created_at=old)
    brussels = report_factory(in_brussels=True, status="resolved")

    def ids(**kwargs) -> set:
        sql, params = records.select(records.RecordFilter(**kwargs), columns=["id"])
        return set(session.execute(sql, params).scalars())

    assert namur.id in ids(region="wallonia") and brussels.id not in ids(region="wallonia")
    assert ids(category="graffiti") >= {namur.id} and brussels.id not in ids(category="graffiti")
    assert brussels.id in ids(statuses=("closed",)) and namur.id not in ids(statuses=("closed",))
    assert namur.id in ids(statuses=("open",))
    period = ids(start=old, end=old + dt.timedelta(days=1))
    assert namur.id in period and brussels.id not in period
    assert brussels.id in ids(commune="21004")
    assert namur.id in ids(bbox=(4.8, 50.4, 4.9, 50.5))
    assert brussels.id not in ids(bbox=(4.8, 50.4, 4.9, 50.5))
