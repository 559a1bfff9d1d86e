"""Discovery, GET services and GET service definition, in XML and JSON."""

from __future__ import annotations

import pytest

from tests.helpers.open311 import BASE, json_array, json_error, parse_xml, xml_error, xml_items


def test_discovery_names_the_endpoint_and_its_formats(client):
    document = parse_xml(client.get(f"{BASE}/discovery.xml"))
    assert document.tag == "discovery"
    endpoint = document.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://localhost/open311/v2"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]
    assert document.findtext("changeset").endswith("Z")

    body = client.get(f"{BASE}/discovery.json").get_json()
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["type"] == "production"


def test_services_list_every_category_in_both_formats(client):
    services = xml_items(client.get(f"{BASE}/services.xml"), "services", "service")
    codes = [s["service_code"] for s in services]
    assert "pothole" in codes and "traffic_light_fault" in codes
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole["service_name"] == "Nid-de-poule"
    assert pothole["group"] == "Voirie"
    assert pothole["metadata"] == "false"
    assert pothole["type"] == "realtime"
    assert "Put in de weg" in pothole["keywords"]

    as_json = json_array(client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in as_json] == codes
    assert as_json[codes.index("pothole")]["metadata"] is False


def test_services_speak_the_language_asked_for(client):
    services = json_array(client.get(f"{BASE}/services.json", headers={"Accept-Language": "nl"}))
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole["service_name"] == "Put in de weg"
    assert pothole["group"] == "Wegen"


def test_service_definition_of_a_known_service_has_no_attributes(client):
    document = parse_xml(client.get(f"{BASE}/services/pothole.xml"))
    assert document.tag == "service_definition"
    assert document.findtext("service_code") == "pothole"
    assert list(document.find("attributes")) == []
    body = client.get(f"{BASE}/services/pothole.json").get_json()
    assert body == {"service_code": "pothole", "attributes": []}


def test_service_definition_of_an_unknown_service_is_404(client):
    assert "nope" in xml_error(client.get(f"{BASE}/services/nope.xml"), 404)
    assert "nope" in json_error(client.get(f"{BASE}/services/nope.json"), 404)


@pytest.mark.parametrize("path", ["/services.csv", "/services/pothole.html", "/nothing.xml"])
def test_unknown_formats_and_resources_are_404_in_the_spec_format(client, path):
    xml_error(client.get(BASE + path), 404)


def test_a_method_the_resource_does_not_take_is_405_in_the_spec_format(client):
    response = client.delete(f"{BASE}/requests.xml")
    xml_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
