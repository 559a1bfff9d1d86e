"""API definition (/ogc/api): an OpenAPI 3.0 document of every operation, kept to by the API.

Requirement class "OpenAPI 3.0": the document is valid, describes each operation with its
parameters and responses, and the parameters are the standard's (limit, bbox, datetime as
the abstract tests A.2.7 check them). Schemathesis then calls the API with what the document
allows and checks every answer against it.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.web import create_app
from tests.factories import HOURS_AGO
from tests.helpers.ogc import BASE

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
ITEMS = ("/collections/reports/items", "/collections/communes/items")


def definition(client) -> dict:
    response = client.get(f"{BASE}/api")
    assert response.status_code == 200
    assert response.content_type == OPENAPI
    return response.get_json()


def parameter(document: dict, path: str, name: str) -> dict:
    for p in document["paths"][path]["get"]["parameters"]:
        if "$ref" in p:
            p = document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        if p["name"] == name:
            return p
    raise AssertionError(f"{path} has no parameter {name}")


def test_the_definition_is_valid_openapi_3_0_with_the_ogc_path_as_its_server(client):
    document = definition(client)

    schemathesis.openapi.from_dict(document).validate()
    assert document["openapi"].startswith("3.0.")
    assert document["servers"] == [{"url": "http://localhost/ogc"}]


def test_every_route_of_the_api_is_in_the_definition_and_nothing_else(client, app):
    document = definition(client)
    rules = {
        rule.rule.removeprefix(BASE).replace("<collection_id>", "{collectionId}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("ogc.") and rule.endpoint != "ogc.unknown"
    }
    # Each collection's paths are written out, as they take different parameters.
    expanded = set()
    for rule in rules:
        for collection in ("reports", "communes"):
            expanded.add(
                rule.replace("{collectionId}", collection).replace("<feature_id>", "{featureId}")
            )

    assert set(document["paths"]) == expanded


def test_limit_bbox_and_datetime_are_defined_as_the_standard_asks(client):
    document = definition(client)

    for path in ITEMS:
        limit = parameter(document, path, "limit")
        assert (limit["in"], limit["required"], limit["style"], limit["explode"]) == (
            "query", False, "form", False,
        )  # fmt: skip
        assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}
        bbox = parameter(document, path, "bbox")
        assert (bbox["style"], bbox["explode"], bbox["schema"]["type"]) == ("form", False, "array")
        assert bbox["schema"]["items"] == {"type": "number"}
        datetime = parameter(document, path, "datetime")
        assert (datetime["style"], datetime["explode"]) == ("form", False)
        assert datetime["schema"]["type"] == "string"
        for name in ("crs", "bbox-crs", "cursor", "f"):
            assert parameter(document, path, name)["in"] == "query"


def test_each_operation_documents_its_errors_as_ogc_exceptions(client):
    document = definition(client)
    responses = document["components"]["responses"]

    for path, item in document["paths"].items():
        codes = set(item["get"]["responses"])
        assert {"200", "400", "500"} <= codes, path
        if "{featureId}" in path:
            assert "404" in codes
        for code in codes - {"200"}:
            name = item["get"]["responses"][code]["$ref"].rsplit("/", 1)[1]
            schema = responses[name]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/exception"}


def test_service_doc_is_swagger_ui_served_by_the_app_itself(client):
    response = client.get(f"{BASE}/api?f=html")

    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert 'data-url="http://localhost/ogc/api?f=json"' in html
    # Started by a script file, not inline (the page's Content-Security-Policy refuses those).
    sources = ["/api/v1/docs/assets/swagger-ui-bundle.js", "/api/v1/docs/assets/swagger-ui.css"]
    sources.append("/page-assets/swagger-init.js")
    for src in sources:
        assert src in html
        with client.get(src) as asset_response:
            assert asset_response.status_code == 200
            if src.endswith("init.js"):
                assert "SwaggerUIBundle" in asset_response.get_data(as_text=True)


def load_definition() -> dict:
    """The document as served (producing it needs no database), tuned for schemathesis.

    A limit above the maximum is served as the maximum, as the standard expects of a
    server: it is no invalid request, so the tuned copy leaves the maximum out.
    """
    document = create_app({"TESTING": True}).test_client().get(f"{BASE}/api").get_json()
    del document["components"]["parameters"]["limit"]["schema"]["maximum"]
    return document


schema = schemathesis.openapi.from_dict(load_definition())

# A schema-valid value the API refuses on purpose: a datetime that is no RFC 3339 time, a
# bbox outside -180..180, a cursor it never issued. That check is the one left out.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture
def published(report_factory):
    """Reports for the examples to find: one with a reporter's contact, one sensitive."""
    report_factory(with_reporter=True)
    report_factory(in_namur=True, category="illegal_dumping", created_at=HOURS_AGO)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    # The fixtures are shared by a test's examples on purpose: one rolled-back transaction.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_definition(case, app, published):
    case.call_and_validate(app=app, excluded_checks=EXCLUDED_CHECKS)
