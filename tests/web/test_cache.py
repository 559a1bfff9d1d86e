"""The dashboard's figures are kept a few seconds (app/web/cache.py): what a reader notices.

A reader asking again within PUBLIC_CACHE_SECONDS gets the same answer, with its age; another
language or filter is another answer; errors are never kept; and with the setting at 0, or a
Redis that does not answer, every figure is read from the database.
"""

from __future__ import annotations

import pytest

from app.web import create_app

STATUSES = "/opendata/dashboard/statuses"


def _new_count(client, path: str = STATUSES, **headers) -> int:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    items = answer.get_json()["items"]
    return next(item["count"] for item in items if item["status"] == "new")


@pytest.fixture
def cached_app(app):
    return create_app({**app.config, "PUBLIC_CACHE_SECONDS": 60})


def test_a_figure_asked_again_is_the_kept_answer_with_its_age(cached_app, report_factory):
    client = cached_app.test_client()
    before = _new_count(client)
    first = client.get(STATUSES)
    assert first.headers["Age"] == "0"
    report_factory(in_brussels=True)
    again = client.get(STATUSES)
    assert again.get_json() == first.get_json()
    assert int(again.headers["Age"]) >= 0
    assert "X-Pave-Stored-At" not in again.headers
    assert _new_count(client) == before
    # The same question with its parameters in another order is the same answer.
    region = "/opendata/dashboard/statuses?region=brussels&category="
    reordered = "/opendata/dashboard/statuses?category=&region=brussels"
    assert _new_count(client, region) == _new_count(client, reordered)


def test_another_language_or_filter_is_read_afresh(cached_app, report_factory):
    client = cached_app.test_client()
    before = _new_count(client, **{"Accept-Language": "fr"})
    report_factory(in_brussels=True)
    assert _new_count(client, **{"Accept-Language": "fr"}) == before
    assert _new_count(client, **{"Accept-Language": "nl"}) == before + 1
    assert _new_count(client, STATUSES + "?region=brussels") >= 1


def test_errors_are_not_kept(cached_app):
    client = cached_app.test_client()
    assert client.get(STATUSES + "?region=atlantis").status_code == 422
    # Had the refusal been kept, a fixed region would not change the next answer's status.
    assert client.get(STATUSES + "?region=atlantis").status_code == 422
    assert client.get(STATUSES + "?region=brussels").status_code == 200


def test_at_zero_every_figure_is_read_from_the_database(app, report_factory):
    client = app.test_client()
    assert app.config["PUBLIC_CACHE_SECONDS"] == 0
    before = _new_count(client)
    report_factory(in_brussels=True)
    assert _new_count(client) == before + 1


def test_a_redis_that_does_not_answer_fails_no_figure(app, report_factory):
    cut_off = create_app(
        {**app.config, "PUBLIC_CACHE_SECONDS": 60, "REDIS_URL": "redis://127.0.0.1:1/0"}
    )
    client = cut_off.test_client()
    before = _new_count(client)
    report_factory(in_brussels=True)
    assert _new_count(client) == before + 1


def test_a_repeated_parameter_in_another_order_is_another_answer(cached_app, report_factory):
    """The view reads a repeated parameter's first value: so does the key, in its order."""
    report_factory(in_namur=True)
    client = cached_app.test_client()
    wallonia_first = STATUSES + "?region=wallonia&region=brussels"
    brussels_first = STATUSES + "?region=brussels&region=wallonia"
    assert _new_count(client, wallonia_first) == _new_count(client, STATUSES + "?region=wallonia")
    assert _new_count(client, brussels_first) == _new_count(client, STATUSES + "?region=brussels")
    assert _new_count(client, wallonia_first) != _new_count(client, brussels_first)


def test_a_shared_cache_is_told_the_answer_follows_the_language(cached_app):
    answer = cached_app.test_client().get("/opendata/dashboard/regions")
    assert "Accept-Language" in answer.headers["Vary"]


def test_open311_clients_polling_the_list_share_one_answer_but_a_request_by_id_is_fresh(
    cached_app, report_factory
):
    client = cached_app.test_client()
    listed = client.get("/open311/v2/requests.json")
    assert listed.status_code == 200 and listed.headers["Age"] == "0"
    report = report_factory(in_brussels=True)
    again = client.get("/open311/v2/requests.json")
    assert again.get_json() == listed.get_json()
    assert "Age" in again.headers and "Accept-Language" in again.headers["Vary"]
    # A client that just posted reads its own request by id at once, never a kept copy.
    one = client.get(f"/open311/v2/requests/{report.id}.json")
    assert one.status_code == 200 and one.get_json()[0]["service_request_id"] == str(report.id)
    assert "Age" not in one.headers
    # Another query is another answer, read afresh.
    fresh = client.get(
        "/open311/v2/requests.json?service_code=" + one.get_json()[0]["service_code"]
    )
    assert str(report.id) in {item["service_request_id"] for item in fresh.get_json()}
