"""Every staff ticket endpoint, every role, own or other commune/region: allow or deny.

The ticket lies at the Grand-Place, with the body of Bruxelles, in the Brussels region. A
list or map "allows" when it answers 200 and shows the ticket; it answers 200 to every member
of staff, showing only what each may read.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import text

from app.accounts.models import Role
from tests.helpers.media import token_for
from tests.helpers.staff import BRUSSELS_REGION, TICKETS, WALLONIA

CALLERS = {
    "crew_own": (Role.CREW_MEMBER, "brussels"),
    "crew_other": (Role.CREW_MEMBER, "namur"),
    "manager_own": (Role.COMMUNE_MANAGER, "brussels"),
    "manager_other": (Role.COMMUNE_MANAGER, "namur"),
    "reviewer_own": (Role.REGION_REVIEWER, BRUSSELS_REGION),
    "reviewer_other": (Role.REGION_REVIEWER, WALLONIA),
    "administrator": (Role.ADMINISTRATOR, None),
    "anonymous": (None, None),
}
# Reads: (status, sees the ticket). Changes: the status only.
SEES, HIDDEN = (200, True), (200, False)
READ_ALL = {"crew_own": SEES, "manager_own": SEES, "reviewer_own": SEES, "administrator": SEES}
DETAIL = {"crew_own": 200, "manager_own": 200, "reviewer_own": 200, "administrator": 200}
CHANGE = {"crew_own": 200, "manager_own": 200, "administrator": 200}


def _row(allowed: dict, deny, anonymous=401) -> dict:
    return {c: allowed.get(c, deny) if c != "anonymous" else anonymous for c in CALLERS}


EXPECTED = {
    "list": _row(READ_ALL, HIDDEN, (401, False)),
    "map": _row(READ_ALL, HIDDEN, (401, False)),
    "detail": _row(DETAIL, 403),
    "transition": _row(CHANGE, 403),
    "patch": _row(CHANGE, 403),
    "publishable": _row(CHANGE, 403),
    "update": _row({c: 201 for c in CHANGE}, 403),
    "photo": _row({c: 201 for c in CHANGE}, 403),
    "hide_photo": _row(CHANGE, 403),
    "publish_comment": _row(CHANGE, 403),
    # Who works on the ticket's body (app/api/members): for those who may read its tickets.
    "members": _row(DETAIL, 403),
    # The nearby open tickets to pick a duplicate's original from: for those who read it.
    "candidates": _row(DETAIL, 403),
    # Bodies by name, to transfer to: for anyone who may change tickets somewhere.
    "bodies": _row({**CHANGE, "crew_other": 200, "manager_other": 200}, 403),
    # The deliveries to a body's own system that failed (app/api/deliveries): its managers
    # and administrators; another body's manager gets a list without it.
    "failed_deliveries": _row(
        {"manager_own": SEES, "manager_other": HIDDEN, "administrator": SEES},
        (403, False),
        (401, False),
    ),
    # Another body's manager, who may retry their own body's: the 404 of a missing delivery,
    # not a 403 that says this one exists.
    "retry_delivery": _row({"manager_own": 200, "manager_other": 404, "administrator": 200}, 403),
}


# The route and method each operation calls (PATCH of a ticket twice: two kinds of change).
_TICKET = f"{TICKETS}/<uuid:report_id>"
ROUTES = {
    "list": (TICKETS, "GET"),
    "map": (f"{TICKETS}/map", "GET"),
    "detail": (_TICKET, "GET"),
    "transition": (f"{_TICKET}/transitions", "POST"),
    "patch": (_TICKET, "PATCH"),
    "publishable": (_TICKET, "PATCH"),
    "update": (f"{_TICKET}/updates", "POST"),
    "photo": (f"{_TICKET}/photos", "POST"),
    "hide_photo": (f"{_TICKET}/photos/<int:photo_id>", "PATCH"),
    "publish_comment": (f"{_TICKET}/updates/<int:update_id>", "PATCH"),
    "members": ("/api/v1/staff/bodies/<string:body_code>/members", "GET"),
    "candidates": (f"{_TICKET}/duplicate-candidates", "GET"),
    "bodies": ("/api/v1/staff/bodies", "GET"),
    "failed_deliveries": ("/api/v1/staff/deliveries/failed", "GET"),
    "retry_delivery": ("/api/v1/staff/deliveries/<int:delivery_id>/retry", "POST"),
}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(out, "JPEG")
    return out.getvalue()


def _caller(client, staff_as, places, caller):
    role, where = CALLERS[caller]
    if role is None:
        return client, {}
    if role in (Role.CREW_MEMBER, Role.COMMUNE_MANAGER):
        staff = staff_as(role, body_id=getattr(places, where))
    elif role is Role.REGION_REVIEWER:
        staff = staff_as(role, region_code=where)
    else:
        staff = staff_as(role)
    return staff.client, staff.csrf


def _resident_photo(client, connection, ticket) -> int:
    """A photo the resident added to the ticket (with its photo token); returns its id."""
    ticket_id = ticket.id
    response = client.post(
        f"/api/v1/reports/{ticket_id}/photos",
        data={"photo": (io.BytesIO(_jpeg()), "a.jpg")},
        headers={
            "Idempotency-Key": "resident-photo",
            "Report-Key": token_for(client.application, ticket.id),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return connection.execute(
        text("SELECT id FROM photos WHERE report_id = :id"), {"id": ticket_id}
    ).scalar_one()


def _resident_comment(connection, ticket) -> int:
    """A comment the reporter left on their follow page, not yet public; returns its id."""
    return connection.execute(
        text(
            "INSERT INTO report_updates (report_id, author, body, public) "
            "VALUES (:id, 'reporter', 'Call me on 0470 12 34 56', false) RETURNING id"
        ),
        {"id": ticket.id},
    ).scalar_one()


def _failed_delivery(connection, ticket) -> int:
    """The ticket's delivery to its body's own system, given up; returns its id."""
    return connection.execute(
        text(
            "INSERT INTO report_deliveries (report_id, body_id, attempts, failed_at, last_error) "
            "SELECT id, body_id, 12, now(), '503 from https://crm.example/' FROM reports "
            "WHERE id = :id RETURNING id"
        ),
        {"id": ticket.id},
    ).scalar_one()


def _call(client, csrf, operation, ticket_id, photo_id=None):
    change = {**csrf, "If-Match": '"v1"'}
    path = f"{TICKETS}/{ticket_id}"
    if operation == "failed_deliveries":
        response = client.get("/api/v1/staff/deliveries/failed")
        items = response.get_json()["items"] if response.status_code == 200 else []
        return response.status_code, str(ticket_id) in {i["report_id"] for i in items}
    if operation == "retry_delivery":
        return client.post(f"/api/v1/staff/deliveries/{photo_id}/retry", headers=csrf)
    if operation in ("list", "map"):
        response = client.get(f"{TICKETS}/map" if operation == "map" else TICKETS)
        body = response.get_json()
        items = body.get("items", body.get("features", [])) if response.status_code == 200 else []
        return response.status_code, str(ticket_id) in {i["id"] for i in items}
    if operation == "detail":
        return client.get(path).status_code
    if operation == "members":
        return client.get("/api/v1/staff/bodies/commune-21004/members").status_code
    if operation == "candidates":
        return client.get(f"{path}/duplicate-candidates").status_code
    if operation == "bodies":
        return client.get("/api/v1/staff/bodies?q=Ixelles").status_code
    if operation == "transition":
        return client.post(f"{path}/transitions", json={"to": "acknowledged"}, headers=change)
    if operation == "patch":
        return client.patch(path, json={"priority": "high"}, headers=change)
    if operation == "publishable":
        return client.patch(path, json={"description_public": True}, headers=change)
    if operation == "hide_photo":
        return client.patch(f"{path}/photos/{photo_id}", json={"hidden": True}, headers=change)
    if operation == "publish_comment":
        body = {"public": True, "body": "Edited"}
        return client.patch(f"{path}/updates/{photo_id}", json=body, headers=change)
    if operation == "update":
        return client.post(f"{path}/updates", json={"body": "b", "public": True}, headers=change)
    return client.post(
        f"{path}/photos",
        data={"photo": (io.BytesIO(_jpeg()), "a.jpg")},
        headers={**csrf, "Idempotency-Key": "k"},
        content_type="multipart/form-data",
    )


CASES = [
    pytest.param(caller, operation, expected, id=f"{caller}-{operation}")
    for operation, row in EXPECTED.items()
    for caller, expected in row.items()
]


@pytest.mark.parametrize(("caller", "operation", "expected"), CASES)
def test_matrix(client, staff_as, places, report_factory, connection, caller, operation, expected):
    ticket = report_factory(in_brussels=True, with_reporter=True, idempotency_key="creation-key")
    photo_id = _resident_photo(client, connection, ticket) if operation == "hide_photo" else None
    photos = 1 if photo_id else 0
    if operation == "publish_comment":
        # The comment's id goes where a photo's would.
        photo_id = _resident_comment(connection, ticket)
    if operation in ("failed_deliveries", "retry_delivery"):
        # So does the delivery's.
        photo_id = _failed_delivery(connection, ticket)
    staff_client, csrf = _caller(client, staff_as, places, caller)

    result = _call(staff_client, csrf, operation, ticket.id, photo_id)

    status = result if isinstance(result, tuple | int) else result.status_code
    assert status == expected, getattr(result, "get_json", lambda: result)()
    if expected in (401, 403):
        unchanged = connection.execute(
            text(
                "SELECT version = 1 AND NOT description_public "
                "AND (SELECT count(*) FROM photos WHERE report_id = :id) = :photos "
                "AND NOT EXISTS (SELECT 1 FROM photos WHERE report_id = :id AND hidden) "
                "AND NOT EXISTS (SELECT 1 FROM report_updates WHERE report_id = :id AND public) "
                "AND NOT EXISTS (SELECT 1 FROM report_deliveries "
                "WHERE report_id = :id AND failed_at IS NULL) "
                "FROM reports WHERE id = :id"
            ),
            {"id": ticket.id, "photos": photos},
        ).scalar_one()
        assert unchanged


def test_every_caller_and_endpoint_is_in_the_matrix(app):
    assert all(set(row) == set(CALLERS) for row in EXPECTED.values())
    staff_rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/staff/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    # Every staff route and method is called by at least one operation of the matrix.
    assert staff_rules == set(ROUTES.values())
    assert set(ROUTES) == set(EXPECTED)
