"""The dashboard's summaries (migration 0019) give the figures the anonymised view gives.

Generated reports over three years, then what happens to tickets: reopenings, transfers,
resolutions, merges (one into a sensitive report), category changes, a category becoming
sensitive, commune re-routing, deletions, and reports at the DST changes and within their
hidden hour. Every figure, for each filter that matters, equals the same figure counted from
the view (tests/opendata/dashboard_oracle.py); the summaries equal a recount from reports;
and two connections changing statuses in opposite directions do not deadlock.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.opendata import dashboard
from app.opendata.generate import generate_reports
from tests.helpers.databases import migrated_database
from tests.opendata import dashboard_oracle as oracle

UTC = dt.UTC
END = dt.datetime(2026, 11, 28, tzinfo=UTC)
FIGURES = ("communes", "by_category", "by_status", "trend")


def _ids(session, sql: str, **params) -> list:
    return list(session.execute(text(sql), params).scalars())


def _changes(session, report_factory) -> None:
    """What tickets go through, as the app writes it to reports."""
    some = "SELECT id FROM reports WHERE status = ANY(:statuses) ORDER BY id LIMIT :n"
    resolved = _ids(session, some, statuses=["resolved"], n=60)
    opened = _ids(session, some, statuses=["new", "acknowledged", "planned", "in_progress"], n=25)
    assert len(resolved) == 60 and len(opened) == 25
    update = "UPDATE reports SET status = :status WHERE id = ANY(:ids)"
    session.execute(text(update), {"status": "reopened", "ids": resolved[:20]})
    session.execute(text(update), {"status": "transferred", "ids": resolved[20:30]})
    session.execute(text(update), {"status": "resolved", "ids": opened[:10]})
    session.execute(  # Re-resolved after reopening: resolved now.
        text(update), {"status": "resolved", "ids": resolved[:5]}
    )
    # Merges: into an ordinary report, and into a sensitive one.
    dumping = _ids(
        session,
        "SELECT r.id FROM reports r JOIN categories c ON c.id = r.category_id "
        "WHERE c.code = 'illegal_dumping' AND r.duplicate_of IS NULL ORDER BY r.id LIMIT 2",
    )
    merge = "UPDATE reports SET status = 'duplicate', duplicate_of = :into WHERE id = ANY(:ids)"
    session.execute(text(merge), {"into": dumping[0], "ids": resolved[30:36]})
    session.execute(text(merge), {"into": opened[10], "ids": resolved[36:40]})
    # The original of a merge changes category; other reports do too.
    recategorise = (
        "UPDATE reports SET category_id = (SELECT id FROM categories WHERE code = :code) "
        "WHERE id = ANY(:ids)"
    )
    session.execute(text(recategorise), {"code": "graffiti", "ids": [opened[10], *opened[11:15]]})
    session.execute(text(recategorise), {"code": "illegal_dumping", "ids": resolved[40:44]})
    # A category becomes sensitive: its reports and their duplicates are generalised.
    session.execute(text("UPDATE categories SET sensitive = true WHERE code = 'graffiti'"))
    # Re-routing to another commune (as after a boundary import), and deletions.
    session.execute(
        text(
            "UPDATE reports SET commune_id = (SELECT id FROM communes WHERE nis_code = '21009' "
            "ORDER BY id DESC LIMIT 1) WHERE id = ANY(:ids)"
        ),
        {"ids": resolved[44:50]},
    )
    session.execute(
        text("DELETE FROM reports WHERE id = ANY(:ids)"), {"ids": [*resolved[50:55], dumping[1]]}
    )
    # At the changes to and from summer time (Belgian days 30 March, 26 October 2025), and
    # within their hidden hour: a sensitive report made now, and a duplicate of it.
    for moment in ("2025-03-29T23:30", "2025-03-30T00:30", "2025-10-25T22:30", "2025-10-26T23:30"):
        report_factory(
            in_ixelles=True,
            category="pothole",
            created_at=dt.datetime.fromisoformat(moment + "+00:00"),
        )
    hidden = report_factory(in_namur=True, category="illegal_dumping")
    copy = report_factory(in_namur=True, category="pothole")
    session.execute(text(merge), {"into": hidden.id, "ids": [copy.id]})
    session.commit()


@pytest.fixture
def changed(session, report_factory):
    generate_reports(session, 1500, seed=14, start=END - dt.timedelta(days=3 * 365), end=END)
    _changes(session, report_factory)
    return session


def _periods():
    brussels = dashboard.BELGIAN_TIME
    return [
        {},
        # From and to Belgian midnights across both DST changes, and within one month.
        {
            "start": dt.datetime(2025, 3, 30, tzinfo=brussels),
            "end": dt.datetime(2025, 10, 27, tzinfo=brussels),
        },
        {
            "start": dt.datetime(2025, 3, 12, tzinfo=brussels),
            "end": dt.datetime(2025, 3, 31, tzinfo=brussels),
        },
        {"start": dt.datetime(2026, 2, 1, tzinfo=brussels)},
        {"end": dt.datetime(2024, 6, 15, tzinfo=brussels)},
    ]


FILTERS = [
    {},
    {"region": "wallonia"},
    {"category": "graffiti"},
    {"region": "brussels", "category": "pothole"},
]


@pytest.mark.parametrize("figure", FIGURES)
def test_each_figure_equals_the_view(changed, figure):
    hidden = changed.execute(
        text("SELECT count(*) FROM dashboard_days WHERE public_from > now()")
    ).scalar_one()
    assert hidden >= 1, "a generalised report within its hidden hour is counted, not shown"
    for flt in FILTERS:
        for period in _periods():
            kwargs = {**flt, **period}
            if figure == "trend":
                # As a request after the changes: now is later than all of them.
                now = changed.execute(text("SELECT clock_timestamp()")).scalar_one()
                for interval in ("week", "month"):
                    new = dashboard.trend(changed, **kwargs, interval=interval, now=now)
                    old = oracle.trend(changed, **kwargs, interval=interval, now=now)
                    got = oracle.plain(figure, new)
                    diff = [(a, b) for a, b in zip(got[1], old[1], strict=False) if a != b]
                    assert got == old, (kwargs, interval, len(got[1]), len(old[1]), diff[:5])
                continue
            new = getattr(dashboard, figure)(changed, **kwargs)
            old = getattr(oracle, figure)(changed, **kwargs)
            assert oracle.plain(figure, new) == old, kwargs


def test_figures_move_with_a_change_in_the_same_transaction(changed):
    before = {s.status: s.count for s in dashboard.by_status(changed)}
    ids = _ids(changed, "SELECT id FROM open_data_reports WHERE status = 'new' ORDER BY id LIMIT 3")
    changed.execute(
        text("UPDATE reports SET status = 'planned' WHERE id = ANY(:ids)"), {"ids": ids}
    )
    after = {s.status: s.count for s in dashboard.by_status(changed)}
    assert after["new"] == before["new"] - 3 and after["planned"] == before["planned"] + 3


RECOUNT_DAYS = """
SELECT (r.public_created_at AT TIME ZONE 'Europe/Brussels')::date, r.commune_id, r.category_id,
       r.status,
       coalesce(CASE WHEN r.status = 'resolved' THEN {bucket} END, -1),
       CASE WHEN g.generalised THEN r.public_created_at + interval '1 hour'
            ELSE '-infinity' END::text,
       count(*)
