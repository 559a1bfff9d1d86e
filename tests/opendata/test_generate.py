"""The demo and benchmark generator: where its reports are, who gets them, their fates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from app.opendata.generate import (
    CONTACT_SHARE,
    Commune,
    allocate,
    batches,
    generate_reports,
)
from app.reports.states import CLOSED_STATUSES, Status

END = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
START = END - dt.timedelta(days=730)

# Generated reports carry no idempotency key and no description; the session database has
# only the reports that tests make, and each test's are rolled back.
ROWS_SQL = text(
    """
    SELECT r.id, r.status, r.priority, r.created_at, r.updated_at, r.resolved_at,
           ST_X(r.location) AS lon, ST_Y(r.location) AS lat, r.reporter_email,
           r.reporter_name, r.reporter_phone, r.reporter_language,
           cat.code AS category, cat.handler, c.id AS commune_id, c.nis_code, c.region_code,
           b.kind AS body_kind, b.nis_code AS body_nis, b.region_code AS body_region,
           ST_Covers(c.boundary, r.location) AS inside
    FROM reports r
    JOIN categories cat ON cat.id = r.category_id
    JOIN communes c ON c.id = r.commune_id
    JOIN bodies b ON b.id = r.body_id
    ORDER BY r.id
    """
)


def _rows(session):
    return session.execute(ROWS_SQL).mappings().all()


@pytest.fixture
def generated(session):
    inserted = generate_reports(session, 2000, seed=11, start=START, end=END)
    return inserted, _rows(session)


def test_n_reports_appear(generated):
    inserted, rows = generated
    assert inserted == 2000
    assert len(rows) == 2000
    assert len({row["id"] for row in rows}) == 2000


def test_each_report_lies_in_its_commune_and_routing_would_send_it_there(session, generated):
    from app.geo.routing import locate

    _, rows = generated
    assert all(row["inside"] for row in rows)
    # The application's own routing agrees, point by point (overlaps are avoided).
    for row in rows[:300]:
        match = locate(session, row["lon"], row["lat"])
        assert (match.commune_id, match.match) == (row["commune_id"], "inside"), row["id"]


def test_each_report_goes_to_the_body_its_category_names(generated):
    _, rows = generated
    handlers = {row["handler"] for row in rows}
    assert handlers == {"commune", "region"}
    for row in rows:
        if row["handler"] == "commune":
            assert (row["body_kind"], row["body_nis"]) == ("commune", row["nis_code"])
        else:
            assert (row["body_kind"], row["body_region"]) == ("region", row["region_code"])


def test_every_category_and_status_occurs_and_most_reports_are_resolved(generated):
    _, rows = generated
    categories = {row["category"] for row in rows}
    assert categories == {
        "pothole",
        "damaged_pavement",
        "damaged_sign",
        "streetlight_out",
        "traffic_light_fault",
        "illegal_dumping",
        "overflowing_bin",
        "graffiti",
        "blocked_drain",
        "fallen_tree",
        "other",
    }
    statuses = [row["status"] for row in rows]
    assert set(statuses) >= {"resolved", "rejected", "duplicate", "in_progress", "new"}
    assert 0.7 < statuses.count("resolved") / len(rows) < 0.95
    priorities = {row["priority"] for row in rows}
    assert priorities == {"low", "normal", "high", "urgent"}


def test_times_and_statuses_are_consistent(generated):
    _, rows = generated
    for row in rows:
        assert START <= row["created_at"] < END
        assert row["created_at"] <= row["updated_at"] <= END
        if row["status"] == Status.RESOLVED:
            assert row["created_at"] < row["resolved_at"] <= END
            assert row["updated_at"] == row["resolved_at"]
        else:
            assert row["resolved_at"] is None
        if row["status"] == Status.NEW:
            assert row["updated_at"] == row["created_at"]


def test_old_reports_are_mostly_closed_and_recent_ones_mostly_open(generated):
    _, rows = generated

    def closed_share(rows):
        return sum(Status(r["status"]) in CLOSED_STATUSES for r in rows) / len(rows)

    old = [r for r in rows if r["created_at"] < END - dt.timedelta(days=180)]
    recent = [r for r in rows if r["created_at"] >= END - dt.timedelta(days=3)]
    assert len(old) > 1000 and len(recent) > 5
    assert closed_share(old) > 0.97
    assert closed_share(recent) < 0.5
    # More reports lately: the service grows over the two years.
    first_year = sum(r["created_at"] < START + dt.timedelta(days=365) for r in rows)
    assert first_year < len(rows) - first_year


def test_only_a_few_reports_carry_a_reporters_contact(generated):
    _, rows = generated
    with_contact = [r for r in rows if r["reporter_email"]]
    assert 0.3 * CONTACT_SHARE * len(rows) < len(with_contact) < 2 * CONTACT_SHARE * len(rows)
    for row in with_contact:
        assert row["reporter_email"].endswith("@example.org")
        assert row["reporter_name"] and row["reporter_phone"].startswith("+32 4")
    assert all(r["reporter_name"] is None for r in rows if not r["reporter_email"])
    by_region = {(r["region_code"], r["reporter_language"]) for r in rows}
    assert ("02000", "nl") in by_region and ("03000", "fr") in by_region
    assert not {lang for region, lang in by_region if region == "02000"} - {"nl"}


def test_denser_regions_get_more_reports_per_km2(session, generated):
    _, rows = generated
    areas = dict(
        session.execute(
            text(
                "SELECT region_code, sum(ST_Area(boundary::geography)) / 1e6 FROM communes "
                "GROUP BY region_code"
            )
        ).all()
    )
    density = {
        region: sum(r["region_code"] == region for r in rows) / areas[region] for region in areas
    }
    assert density["04000"] > 5 * density["02000"]
    assert density["02000"] > 1.5 * density["03000"]


def test_the_same_seed_makes_the_same_reports(session, generated):
    _, first = generated
    # Made once, the same seed inserts nothing more.
    assert generate_reports(session, 2000, seed=11, start=START, end=END) == 0
    session.execute(text("DELETE FROM reports"))
    assert generate_reports(session, 2000, seed=11, start=START, end=END) == 2000
    assert _rows(session) == first
    session.execute(text("DELETE FROM reports"))
    generate_reports(session, 2000, seed=12, start=START, end=END)
    other = _rows(session)
    assert not {r["id"] for r in other} & {r["id"] for r in first}
    assert [(r["lon"], r["lat"]) for r in other] != [(r["lon"], r["lat"]) for r in first]


def test_regions_limit_where_reports_are_made(session):
    assert generate_reports(session, 300, seed=3, start=START, end=END, regions=["brussels"])
    rows = _rows(session)
    assert len(rows) == 300
    assert {r["region_code"] for r in rows} == {"04000"}
    assert len({r["nis_code"] for r in rows}) == 19


def test_a_period_that_ends_before_it_starts_is_refused(session):
    with pytest.raises(ValueError, match="before"):
        generate_reports(session, 10, seed=1, start=END, end=START)
    with pytest.raises(ValueError, match="time zone"):
        generate_reports(session, 10, seed=1, start=START.replace(tzinfo=None), end=END)
    assert _rows(session) == []


def _commune(nis: str, weight: float) -> Commune:
    return Commune(int(nis), nis, "wallonia", weight, 1, 2)


def test_allocation_is_proportional_and_adds_up():
    communes = [_commune("10000", 1.0), _commune("20000", 2.0), _commune("30000", 7.0)]
    assert allocate(10, communes) == {"10000": 1, "20000": 2, "30000": 7}
    assert allocate(11, communes) == {"10000": 1, "20000": 2, "30000": 8}
    counts = allocate(1001, communes)
    assert sum(counts.values()) == 1001
    assert allocate(0, communes) == {}


def test_batches_cut_big_communes_into_chunks():
    work = list(batches({"10000": 5, "20000": 12}, batch_size=4))
    assert work == [
        [("10000", 0, 4)],
        [("10000", 1, 1), ("20000", 0, 3)],
        [("20000", 1, 4)],
        [("20000", 2, 4)],
        [("20000", 3, 1)],
    ]
    assert all(sum(count for *_, count in batch) <= 4 for batch in work)


def test_the_command_generates_reports(app, session):
    result = app.test_cli_runner().invoke(
        args=["opendata", "generate", "40", "--seed", "5", "--years", "1", "--region", "wallonia"]
    )
    assert result.exit_code == 0, result.output
    assert "40 reports inserted" in result.output
    rows = _rows(session)
    assert len(rows) == 40 and {r["region_code"] for r in rows} == {"03000"}
    again = app.test_cli_runner().invoke(
        args=["opendata", "generate", "40", "--seed", "5", "--region", "wallonia"]
    )
    assert "0 reports inserted" in again.output
    assert "40 were there already: this seed made them before." in again.output
    assert len(_rows(session)) == 40
    nothing = app.test_cli_runner().invoke(args=["opendata", "generate", "0"])
    assert nothing.exit_code == 2 and "0 is not in the range" in nothing.output
