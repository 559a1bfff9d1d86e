"""servicerequestupdates: ids that tell neither order nor count, and one request's updates.

Three reports get updates a few seconds apart, the sensitive one's between the other two.
Its time is published to the hour; were its id the row's serial (shared by every report,
advanced by private comments too), the neighbouring exact times would give it away within
seconds, and the gaps would count private comments. The ids must be unrelated to the
serials, stable from one request and format to the next, and the POST answer's id the one
the feed then shows.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text

from tests.helpers.open311 import BASE, json_array, json_error, xml_error, xml_items

UPDATES = f"{BASE}/servicerequestupdates"
OPAQUE = re.compile(r"^(status|update)-[0-9a-f]{24}$")

STATUS_SQL = text(
    "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, at) "
    "VALUES (:id, 'new', 'acknowledged', 'staff', :at) RETURNING id"
)
UPDATE_SQL = text(
    "INSERT INTO report_updates (report_id, author, body, public, created_at) "
    "VALUES (:id, 'staff', :body, :public, :at) RETURNING id"
)


def _status(session, report_id, at) -> int:
    session.execute(
        text("UPDATE reports SET status = 'acknowledged' WHERE id = :id"), {"id": report_id}
    )
    return session.execute(STATUS_SQL, {"id": report_id, "at": at}).scalar_one()


def _update(session, report_id, at, body="Crew on site.", public=True) -> int:
    params = {"id": report_id, "at": at, "body": body, "public": public}
    return session.execute(UPDATE_SQL, params).scalar_one()


def _feed(client, fmt="json", **query) -> list[dict]:
    response = client.get(f"{UPDATES}.{fmt}", query_string=query)
    assert response.status_code == 200, response.data
    if fmt == "json":
        return json_array(response)
    return xml_items(response, "service_requests_updates", "request_update")


@pytest.fixture
def three(session, report_factory):
    """B, A (illegal dumping: published to the hour), C: a status change then an update each,
    seconds apart in that order, with a private comment between each report's rows."""
    hour = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).replace(
        minute=20, second=0, microsecond=0
    )
    reports = {
        "B": report_factory(in_brussels=True),
        "A": report_factory(category="illegal_dumping"),
        "C": report_factory(in_brussels=True),
    }
    serials: dict[str, list[str]] = {}
    for n, (name, report) in enumerate(reports.items()):
        at = hour + dt.timedelta(seconds=10 * n + 1)
        serials[name] = [
            f"status-{_status(session, report.id, at)}",
            f"update-{_update(session, report.id, at + dt.timedelta(seconds=1))}",
        ]
        _update(session, report.id, at + dt.timedelta(seconds=2), "Private.", public=False)
    session.commit()
    return reports, serials, hour


def test_update_ids_are_opaque_stable_and_unique_in_both_formats(client, three):
    reports, serials, hour = three
    as_json = _feed(client)
    as_xml = _feed(client, "xml")
    ids = [u["update_id"] for u in as_json]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert all(OPAQUE.match(i) for i in ids), ids
    # No serial shows, not even as the end of an id.
    numbers = {s.split("-")[1] for names in serials.values() for s in names}
    assert not [i for i in ids if any(i.endswith(f"-{n}") for n in numbers)]
    assert not [i for i in ids if re.search(r"-\d+$", i)]
    # The same ids again, and in XML, update by update.
    assert [u["update_id"] for u in _feed(client)] == ids
    assert [u["update_id"] for u in as_xml] == ids
    # The sensitive report's updates are at the hour; nothing in their ids places them.
    mine = [u for u in as_json if u["service_request_id"] == str(reports["A"].id)]
    assert [u["updated_datetime"] for u in mine] == [hour.strftime("%Y-%m-%dT%H:00:00Z")] * 2


def test_the_order_within_one_published_time_does_not_follow_creation(
    app, client, session, report_factory, monkeypatch
):
    report = report_factory(category="illegal_dumping")
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).replace(minute=5, microsecond=0)
    created = [f"n{s}" for s in range(8)]
    for s, body in enumerate(created):
        _update(session, report.id, at + dt.timedelta(seconds=s), body)
    session.commit()
    orders = []
    # Fixed keys, so that these orders are the same on every run.
    for key in ("a fixed key for this test", "another fixed key"):
        monkeypatch.setitem(app.config, "SECRET_KEY", key)
        listed = _feed(client)
        assert len({u["updated_datetime"] for u in listed}) == 1  # one published hour
        assert [u["update_id"] for u in listed] == sorted(u["update_id"] for u in listed)
        orders.append([u["description"] for u in listed])
    # The order is the key's, not the rows': neither creation's nor the same under both keys.
    assert created not in orders
    assert orders[0] != orders[1] and sorted(orders[0]) == sorted(orders[1]) == created


def test_the_post_answer_is_the_id_the_feed_shows(client, api_key, ticket):
    posted = []
    for fields in (
        {"status": "investigating"},
        {"status": "investigating", "description": "Soon."},
    ):
        data = {"api_key": api_key, "service_request_id": str(ticket.id), **fields}
        [answer] = json_array(client.post(f"{UPDATES}.json", data=data))
        posted.append(answer["update_id"])
    assert all(OPAQUE.match(i) for i in posted), posted
    listed = _feed(client, service_request_id=str(ticket.id))
    assert {u["update_id"] for u in listed} == set(posted)
    by_id = {u["update_id"]: u for u in listed}
    assert by_id[posted[0]]["status"] == "investigating"
    assert by_id[posted[1]]["description"] == "Soon."


def test_service_request_id_selects_those_requests_updates(client, three):
    reports, _, _ = three
    a, b = str(reports["A"].id), str(reports["B"].id)
    for fmt in ("json", "xml"):
        only_a = _feed(client, fmt, service_request_id=a)
        assert len(only_a) == 2 and {u["service_request_id"] for u in only_a} == {a}
    both = _feed(client, service_request_id=f"{a}, {b}")
    assert len(both) == 4 and {u["service_request_id"] for u in both} == {a, b}
    assert _feed(client, service_request_id="6f1c5a0e-0000-4000-8000-000000000000") == []
    # The window still applies to one request's updates.
    later = {
        "service_request_id": a,
        "start_date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert _feed(client, **later) == []


def test_a_malformed_service_request_id_is_400(client, three):
    query = {"service_request_id": "42"}
    assert "not a service_request_id" in json_error(
        client.get(f"{UPDATES}.json", query_string=query), 400
    )
    assert "not a service_request_id" in xml_error(
        client.get(f"{UPDATES}.xml", query_string=query), 400
    )
