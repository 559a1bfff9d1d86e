"""A body a manager sets to Open311 through the delivery settings gets its new reports queued
for its server (the attack pass of issue 16 found nothing queued them before the sender was
merged, while the screen said "The body's new reports now follow these settings."). The
settings' own path end to end: test_staff_deliveries.py sets the method in SQL.
"""

from __future__ import annotations

from sqlalchemy import text

from app.delivery import crypto
from app.delivery.settings import DeliveryChange, change_settings
from app.tickets.store import Actor
from tests.factories import GRAND_PLACE

BRUXELLES = "commune-21004"


def test_a_report_to_an_open311_body_is_queued_for_its_server(app, client, session):
    change_settings(
        session,
        BRUXELLES,
        DeliveryChange(
            method="open311",
            endpoint="https://open311.bruxelles.example/open311/v2/",
            api_key="k3y-of-Bruxelles-0123456789",
            service_codes={"pothole": "ROAD-01"},
        ),
        fernet=crypto.box_from_config(app.config),
        actor=Actor("Alice Admin"),
    )
    session.commit()
    answer = client.post(
        "/api/v1/reports",
        json={
            "category": "pothole",
            "description": "Un trou profond devant le numéro 12",
            "location": {"lon": GRAND_PLACE[0], "lat": GRAND_PLACE[1]},
            "reporter": {"name": "Marie Peeters", "email": "marie@example.org"},
        },
    )
    assert answer.status_code == 201, answer.get_json()
    queued = session.execute(
        text("SELECT count(*) FROM report_deliveries WHERE report_id = :id"),
        {"id": answer.get_json()["id"]},
    ).scalar()
    assert queued == 1, "the body's server will never hear of this report"
