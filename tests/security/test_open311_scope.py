"""Open311 pushes obey the staff API's scope, for every ticket they touch.

The attack: a commune's Open311 key (an API token of its crew member) posts to
servicerequestupdates. The ticket it changes was checked, but not the original named by
`duplicate_of`: a key of commune A could merge A's ticket into commune B's, moving A's
reporter and followers onto B's ticket (and learning that B's ticket exists), which the
staff API refuses.

The defence: post_update checks the ticket with the staff API's rule (tickets.update on the
ticket's body and region) and the original with the same function as the staff API's
transitions (`check_original`: an original the caller may not read does not exist for them).
The tests run each direction through both APIs and expect the same decision.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.accounts.models import Role
from app.accounts.services import issue_token
from tests.helpers.accounts import login, make_staff, places

__all__ = ["make_staff", "places"]

UPDATES = "/open311/v2/servicerequestupdates.json"
TICKETS = "/api/v1/staff/tickets"


@pytest.fixture
def keys(session, make_staff, places):
    """Open311 keys and logged-in staff clients of Bruxelles (A), Namur (B) and an admin."""

    def staff(role, **scope):
        user = make_staff(role, **scope)
        _, token = issue_token(session, user, "Open311")
        session.commit()
        return user, token

    return {
        "brussels": staff(Role.CREW_MEMBER, body_id=places.brussels),
        "namur": staff(Role.CREW_MEMBER, body_id=places.namur),
        "admin": staff(Role.ADMINISTRATOR),
    }


@pytest.fixture
def tickets(report_factory):
    return {
        "brussels": report_factory(in_brussels=True, with_reporter=True).id,
        "brussels_other": report_factory(in_brussels=True, with_reporter=True).id,
        "namur": report_factory(in_namur=True, with_reporter=True).id,
    }


def _state(session, report_id):
    return session.execute(
        text(
            "SELECT status, duplicate_of, version, "
            "(SELECT count(*) FROM report_followers f WHERE f.report_id = r.id) AS followers "
            "FROM reports r WHERE id = :id"
        ),
        {"id": report_id},
    ).one()


def _push(client, key, report_id, status, **extra):
    data = {"api_key": key, "service_request_id": str(report_id), "status": status, **extra}
    return client.post(UPDATES, data=data)


def _staff_transition(app, user, report_id, to, **body):
    client = app.test_client()
    csrf = login(client, user)
    version = _version(client, report_id)
    headers = {"X-CSRF-Token": csrf, **({"If-Match": f'"v{version}"'} if version else {})}
    return client.post(
        f"{TICKETS}/{report_id}/transitions", json={"to": to, **body}, headers=headers
    )


def _version(client, report_id):
    answer = client.get(f"{TICKETS}/{report_id}")
    return answer.get_json()["version"] if answer.status_code == 200 else None


# (key, ticket changed, original or None, allowed?)
CASES = [
    ("brussels", "brussels", None, True),
    ("brussels", "namur", None, False),
    ("namur", "brussels", None, False),
    ("brussels", "brussels", "brussels_other", True),
    ("brussels", "brussels", "namur", False),  # A's ticket into B's
    ("brussels", "namur", "brussels", False),  # B's ticket into A's
    ("namur", "namur", "brussels", False),
    ("namur", "brussels", "namur", False),
    ("admin", "brussels", "namur", True),
    ("admin", "namur", "brussels", True),
]


@pytest.mark.parametrize(("who", "changed", "original", "allowed"), CASES)
def test_open311_decides_as_the_staff_api_does(
    app, client, session, keys, tickets, who, changed, original, allowed
):
    _, key = keys[who]
    report_id = tickets[changed]
    others = [t for name, t in tickets.items() if name != changed]
    before = {t: _state(session, t) for t in tickets.values()}
    if original is None:
        pushed = _push(client, key, report_id, "acknowledged")
    else:
        pushed = _push(client, key, report_id, "duplicate", duplicate_of=str(tickets[original]))

    if allowed:
        assert pushed.status_code == 200, pushed.get_data(as_text=True)
        assert _state(session, report_id).version == before[report_id].version + 1
    else:
        assert pushed.status_code in (403, 400), pushed.get_data(as_text=True)
        (error,) = pushed.get_json()
        assert error["code"] == pushed.status_code and error["description"]
        # Nothing half-written: neither ticket, nor the followers of the original.
        assert {t: _state(session, t) for t in tickets.values()} == before
    for other in others:
        if original is None or other != tickets[original]:
            assert _state(session, other) == before[other]


@pytest.mark.parametrize(("who", "changed", "original", "allowed"), CASES)
def test_the_staff_api_refuses_the_same_changes(
    app, session, keys, tickets, who, changed, original, allowed
):
    user, _ = keys[who]
    report_id = tickets[changed]
    if original is None:
        answer = _staff_transition(app, user, report_id, "acknowledged")
    else:
        answer = _staff_transition(
            app, user, report_id, "duplicate", duplicate_of=str(tickets[original])
        )
    assert (answer.status_code == 200) is allowed, answer.get_json()
