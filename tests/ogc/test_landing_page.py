"""Landing page (/ogc/): the links a client starts from (Part 1, requirement class Core)."""

from __future__ import annotations

import pytest

from tests.helpers.ogc import BASE, get_json, local, one_link

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def test_landing_page_links_to_the_api_definition_conformance_and_data(client):
    page = get_json(client, "/")

    assert page["title"]
    assert one_link(page, "self", "application/json")
    assert one_link(page, "alternate", "text/html")
    assert local(one_link(page, "service-desc", OPENAPI)["href"]) == "/ogc/api"
    assert local(one_link(page, "service-doc", "text/html")["href"]) == "/ogc/api?f=html"
    assert local(one_link(page, "conformance", "application/json")["href"]) == "/ogc/conformance"
    assert local(one_link(page, "data", "application/json")["href"]) == "/ogc/collections"


def test_every_link_of_the_landing_page_answers_in_the_type_it_announces(client):
    page = get_json(client, "/")

    for link in page["links"]:
        assert {"href", "rel", "type"} <= set(link)
        response = client.get(local(link["href"]))
        assert response.status_code == 200, link
        assert response.mimetype == link["type"].split(";")[0], link


def test_landing_page_without_the_trailing_slash_redirects_to_it(client):
    response = client.get(BASE)

    assert response.status_code == 308
    assert response.headers["Location"].endswith("/ogc/")


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ],
)
def test_accept_chooses_between_json_and_html(client, accept, mimetype):
    headers = {"Accept": accept} if accept else {}
    assert client.get(f"{BASE}/", headers=headers).mimetype == mimetype


def test_f_wins_over_accept(client):
    response = client.get(f"{BASE}/?f=json", headers={"Accept": "text/html"})

    assert response.mimetype == "application/json"


def test_the_html_landing_page_leads_to_the_collections_and_the_documentation(client):
    response = client.get(f"{BASE}/?f=html")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert 'href="/ogc/collections"' in html
    assert 'href="/ogc/api?f=html"' in html
    assert 'href="/ogc/conformance"' in html
    # Self-contained: nothing is fetched from another site.
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html


@pytest.mark.parametrize(
    "path", ["/", "/api", "/collections/reports/items", "/collections/reports/items?limit=0"]
)
def test_map_clients_on_any_site_may_read_the_api(client, path):
    response = client.get(f"{BASE}{path}", headers={"Origin": "https://maps.example.org"})

    assert response.headers["Access-Control-Allow-Origin"] == "*"
