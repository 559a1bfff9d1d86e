"""A client's Idempotency-Key never reaches the key of another way in, nor Pavé's own.

The attack: another Pavé sends each report once per sending account, under the key
`open311-pave:<account id>:<its report id>`, and the lists echo the report id of a request
with such a key as `attributes.pave_report_id`. The public report API took that same key
from anyone: a stranger posting a forged report under `open311-pave:<n>:<id>` made it the
request the receiving Pavé answers to the real sender (which then created nothing) and the
one the sender's reconciliation (app/delivery/reconcile.py) takes as its own.

The defence (app.reports.services.ReportKey): a client's key is kept in the space of its way
in, as "<way> <SHA-256 of the key>", with a space no client key may hold; only the server
writes a key as it is, and only for another Pavé's Open311 POST. So the same string on two
ways in makes two reports, a forged key makes a report of its own, and only the real one is
echoed. The same key on the same way in still replays.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from app.accounts.services import issue_token
from app.reports.services import PUBLIC_API, ReportKey
from tests.helpers.api import report_body
from tests.helpers.open311 import BASE, api_key, form, json_array, make_staff, places

__all__ = ["api_key", "make_staff", "places"]

SENDER_REPORT = "11111111-2222-4333-8444-555555555555"


def _public_post(client, key: str, **overrides):
    body = report_body(**overrides)
    return client.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key})


def _echoed(client) -> dict[str, str | None]:
    """Each listed request's id and the pave_report_id it echoes, if any."""
    listed = json_array(client.get(f"{BASE}/requests.json"))
    return {item["service_request_id"]: item.get("attributes") for item in listed}


def test_a_forged_pave_key_on_the_public_api_is_not_the_senders_request(
    client, session, make_staff
):
    sender = make_staff()
    _, sender_key = issue_token(session, sender, "Pavé B")
    session.commit()
    forged_key = f"open311-pave:{sender.id}:{SENDER_REPORT}"

    forged = _public_post(client, forged_key, description="forged")
    assert forged.status_code == 201
    forged_id = forged.get_json()["id"]

    # The real sender's POST makes its own request and is answered with its own id.
    real = client.post(
        f"{BASE}/requests.json",
        data=form(
            sender_key, description="sent by Pavé A", **{"attribute[pave_report_id]": SENDER_REPORT}
        ),
    )
    assert real.status_code == 201, real.data
    real_id = json_array(real)[0]["service_request_id"]
    assert real_id != forged_id

    # Only the real one is echoed; its second POST still gets the first request.
    echoed = _echoed(client)
    assert echoed[real_id] == {"pave_report_id": SENDER_REPORT}
    assert echoed[forged_id] is None
    again = client.post(
        f"{BASE}/requests.json",
        data=form(sender_key, **{"attribute[pave_report_id]": SENDER_REPORT}),
    )
    assert again.status_code == 200
    assert json_array(again)[0]["service_request_id"] == real_id


def test_the_same_key_twice_on_the_public_api_still_replays(client, connection):
    key = str(uuid.uuid4())
    first = _public_post(client, key)
    again = _public_post(client, key)

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    # Kept in the native API's space, never as sent.
    stored = connection.execute(
        text("SELECT idempotency_key FROM reports WHERE id = :id"), {"id": first.get_json()["id"]}
    ).scalar_one()
    assert stored == ReportKey.client(PUBLIC_API, key).stored != key


def test_the_same_key_on_two_ways_in_makes_two_reports(client, api_key):
    key = f"shared-{uuid.uuid4()}"
    native = _public_post(client, key)
    open311 = client.post(
        f"{BASE}/requests.json", data=form(api_key), headers={"Idempotency-Key": key}
    )

    assert native.status_code == open311.status_code == 201
    assert json_array(open311)[0]["service_request_id"] != native.get_json()["id"]
    # Each way in replays its own.
    assert _public_post(client, key).get_json()["id"] == native.get_json()["id"]
    replay = client.post(
        f"{BASE}/requests.json", data=form(api_key), headers={"Idempotency-Key": key}
    )
    assert replay.status_code == 200
    assert json_array(replay) == json_array(open311)


def test_a_key_kept_as_sent_before_the_ways_were_apart_still_replays(client, session):
    """A report made before the keys were scoped keeps its key as sent: a retry finds it."""
    key = str(uuid.uuid4())
    report_id = _public_post(client, key).get_json()["id"]
    session.execute(
        text("UPDATE reports SET idempotency_key = :key WHERE id = :id"),
        {"key": key, "id": report_id},
    )
    session.commit()

    again = _public_post(client, key)

    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == report_id


def test_an_earlier_pave_key_is_never_replayed_to_a_client(client, connection, api_key):
    """Pavé's own keys were kept as sent too: a client's key of that form never finds one."""
    sender_post = client.post(
        f"{BASE}/requests.json",
        data=form(api_key, **{"attribute[pave_report_id]": SENDER_REPORT}),
    )
    real_id = json_array(sender_post)[0]["service_request_id"]
    real_key = connection.execute(
        text("SELECT idempotency_key FROM reports WHERE id = :id"), {"id": real_id}
    ).scalar_one()

    forged = _public_post(client, real_key)

    assert forged.status_code == 201 and "Idempotent-Replayed" not in forged.headers
    assert forged.get_json()["id"] != real_id
