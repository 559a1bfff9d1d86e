"""GET /api/v1/reports/{id}, and the reporter's privacy on every public endpoint."""

import pytest
from sqlalchemy import text

from tests.helpers.api import GEOJSON, assert_problem


def test_one_report_has_its_public_view(client, report_factory, session):
    report = report_factory(in_namur=True, category="graffiti", description="Tag on the wall")
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report.id}
    )

    response = client.get(f"/api/v1/reports/{report.id}")

    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == str(report.id)
    assert body["category"] == {"code": "graffiti", "name": "Graffiti"}
    assert body["description"] == "Tag on the wall"
    assert body["status"] == "new"
    assert body["commune"] == {"nis_code": "92094", "name": "Namur"}
    assert body["location"]["lat"] == pytest.approx(50.4594)
    assert body["location"]["lon"] == pytest.approx(4.8620)


def test_free_text_stays_private_until_staff_mark_it_publishable(client, report_factory, session):
    report = report_factory(description="Call me on 0470 12 34 56, I live at number 3")
    routes = (f"/api/v1/reports/{report.id}", "/api/v1/reports", "/open311/v2/requests.json")
    for route in routes:
        assert "0470 12 34 56" not in client.get(route).get_data(as_text=True), route
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report.id}
    )
    for route in routes:
        assert "0470 12 34 56" in client.get(route).get_data(as_text=True), route


def test_a_closed_report_shows_its_status(client, report_factory):
    report = report_factory(closed=True)

    assert client.get(f"/api/v1/reports/{report.id}").get_json()["status"] == "resolved"


def test_an_unknown_id_is_a_404_problem(client):
    response = client.get("/api/v1/reports/00000000-0000-4000-8000-000000000000")

    body = assert_problem(response, 404)
    assert "00000000-0000-4000-8000-000000000000" in body["detail"]


def test_no_public_endpoint_shows_the_reporter(client, report_factory):
    report = report_factory(with_reporter=True)
    private = (report.reporter_name, report.reporter_email, report.reporter_phone)
    assert all(private)
    lat, lon = 50.8467, 4.3525
    urls = [
        f"/api/v1/reports/{report.id}",
        "/api/v1/reports",
        f"/api/v1/reports?bbox={lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}",
        "/api/v1/reports?commune=21004&status=new",
        f"/api/v1/reports/nearby?lat={lat}&lon={lon}&radius_m=100",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        raw = response.get_data(as_text=True)
        # The report is there, and nothing of its reporter is.
        assert str(report.id) in raw, url
        for value in private:
            assert value not in raw, (url, value)
        assert "reporter" not in raw, url


def test_the_list_is_geojson(client, report_factory):
    report_factory(in_brussels=True)

    response = client.get("/api/v1/reports")

    assert response.status_code == 200
    assert response.mimetype == GEOJSON
