"""The service answers and knows the communes of Belgium."""


def test_health_reports_database_and_communes(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["communes"] == 565
    # The PostGIS library version, e.g. "3.3.2": operators want to see it at a glance.
    assert body["database"]["postgis"].split(".")[0] == "3"
    # No DATABASE_READ_URL, no replica to report (tests/web/test_read_replica.py has one).
    assert "replica" not in body
