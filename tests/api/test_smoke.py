"""The service answers and knows the communes of Belgium."""


def test_health_reports_database_and_communes(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["communes"] == 565
