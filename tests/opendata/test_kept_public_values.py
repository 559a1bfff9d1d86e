"""The published values kept on each report (migration 0021) follow every change to their rules.

The view reads the generalisation, the published times, the first visible photo and the
published coordinates from columns that triggers keep, instead of computing them for every
row read. These tests change what those values depend on (a category's sensitivity, a
merge, an original's category, a move, a photo hidden on another report) and check what a
public reader then sees, and that the kept values are always those the rules compute.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import text

from app.opendata import records
from tests.factories import FLAGEY

CREATED = dt.datetime(2026, 3, 4, 10, 17, 42, tzinfo=dt.UTC)
HOUR = dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC)

# Every report whose kept values differ from what the rules compute now.
DRIFT_SQL = text(
    """
    SELECT r.id FROM reports r
    CROSS JOIN LATERAL (SELECT pave_report_generalised(r.category_id, r.duplicate_of) AS g) x
    WHERE r.public_generalised IS DISTINCT FROM x.g
       OR r.public_updated_at IS DISTINCT FROM pave_public_time(r.updated_at, x.g)
       OR r.public_resolved_at IS DISTINCT FROM pave_public_time(r.resolved_at, x.g)
       OR r.public_photo_key IS DISTINCT FROM pave_report_photo_key(r.id)
       OR r.public_lon IS DISTINCT FROM round(ST_X(r.public_location)::numeric, 6)
       OR r.public_lat IS DISTINCT FROM round(ST_Y(r.public_location)::numeric, 6)
       OR r.public_x_lambert2008
          IS DISTINCT FROM round(ST_X(ST_Transform(r.public_location, 3812))::numeric, 2)
       OR r.public_y_lambert2008
          IS DISTINCT FROM round(ST_Y(ST_Transform(r.public_location, 3812))::numeric, 2)
    """
)


def _published(session, report_id) -> dict | None:
    sql, params = records.select(records.RecordFilter(ids=(report_id,)))
    row = session.execute(sql, params).mappings().one_or_none()
    return dict(row) if row else None


def _add_photo(session, report_id, name: str, *, position: int = 0, hidden: bool = False):
    session.execute(
        text(
            "INSERT INTO photos (report_id, client_photo_id, upload_sha256, position,"
            " content_type, display_sha256, display_width, display_height, display_bytes,"
            " thumbnail_sha256, thumbnail_width, thumbnail_height, thumbnail_bytes, hidden)"
            " VALUES (:id, CAST(:name AS text), repeat(CAST(:name AS text), 64), :position, 'image/webp',"
            " repeat(CAST(:name AS text) || 'd', 32), 10, 10, 100,"
            " repeat(CAST(:name AS text) || 't', 32), 5, 5, 50,"
            " :hidden)"
        ),
        {"id": report_id, "name": name, "position": position, "hidden": hidden},
    )


def _no_drift(session) -> None:
    assert session.execute(DRIFT_SQL).scalars().all() == []


def test_a_merge_into_a_sensitive_report_generalises_the_duplicate_and_unmerging_undoes_it(
    session, report_factory
):
    original = report_factory(category="illegal_dumping", created_at=CREATED)
    duplicate = report_factory(category="pothole", lon=FLAGEY[0], lat=FLAGEY[1], created_at=CREATED)
    session.execute(
        text("UPDATE reports SET duplicate_of = :o, updated_at = :t WHERE id = :d"),
        {"o": original.id, "d": duplicate.id, "t": CREATED},
    )
    row = _published(session, duplicate.id)
    assert row["location_generalised"] is True
    assert row["created_at"] == HOUR and row["updated_at"] == HOUR
    assert (float(row["lon"]), float(row["lat"])) != FLAGEY
    session.execute(
        text("UPDATE reports SET duplicate_of = NULL WHERE id = :d"), {"d": duplicate.id}
    )
    row = _published(session, duplicate.id)
    assert row["location_generalised"] is False
    assert row["updated_at"] == CREATED
    assert (float(row["lon"]), float(row["lat"])) == FLAGEY
    _no_drift(session)


def test_an_original_changing_category_takes_its_duplicates_along(session, report_factory):
    original = report_factory(category="pothole", created_at=CREATED)
    duplicate = report_factory(category="pothole", created_at=CREATED)
    session.execute(
        text("UPDATE reports SET duplicate_of = :o WHERE id = :d"),
        {"o": original.id, "d": duplicate.id},
    )
    assert _published(session, duplicate.id)["location_generalised"] is False
    session.execute(
        text(
            "UPDATE reports SET category_id = (SELECT id FROM categories"
            " WHERE code = 'illegal_dumping') WHERE id = :o"
        ),
        {"o": original.id},
    )
    assert _published(session, duplicate.id)["location_generalised"] is True
    accuracy = text("SELECT accuracy_m FROM open_data_reports WHERE id = :id")
    assert session.execute(accuracy, {"id": duplicate.id}).scalar_one() is None
    _no_drift(session)


def test_a_category_becoming_sensitive_rounds_the_update_and_resolution_times(
    session, report_factory
):
    report = report_factory(category="graffiti", created_at=CREATED)
    resolved = CREATED + dt.timedelta(hours=5, minutes=7)
    session.execute(
        text("UPDATE reports SET status = 'resolved', updated_at = :t WHERE id = :id"),
        {"t": resolved, "id": report.id},
    )
    session.execute(
        text("UPDATE reports SET resolved_at = :t WHERE id = :id"), {"t": resolved, "id": report.id}
    )
    row = _published(session, report.id)
    assert row["updated_at"] == resolved and row["resolved_at"] == resolved
    session.execute(text("UPDATE categories SET sensitive = true WHERE code = 'graffiti'"))
    row = _published(session, report.id)
    assert row["updated_at"] == row["resolved_at"] == HOUR + dt.timedelta(hours=5)
    _no_drift(session)


def test_a_generalised_report_still_waits_for_its_published_hour_to_be_over(
    session, report_factory
):
    report = report_factory(category="illegal_dumping")
    assert _published(session, report.id) is None
    session.execute(text("UPDATE categories SET sensitive = false WHERE code = 'illegal_dumping'"))
    assert _published(session, report.id) is not None


def test_a_moved_report_is_published_at_its_new_place(session, report_factory):
    report = report_factory(created_at=CREATED)
    session.execute(
        text(
            "UPDATE reports SET location = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) WHERE id = :id"
        ),
        {"lon": FLAGEY[0], "lat": FLAGEY[1], "id": report.id},
    )
    row = _published(session, report.id)
    assert (float(row["lon"]), float(row["lat"])) == FLAGEY
    _no_drift(session)


def test_a_picture_hidden_on_another_report_leaves_this_one_too(session, report_factory):
    first = report_factory(created_at=CREATED)
    second = report_factory(created_at=CREATED)
    _add_photo(session, first.id, "a")
    _add_photo(session, first.id, "b", position=1)
    assert _published(session, first.id)["photo_key"] == "ad" * 32 + ".webp"
    # The same picture sent to another report, and hidden there by staff.
    _add_photo(session, second.id, "a", hidden=True)
    assert _published(session, first.id)["photo_key"] == "bd" * 32 + ".webp"
    assert _published(session, second.id)["photo_key"] is None
    session.execute(text("DELETE FROM photos WHERE report_id = :id"), {"id": second.id})
    assert _published(session, first.id)["photo_key"] == "ad" * 32 + ".webp"
    session.execute(
        text("UPDATE photos SET position = 2 WHERE report_id = :id AND client_photo_id = 'a'"),
        {"id": first.id},
    )
    assert _published(session, first.id)["photo_key"] == "bd" * 32 + ".webp"
    _no_drift(session)


def test_texts_come_out_of_both_exports_exactly_as_published(client, session, report_factory):
    texts = ['Say "hi" \\ there\nline 2', "tab\there", "ctrl\x01char", "Ünïcödé — ok", ""]
    made = {}
    for description in texts:
        report = report_factory(created_at=CREATED, description=description)
        session.execute(
            text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report.id}
        )
        made[str(report.id)] = description
    features = json.loads(client.get("/opendata/reports.geojson").data)["features"]
    published = {f["id"]: f["properties"]["description"] for f in features}
    assert {key: published[key] for key in made} == made
