"""datetime: RFC 3339 instants and intervals, open at either end, on the reports' created_at."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.ogc import BASE, features, ids, ogc_error


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def reports(report_factory) -> dict:
    return {
        "january": report_factory(created_at=utc(2026, 1, 15, 8, 0, 0)),
        "march": report_factory(created_at=utc(2026, 3, 4, 10, 17, 42, 300000)),
        "march_later": report_factory(created_at=utc(2026, 3, 4, 23, 30)),
        "june": report_factory(created_at=utc(2026, 6, 30, 12, 0)),
    }


def found(client, reports, datetime: str, collection: str = "reports") -> set[str]:
    names = {str(r.id): name for name, r in reports.items()}
    return {names[i] for i in ids(features(client, collection, datetime=datetime, limit=100))}


@pytest.mark.parametrize(
    ("datetime", "expected"),
    [
        # An instant stands for what it names: the second (so 10:17:42.3 is in it)…
        ("2026-03-04T10:17:42Z", {"march"}),
        ("2026-03-04t10:17:42z", {"march"}),
        ("2026-03-04T11:17:42+01:00", {"march"}),
        ("2026-03-04T10:17:43Z", set()),
        # …the fraction it is written to, or the whole day (UTC).
        ("2026-03-04T10:17:42.3Z", {"march"}),
        ("2026-03-04T10:17:42.31Z", set()),
        ("2026-03-04", {"march", "march_later"}),
        # Intervals include both ends.
        ("2026-01-15T08:00:00Z/2026-03-04T10:17:42Z", {"january", "march"}),
        ("2026-01-01/2026-03-31", {"january", "march", "march_later"}),
        # Open ends, written as '..' or left empty.
        ("2026-03-05T00:00:00Z/..", {"june"}),
        ("2026-03-05/", {"june"}),
        ("../2026-01-31", {"january"}),
        ("/2026-01-31", {"january"}),
        ("../..", {"january", "march", "march_later", "june"}),
        # A start and a duration (the official test suite sends these).
        ("2026-03-04/P1D", {"march", "march_later"}),
        ("2026-03-01/P1M", {"march", "march_later"}),
        ("P2D/2026-03-04", {"march", "march_later"}),
        ("2026-03-04T10:00:00Z/PT1H", {"march"}),
    ],
)
def test_datetime_selects_reports_created_then(client, reports, datetime, expected):
    assert found(client, reports, datetime) == expected


def test_a_sensitive_report_is_found_at_its_published_hour(client, report_factory):
    report = report_factory(category="illegal_dumping", created_at=utc(2026, 3, 4, 10, 17, 42))

    (feature,) = features(client, datetime="2026-03-04T10:00:00Z")["features"]

    assert feature["id"] == str(report.id)
    assert feature["properties"]["created_at"].startswith("2026-03-04T10:00:00")
    assert features(client, datetime="2026-03-04T10:17:42Z")["features"] == []


def test_communes_are_in_force_from_2025(client):
    assert features(client, "communes", datetime="2024-06-01")["features"] == []
    assert features(client, "communes", datetime="../2024-12-31")["features"] == []
    assert (
        features(client, "communes", datetime="2024-12-31/2025-01-01", limit=1000)["numberReturned"]
        == 565
    )
    assert (
        features(client, "communes", datetime="2030-01-01T00:00:00Z", limit=5)["numberMatched"]
        == 565
    )


@pytest.mark.parametrize(
    ("datetime", "problem"),
    [
        ("2026-03-04T10:17:42", "not an RFC 3339"),  # no offset
        ("2026-03-04 10:17:42Z", "not an RFC 3339"),
        ("2026-02-30", "not an RFC 3339"),
        ("2026-03-04T25:00:00Z", "not an RFC 3339"),
        ("04/03/2026", "one '/'"),
        ("yesterday", "not an RFC 3339"),
        ("2026-03", "not an RFC 3339"),
        ("", "not an RFC 3339"),
        ("2026-03-05/2026-03-04", "ends before it starts"),
        ("2026-01-01/2026-02-01/2026-03-01", "one '/'"),
        ("P1D/P2D", "two durations"),
        ("../P1D", "needs a start"),
        ("P1X/2026-03-04", "not an RFC 3339"),
    ],
)
def test_a_datetime_in_the_wrong_format_is_a_400(client, datetime, problem):
    response = client.get(f"{BASE}/collections/reports/items", query_string={"datetime": datetime})

    description = ogc_error(response, 400)
    assert description.startswith("datetime:") and problem in description
