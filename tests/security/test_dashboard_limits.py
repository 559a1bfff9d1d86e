"""The dashboard's trend cannot be asked for millions of periods (issue 10, denial of service).

The attack: one anonymous `GET /opendata/dashboard/trend?start=0001-01-01&end=9999-12-30
&interval=week` made the database generate 520,000 weeks and the app send 28 MB; six such
requests at once kept every gunicorn worker busy.

The defence: the trend computes at most DASHBOARD_MAX_PERIODS periods (1200: 100 years of
months, 23 years of weeks). Beyond, before any query, a 422 problem+json (type
too-many-periods) says how many periods were asked, the maximum, and suggests months
instead of weeks. The dashboard page refuses a period longer than the maximum itself.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.api import assert_problem

TREND = "/opendata/dashboard/trend"


@pytest.mark.parametrize("path", [TREND, f"{TREND}.csv"])
@pytest.mark.parametrize(
    "query",
    [
        {"start": "0001-01-01", "end": "9999-12-30", "interval": "week"},
        {"start": "0001-01-01", "end": "9999-12-30", "interval": "month"},
        {"start": "0001-01-01", "end": "9999-12-30"},  # months, chosen for so long a span
        {"start": "1900-01-01T00:00:00Z", "interval": "week"},  # up to now
    ],
)
def test_a_trend_of_too_many_periods_is_a_422_saying_the_maximum(client, path, query):
    problem = assert_problem(client.get(path, query_string=query), 422)
    assert problem["type"].endswith("/too-many-periods")
    assert problem["max_periods"] == 1200
    assert "1200" in problem["detail"]
    if query.get("interval") == "week":
        assert "interval=month" in problem["detail"]


def test_weeks_are_refused_where_months_still_answer(client):
    query = {"start": "2000-01-01", "end": "2029-12-31"}
    weeks = client.get(TREND, query_string={**query, "interval": "week"})
    assert_problem(weeks, 422)
    months = client.get(TREND, query_string={**query, "interval": "month"})
    assert months.status_code == 200, months.get_json()
    assert len(months.get_json()["items"]) == 360


def test_the_maximum_itself_still_answers(client):
    # 100 years of months, exactly 1200; one month more is refused.
    query = {"start": "1930-01-01", "end": "2029-12-31", "interval": "month"}
    allowed = client.get(TREND, query_string=query)
    assert allowed.status_code == 200, allowed.get_json()
    items = allowed.get_json()["items"]
    assert len(items) == 1200
    assert items[0]["period_start"] == "1930-01-01"
    assert items[-1]["period_start"] == "2029-12-01"
    one_more = client.get(TREND, query_string={**query, "end": "2030-01-01"})
    assert assert_problem(one_more, 422)["periods"] == 1201


def test_1200_weeks_answer_and_1201_do_not(client):
    monday = dt.date(2001, 1, 1)  # a Monday
    last_day = monday + dt.timedelta(weeks=1200) - dt.timedelta(days=1)
    query = {"start": monday.isoformat(), "end": last_day.isoformat(), "interval": "week"}
    allowed = client.get(TREND, query_string=query)
    assert allowed.status_code == 200, allowed.get_json()
    assert len(allowed.get_json()["items"]) == 1200
    one_more = client.get(
        TREND, query_string={**query, "end": (last_day + dt.timedelta(days=1)).isoformat()}
    )
    assert assert_problem(one_more, 422)["periods"] == 1201


def test_the_maximum_is_a_setting(app, client):
    app.config["DASHBOARD_MAX_PERIODS"] = 12
    query = {"start": "2025-01-01", "end": "2025-12-31", "interval": "month"}
    assert client.get(TREND, query_string=query).status_code == 200
    refused = client.get(TREND, query_string={**query, "start": "2024-12-31"})
    assert assert_problem(refused, 422)["max_periods"] == 12
