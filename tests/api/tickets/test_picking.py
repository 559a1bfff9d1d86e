"""What crews pick in the status form: the original of a duplicate among the nearby open
tickets of their body, or by its short reference; the body to transfer to, by its name."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import text

from app.accounts.models import Role
from app.reports.models import Report
from tests.helpers.api import assert_problem
from tests.helpers.media import token_for
from tests.helpers.staff import TICKETS

BODIES = "/api/v1/staff/bodies"
# Around the Grand-Place: about 55 m and 330 m north of it, and 1.1 km east.
NEAR = {"lon": 4.3525, "lat": 50.8472}
FURTHER = {"lon": 4.3525, "lat": 50.8497}
FAR = {"lon": 4.3680, "lat": 50.8467}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (120, 60, 30)).save(out, "JPEG")
    return out.getvalue()


def _photo(client, report) -> dict:
    response = client.post(
        f"/api/v1/reports/{report.id}/photos",
        data={"photo": (io.BytesIO(_jpeg()), "photo.jpg")},
        headers={"Idempotency-Key": "p1", "Report-Key": token_for(client.application, report.id)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _candidates(staff, ticket, lang="fr"):
    return staff.get(
        f"{TICKETS}/{ticket.id}/duplicate-candidates", headers={"Accept-Language": lang}
    )


def test_the_nearby_open_tickets_of_my_body_nearest_first(client, crew, ticket, report_factory):
    further = report_factory(**FURTHER)
    near = report_factory(**NEAR)
    photo = _photo(client, near)
    report_factory(**FAR)
    report_factory(**NEAR, closed=True)
    report_factory(**NEAR, status="duplicate")
    moved = report_factory(**NEAR)
    transferred = crew.transition(
        moved.id, "transferred", to_body="commune-21009", reason="Not ours"
    )
    assert transferred.status_code == 200, transferred.get_json()

    response = _candidates(crew, ticket)

    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert [c["id"] for c in found] == [str(near.id), str(further.id)]
    first = found[0]
    assert first["reference"] == str(near.id)[:8]
    assert first["category"] == {"code": "pothole", "name": first["category"]["name"]}
    assert (
        first["category"]["name"]
        != _candidates(crew, ticket, "nl").get_json()[0]["category"]["name"]
    )
    assert 50 <= first["distance_m"] <= 60
    assert 320 <= found[1]["distance_m"] <= 340
    assert first["thumbnail_url"] == photo["thumbnail_url"]
    assert found[1]["thumbnail_url"] is None
    assert first["status"] == "new" and first["created_at"]


def test_another_communes_crew_and_strangers_get_no_candidates(app, staff_as, places, ticket):
    ixelles = staff_as(Role.CREW_MEMBER, body_id=places.ixelles)
    assert_problem(_candidates(ixelles, ticket), 403)
    assert_problem(app.test_client().get(f"{TICKETS}/{ticket.id}/duplicate-candidates"), 401)
    assert_problem(_candidates(ixelles, type("T", (), {"id": uuid.uuid4()})), 404)


def test_a_short_reference_typed_by_hand_names_the_original(crew, ticket, report_factory):
    original = report_factory(**NEAR)

    response = crew.transition(ticket.id, "duplicate", duplicate_of=f"#{original.id.hex[:8]}")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["duplicate_of"] == str(original.id)
    assert response.get_json()["status"] == "duplicate"


def test_a_reference_upper_case_is_the_same_reference(crew, ticket, report_factory):
    original = report_factory(**NEAR)

    response = crew.transition(ticket.id, "duplicate", duplicate_of=original.id.hex[:8].upper())

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["duplicate_of"] == str(original.id)


def test_another_communes_ticket_is_no_reference_for_me(crew, ticket, report_factory):
    theirs = report_factory(in_ixelles=True)

    problem = assert_problem(
        crew.transition(ticket.id, "duplicate", duplicate_of=theirs.id.hex[:8]), 422
    )

    assert problem["type"].endswith("/unknown-reference")
    assert crew.ticket(ticket.id)["status"] == "new"
    assert crew.ticket(ticket.id)["version"] == 1


def _copy_with_id(connection, report, new_id: uuid.UUID) -> None:
    """The same report again under another id (ids are random: the test chooses one)."""
    columns = [c.name for c in Report.__table__.columns if c.name != "id"]
    listed = ", ".join(columns)
    connection.execute(
        text(
            f"INSERT INTO reports (id, {listed}) SELECT :new, {listed} FROM reports WHERE id = :id"
        ),
        {"new": new_id, "id": report.id},
    )


def test_a_reference_two_tickets_share_is_refused_as_ambiguous(
    crew, ticket, report_factory, session
):
    original = report_factory(**NEAR)
    twin = uuid.UUID(original.id.hex[:8] + "0" * 24)
    if twin == original.id:
        twin = uuid.UUID(original.id.hex[:8] + "1" * 24)
    _copy_with_id(session.connection(), original, twin)
    session.commit()

    problem = assert_problem(
        crew.transition(ticket.id, "duplicate", duplicate_of=original.id.hex[:8]), 422
    )

    assert problem["type"].endswith("/ambiguous-reference")
    assert crew.ticket(ticket.id)["version"] == 1


@pytest.mark.parametrize(
    "typed", ["\x00\x00\x00\x00\x00\x00\x00\x00", "34195c8\x00", "3419", "zzzzzzzz", 12, ""]
)
def test_a_reference_that_is_none_is_a_422_naming_the_field(crew, ticket, typed):
    problem = assert_problem(crew.transition(ticket.id, "duplicate", duplicate_of=typed), 422)

    assert "duplicate_of" in str(problem.get("errors"))
    assert crew.ticket(ticket.id)["version"] == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [("Ixelles", "commune-21009"), ("elsene", "commune-21009"), ("ixel", "commune-21009")],
)
def test_bodies_are_found_by_their_name_in_any_language(crew, query, code):
    response = crew.get(BODIES, query_string={"q": query}, headers={"Accept-Language": "nl"})

    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert found[0]["code"] == code
    assert found[0]["kind"] == "commune"
    assert found[0]["name"] == "Elsene"
    assert found[0]["names"]["fr"] == "Ixelles"


def test_regional_bodies_are_found_too(crew):
    found = crew.get(BODIES, query_string={"q": "mobilit"}, headers={"Accept-Language": "fr"})

    assert {"code": "region-brussels", "kind": "region", "name": "Bruxelles Mobilité"} in [
        {k: b[k] for k in ("code", "kind", "name")} for b in found.get_json()
    ]


def test_a_body_code_typed_whole_finds_its_body(crew):
    found = crew.get(BODIES, query_string={"q": "21009"}).get_json()

    assert [b["code"] for b in found] == ["commune-21009"]


@pytest.mark.parametrize("query", [{"q": "a\x00b"}, {"q": "x"}, {}, {"q": "ab", "limit": "0"}])
def test_a_bad_body_search_is_a_422(crew, query):
    assert_problem(crew.get(BODIES, query_string=query), 422)


def test_the_body_search_needs_a_member_of_staff(app):
    assert_problem(app.test_client().get(BODIES, query_string={"q": "Ixelles"}), 401)


def test_transferring_to_a_body_that_is_none_is_a_422(crew, ticket):
    problem = assert_problem(
        crew.transition(ticket.id, "transferred", to_body="Ixelles", reason="Not ours"), 422
    )

    assert problem["type"].endswith("/invalid-transfer")


@pytest.mark.parametrize("role", [Role.REGION_REVIEWER, Role.ADMINISTRATOR])
def test_who_reads_the_ticket_by_its_region_or_everywhere_gets_the_same_list(
    staff_as, crew, ticket, report_factory, role
):
    near = report_factory(**NEAR)
    report_factory(in_namur=True)

    found = _candidates(staff_as(role), ticket).get_json()

    assert [c["id"] for c in found] == [str(near.id)]
