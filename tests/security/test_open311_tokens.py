"""GET tokens answers only for the Open311 POST's own tokens, and only once the request is public.

The attack: GET /open311/v2/tokens/<key>.json looked any report's Idempotency-Key up. The key
of a report made through the native API gave its id, also for a sensitive report still hidden
during its first hour (its GET answers 404, but the id let anyone follow it, and the follow
confirmation names the category and the commune); and trying open311-pave:<n>:<id> told which
account had sent which report.

The defence: a token is what the Open311 POST was sent with (the spec: it is obtained from
POST requests), looked up in that way's own key space only (app.reports.services.ReportKey),
and a request the public lists do not show yet is not found, the spec's 404 for a token it
does not know. Following a report is refused like reading it: 404 while it is hidden.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.factories import FLAGEY
from tests.helpers.api import report_body
from tests.helpers.open311 import BASE, api_key, form, json_array, json_error, make_staff, places

__all__ = ["api_key", "make_staff", "places"]

SENSITIVE = "illegal_dumping"


def _token(client, token: str):
    return client.get(f"{BASE}/tokens/{token}.json")


def _an_hour_ago(session, report_id: str) -> None:
    """Its published hour is over (the trigger publishes the earlier time)."""
    session.execute(
        text("UPDATE reports SET created_at = created_at - interval '1 hour' WHERE id = :id"),
        {"id": report_id},
    )
    session.commit()


def _follow(client, report_id: str):
    return client.post(
        f"/api/v1/reports/{report_id}/followers",
        json={"email": "jan@example.org", "language": "fr"},
    )


def test_the_key_of_a_native_report_is_no_token(client):
    key = str(uuid.uuid4())
    created = client.post("/api/v1/reports", json=report_body(), headers={"Idempotency-Key": key})
    assert created.status_code == 201

    json_error(_token(client, key), 404)


def test_the_key_of_another_paves_request_is_no_token(client, api_key):
    sender_report = str(uuid.uuid4())
    posted = client.post(
        f"{BASE}/requests.json", data=form(api_key, **{"attribute[pave_report_id]": sender_report})
    )
    assert posted.status_code == 201

    # Whichever account is tried, nothing tells which one sent it.
    for account in range(1, 40):
        json_error(_token(client, f"open311-pave:{account}:{sender_report}"), 404)


def test_a_token_of_a_hidden_request_is_not_found_until_it_is_public(client, session, api_key):
    token = f"sensitive-{uuid.uuid4()}"
    posted = client.post(
        f"{BASE}/requests.json",
        data=form(api_key, service_code=SENSITIVE, lat=FLAGEY[1], long=FLAGEY[0]),
        headers={"Idempotency-Key": token},
    )
    assert posted.status_code == 201, posted.data
    request_id = json_array(posted)[0]["service_request_id"]

    # As unknown as a token never issued, while GET requests/<id> does not show it either.
    assert json_error(_token(client, token), 404) == f"There is no token {token!r}."
    json_error(client.get(f"{BASE}/requests/{request_id}.json"), 404)

    _an_hour_ago(session, request_id)

    assert json_array(_token(client, token)) == [{"service_request_id": request_id, "token": token}]


def test_a_hidden_report_cannot_be_followed_until_it_is_public(client, session):
    created = client.post("/api/v1/reports", json=report_body(category=SENSITIVE))
    assert created.status_code == 201, created.data
    report_id = created.get_json()["id"]
    assert client.get(f"/api/v1/reports/{report_id}").status_code == 404

    refused = _follow(client, report_id)

    assert refused.status_code == 404
    assert refused.get_json() == client.get(f"/api/v1/reports/{report_id}").get_json()
    confirmations = session.execute(
        text("SELECT count(*) FROM outbox_messages WHERE kind = 'resident_follow_confirm'")
    ).scalar_one()
    assert confirmations == 0

    _an_hour_ago(session, report_id)

    assert _follow(client, report_id).status_code == 202
