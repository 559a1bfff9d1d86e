"""No public endpoint ever shows a reporter's name, email or phone, whatever staff did."""

from __future__ import annotations

import uuid

from tests.helpers.staff import TICKETS

CONTACT = {
    "name": "Anneleen Vermeulen-Privé",
    "email": "anneleen.private@example.org",
    "phone": "+32 470 99 88 77",
}
GRAND_PLACE = {"lat": 50.8467, "lon": 4.3525}


def _public_answers(client, report_id) -> list[tuple[str, str]]:
    paths = [
        "/api/v1/reports",
        "/api/v1/reports?status=new,acknowledged&bbox=4.3,50.8,4.4,50.9&commune=21004",
        f"/api/v1/reports/{report_id}",
        "/api/v1/reports/nearby?lat=50.8467&lon=4.3525&radius_m=500",
        "/api/v1/communes?q=Brux",
        "/api/v1/communes/lookup?lat=50.8467&lon=4.3525",
        "/api/v1/categories",
    ]
    answers = []
    for path in paths:
        for lang in ("fr", "nl", "de", "en"):
            response = client.get(path, headers={"Accept-Language": lang})
            answers.append((path, response.status_code, response.get_data(as_text=True)))
    return answers


def test_no_public_endpoint_shows_the_reporter(client, crew):
    created = client.post(
        "/api/v1/reports",
        json={"category": "pothole", "location": GRAND_PLACE, "reporter": CONTACT},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert created.status_code == 201, created.get_json()
    report_id = created.get_json()["id"]
    # Staff act on it, so that every public view has history, updates and a status to show.
    crew.transition(report_id, "acknowledged", note="Seen by the crew")
    version = crew.ticket(report_id)["version"]
    crew.change(
        "POST", f"{TICKETS}/{report_id}/updates", version, json={"body": "Soon", "public": True}
    )

    # The contact is stored, and shown to the body that must call the resident back.
    assert crew.ticket(report_id)["reporter"] == CONTACT
    answers = [("POST /api/v1/reports", 201, created.get_data(as_text=True))]
    answers += _public_answers(client, report_id)

    assert {path: status for path, status, _ in answers[1:]} == dict.fromkeys(
        (path for path, _, _ in answers[1:]), 200
    )
    for path, _status, body in answers:
        for value in CONTACT.values():
            assert value not in body, path
        for key in ("reporter", "reporter_name", "reporter_email", "reporter_phone"):
            assert f'"{key}"' not in body, path