FROM reports r
JOIN categories cat ON cat.id = r.category_id
LEFT JOIN reports o ON o.id = r.duplicate_of
LEFT JOIN categories ocat ON ocat.id = o.category_id
CROSS JOIN LATERAL (SELECT cat.sensitive OR coalesce(ocat.sensitive, false) AS generalised) g
CROSS JOIN LATERAL (SELECT floor(extract(epoch FROM CASE WHEN g.generalised
        THEN date_trunc('hour', r.resolved_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        ELSE r.resolved_at END - r.public_created_at) / 3600) AS h) AS d
GROUP BY 1, 2, 3, 4, 5, 6
"""
RECOUNT_MONTHS = """
SELECT date_trunc('month', day)::date, commune_id, category_id, status, hours, sum(n)::int
FROM ({days}) AS s(day, commune_id, category_id, status, hours, public_from, n)
GROUP BY 1, 2, 3, 4, 5
"""
TABLE_DAYS = (
    "SELECT day, commune_id, category_id, status, hours, public_from::text, n FROM dashboard_days"
)
RECOUNT_COMMUNES = """
SELECT c.nis_code, status, hours, sum(n)::int
FROM ({days}) AS s(day, commune_id, category_id, status, hours, public_from, n)
JOIN communes c ON c.id = s.commune_id
GROUP BY 1, 2, 3
"""
TABLE_COMMUNES = "SELECT nis_code, status, hours, n FROM dashboard_communes"
TABLE_MONTHS = "SELECT month, commune_id, category_id, status, hours, n FROM dashboard_months"
REGION_TOTALS = "SELECT kind, sum(n) FROM dashboard_region_{0} GROUP BY kind"


def _set(session, sql: str) -> set:
    return {tuple(r) for r in session.execute(text(sql))}


def test_summaries_equal_a_recount_from_reports(changed):
    days = RECOUNT_DAYS.format(bucket=oracle.BUCKET)
    assert _set(changed, TABLE_DAYS) == _set(changed, days)
    assert _set(changed, TABLE_MONTHS) == _set(changed, RECOUNT_MONTHS.format(days=days))
    assert _set(changed, TABLE_COMMUNES) == _set(changed, RECOUNT_COMMUNES.format(days=days))
    total = changed.execute(text("SELECT count(*) FROM reports")).scalar_one()
    resolved = changed.execute(
        text("SELECT count(*) FROM reports WHERE status = 'resolved'")
    ).scalar_one()
    for level in ("days", "weeks", "months"):
        assert dict(changed.execute(text(REGION_TOTALS.format(level))).all()) == {
            "c": total,
            "r": resolved,
        }
    assert not changed.execute(text("SELECT 1 FROM dashboard_days WHERE n <= 0")).first()


def test_opposite_status_changes_on_two_connections_do_not_deadlock():
    with migrated_database("pave_dashlock", boundaries=True) as engine:
        _toggle_concurrently(engine)


def _toggle_concurrently(engine) -> None:
    from tests.factories import ReportFactory

    with Session(engine) as session:
        ReportFactory.bind(session)
        try:
            made = [
                ReportFactory(in_brussels=True, category="pothole", status=s, created_at=END).id
                for s in ("new", "resolved")
            ]
        finally:
            ReportFactory.bind(None)
        session.commit()
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def toggle(report_id, statuses) -> None:
        try:
            with engine.connect() as conn:
                barrier.wait()
                for i in range(60):
                    with conn.begin():
                        conn.execute(
                            text("UPDATE reports SET status = :s WHERE id = :id"),
                            {"s": statuses[i % 2], "id": report_id},
                        )
        except Exception as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=toggle, args=(made[0], ("resolved", "new"))),
        threading.Thread(target=toggle, args=(made[1], ("new", "resolved"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with engine.connect() as conn:
        counts = dict(
            conn.execute(text("SELECT status, sum(n) FROM dashboard_days GROUP BY 1")).all()
        )
    assert counts == {"new": 1, "resolved": 1}


def test_a_commune_changing_region_takes_its_counts_along(changed):
    changed.execute(text("UPDATE communes SET region_code = '03000' WHERE nis_code = '21009'"))
    for region in ("brussels", "wallonia"):
        for figure in ("by_status", "by_category"):
            new = getattr(dashboard, figure)(changed, region=region)
            assert oracle.plain(figure, new) == getattr(oracle, figure)(changed, region=region)
