"""No reporter contact ever appears in an Open311 answer, in any format or endpoint."""

from __future__ import annotations

from tests.helpers.open311 import BASE


def test_no_reporter_contact_in_any_open311_answer(client, api_key, report_factory):
    reports = [report_factory(with_reporter=True), report_factory(in_namur=True, closed=True)]
    posted = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "graffiti",
            "lat": "50.8467",
            "long": "4.3525",
            "email": "secret.person@example.org",
            "first_name": "Secret",
            "last_name": "Person",
            "phone": "+32 470 99 88 77",
        },
    )
    assert posted.status_code == 201
    posted_id = posted.get_json()[0]["service_request_id"]
    client.post(
        f"{BASE}/servicerequestupdates.json",
        data={"api_key": api_key, "service_request_id": posted_id, "status": "investigating"},
    )
    secrets = ["secret.person@example.org", "Secret", "Person", "99 88 77"]
    for report in reports:
        secrets += [report.reporter_email, report.reporter_name, report.reporter_phone]
    secrets = [s for s in secrets if s]
    paths = ["/requests", f"/requests/{posted_id}", "/servicerequestupdates", "/services"]
    paths += [f"/requests/{r.id}" for r in reports]
    for path in paths:
        for fmt in ("xml", "json"):
            response = client.get(f"{BASE}{path}.{fmt}")
            assert response.status_code == 200, (path, response.data)
            body = response.get_data(as_text=True)
            assert not [s for s in secrets if s in body], (path, fmt)
    assert "secret" not in posted.get_data(as_text=True).lower()
