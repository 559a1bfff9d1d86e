"""Conformance declaration (/ogc/conformance): the classes the tests in this folder check."""

from __future__ import annotations

from tests.helpers.ogc import BASE, get_json, one_link

FEATURES_1 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
FEATURES_2 = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/"


def test_conformance_lists_core_geojson_html_openapi_and_crs(client):
    declaration = get_json(client, "/conformance")

    assert set(declaration["conformsTo"]) == {
        FEATURES_1 + "core",
        FEATURES_1 + "geojson",
        FEATURES_1 + "html",
        FEATURES_1 + "oas30",
        FEATURES_2 + "crs",
    }
    assert one_link(declaration, "self", "application/json")
    assert one_link(declaration, "alternate", "text/html")


def test_conformance_as_html_lists_the_same_classes(client):
    declaration = get_json(client, "/conformance")
    response = client.get(f"{BASE}/conformance", headers={"Accept": "text/html"})

    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    for uri in declaration["conformsTo"]:
        assert f"<code>{uri}</code>" in html
