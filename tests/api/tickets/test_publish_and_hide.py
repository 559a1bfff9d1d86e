"""Staff decide what the public sees: the resident's text as open data, and each photo."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import text

from app.accounts.models import Role
from tests.helpers.api import assert_problem
from tests.helpers.media import token_for
from tests.helpers.staff import TICKETS


def _jpeg(colour=(120, 60, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(out, "JPEG")
    return out.getvalue()


def _open_data_description(connection, ticket_id):
    """The description as every export reads it (the anonymised open data view)."""
    return connection.execute(
        text("SELECT description FROM open_data_reports WHERE id = :id"), {"id": ticket_id}
    ).scalar_one()


def test_a_crew_marks_the_description_publishable_and_the_audit_keeps_it(crew, ticket, connection):
    assert _open_data_description(connection, ticket.id) is None

    response = crew.change("PATCH", f"{TICKETS}/{ticket.id}", 1, json={"description_public": True})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["description_public"] is True
    assert response.headers["ETag"] == '"v2"'
    assert body["audit"][-1]["action"] == "set_description_public"
    assert body["audit"][-1]["actor"] == crew.user.name
    assert body["audit"][-1]["before"]["description_public"] is False
    assert body["audit"][-1]["after"]["description_public"] is True
    assert _open_data_description(connection, ticket.id) == "Deep pothole"

    withdrawn = crew.change(
        "PATCH", f"{TICKETS}/{ticket.id}", 2, json={"description_public": False}
    )
    assert withdrawn.get_json()["description_public"] is False
    assert _open_data_description(connection, ticket.id) is None


def test_publishable_is_a_boolean_and_needs_if_match(crew, ticket, connection):
    path = f"{TICKETS}/{ticket.id}"

    problem = assert_problem(
        crew.change("PATCH", path, 1, json={"description_public": "maybe"}), 422
    )
    assert problem["errors"][0]["pointer"] == "/description_public"
    assert_problem(crew.change("PATCH", path, json={"description_public": True}), 428)
    assert_problem(crew.change("PATCH", path, 5, json={"description_public": True}), 412)
    assert _open_data_description(connection, ticket.id) is None
    assert crew.ticket(ticket.id)["version"] == 1


def _resident_photo(client, ticket, key="resident-1", colour=(120, 60, 30)) -> dict:
    """The resident's photo, sent with the ticket's photo token as the resident app does."""
    response = client.post(
        f"/api/v1/reports/{ticket.id}/photos",
        data={"photo": (io.BytesIO(_jpeg(colour)), "photo.jpg")},
        headers={"Idempotency-Key": key, "Report-Key": token_for(client.application, ticket.id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_hidden_photo_leaves_every_public_view_and_can_be_shown_again(client, crew, ticket):
    photo = _resident_photo(client, ticket)
    (listed,) = crew.ticket(ticket.id)["photos"]
    assert listed["hidden"] is False
    path = f"{TICKETS}/{ticket.id}/photos/{listed['id']}"

    hidden = crew.change("PATCH", path, 1, json={"hidden": True})

    assert hidden.status_code == 200, hidden.get_json()
    body = hidden.get_json()
    # Staff still see it, marked hidden, to show it again if it was a mistake.
    assert [(p["id"], p["hidden"]) for p in body["photos"]] == [(listed["id"], True)]
    assert body["audit"][-1]["action"] == "hide_photo"
    assert body["audit"][-1]["before"] == {"photo": listed["id"], "hidden": False, "version": 1}
    assert body["audit"][-1]["after"] == {"photo": listed["id"], "hidden": True, "version": 2}
    assert client.get(f"/api/v1/reports/{ticket.id}").get_json()["photos"] == []
    assert client.get(photo["url"]).status_code == 404
    assert client.get(photo["thumbnail_url"]).status_code == 404
    open311 = client.get(f"/open311/v2/requests/{ticket.id}.json").get_json()
    assert open311[0]["media_url"] is None

    shown = crew.change("PATCH", path, 2, json={"hidden": False})

    assert shown.status_code == 200, shown.get_json()
    assert shown.get_json()["audit"][-1]["action"] == "show_photo"
    public = client.get(f"/api/v1/reports/{ticket.id}").get_json()["photos"]
    assert [p["url"] for p in public] == [photo["url"]]
    assert client.get(photo["url"]).status_code == 200


def test_hiding_a_photo_of_another_ticket_is_a_404(client, crew, ticket, report_factory):
    other = report_factory(in_brussels=True, idempotency_key="other-creation-key")
    _resident_photo(client, other)
    (theirs,) = crew.ticket(other.id)["photos"]

    response = crew.change(
        "PATCH", f"{TICKETS}/{ticket.id}/photos/{theirs['id']}", 1, json={"hidden": True}
    )

    assert_problem(response, 404)
    assert crew.ticket(other.id)["photos"][0]["hidden"] is False
    assert crew.ticket(ticket.id)["version"] == 1


def test_hiding_needs_if_match_a_boolean_and_the_tickets_body(
    client, crew, staff_as, places, ticket
):
    _resident_photo(client, ticket)
    (listed,) = crew.ticket(ticket.id)["photos"]
    path = f"{TICKETS}/{ticket.id}/photos/{listed['id']}"
    reviewer = staff_as(Role.REGION_REVIEWER)
    namur = staff_as(Role.CREW_MEMBER, body_id=places.namur)

    assert_problem(crew.change("PATCH", path, json={"hidden": True}), 428)
    assert_problem(crew.change("PATCH", path, 3, json={"hidden": True}), 412)
    assert_problem(crew.change("PATCH", path, 1, json={}), 422)
    assert_problem(crew.change("PATCH", path, 1, json={"hidden": "perhaps"}), 422)
    assert_problem(reviewer.change("PATCH", path, 1, json={"hidden": True}), 403)
    assert_problem(namur.change("PATCH", path, 1, json={"hidden": True}), 403)

    assert crew.ticket(ticket.id)["photos"][0]["hidden"] is False
    assert len(client.get(f"/api/v1/reports/{ticket.id}").get_json()["photos"]) == 1


def test_hiding_a_photo_retried_with_its_key_is_applied_once(client, crew, ticket):
    _resident_photo(client, ticket)
    (listed,) = crew.ticket(ticket.id)["photos"]
    path = f"{TICKETS}/{ticket.id}/photos/{listed['id']}"
    key = {"Idempotency-Key": "hide-1"}

    first = crew.change("PATCH", path, 1, headers=key, json={"hidden": True})
    retry = crew.change("PATCH", path, 1, headers=key, json={"hidden": True})

    assert first.status_code == retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert [a["action"] for a in retry.get_json()["audit"]] == ["hide_photo"]


def test_the_list_shows_each_tickets_first_photo_not_hidden(client, crew, ticket, report_factory):
    """The crews' list card shows a thumbnail: the first photo, the next once it is hidden."""
    bare = report_factory(in_brussels=True, description="No photo at all")
    first = _resident_photo(client, ticket)
    second = _resident_photo(client, ticket, key="resident-2", colour=(10, 200, 30))

    def thumbnails():
        items = crew.get(f"{TICKETS}?limit=200").get_json()["items"]
        return {item["id"]: item["thumbnail_url"] for item in items}

    listed = thumbnails()
    assert listed[str(ticket.id)] == first["thumbnail_url"]
    assert listed[str(bare.id)] is None
    (hidden, _) = crew.ticket(ticket.id)["photos"]
    path = f"{TICKETS}/{ticket.id}/photos/{hidden['id']}"
    assert crew.change("PATCH", path, 1, json={"hidden": True}).status_code == 200
    assert thumbnails()[str(ticket.id)] == second["thumbnail_url"]
