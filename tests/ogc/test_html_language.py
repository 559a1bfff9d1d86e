"""The OGC API's HTML pages in the reader's language, communes by name, a small map with tiles."""

from __future__ import annotations

import html as html_
import json
import re

import pytest
from sqlalchemy import text

from app.web import create_app
from tests.helpers.ogc import BASE

PAGES = {
    "fr": {
        "landing": ("Données ouvertes de Pavé", "Les collections", "La documentation de l'API"),
        "collections": ("<h1>Collections</h1>", "Signalements de problèmes de voirie"),
        "items": ("<h1>Communes</h1>", "objets sur cette page", "Page suivante"),
        "antwerp": "Anvers",
        "voeren": "Fourons",
        "brussels": "Bruxelles",
        "pothole": "Nid-de-poule",
        "labels": ("Statut", "Signalé le", "Catégorie", "Région", "Géométrie"),
        "new": "Nouveau",
        "no": "Non",
        "date": "06/12/2026",
    },
    "nl": {
        "landing": ("Open data van Pavé", "De collecties", "De documentatie van de API"),
        "collections": ("<h1>Collecties</h1>", "Meldingen van problemen op straat"),
        "items": ("<h1>Gemeenten</h1>", "objecten op deze pagina", "Volgende pagina"),
        "antwerp": "Antwerpen",
        "voeren": "Voeren",
        "brussels": "Brussel",
        "pothole": "Put in de weg",
        "labels": ("Status", "Gemeld op", "Categorie", "Gewest", "Geometrie"),
        "new": "Nieuw",
        "no": "Nee",
        "date": "06-12-2026",
    },
}


def page(client, path: str, accept: str, expect: str | None = None, **query) -> str:
    headers = {"Accept": "text/html", "Accept-Language": accept}
    response = client.get(f"{BASE}{path}", headers=headers, query_string=query or None)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Language"] == (expect or accept)
    assert "Accept-Language" in response.headers["Vary"]
    return response.get_data(as_text=True)


def heading(html: str) -> str:
    return html_.unescape(re.search(r"<h1>(.*?)</h1>", html).group(1))


@pytest.mark.parametrize("lang", PAGES)
def test_the_landing_and_collections_pages_are_in_the_asked_language(client, lang):
    landing = page(client, "/", lang)
    listing = page(client, "/collections", lang)

    assert f'<html lang="{lang}">' in landing
    for words in PAGES[lang]["landing"]:
        assert words in html_.unescape(landing)
    for words in PAGES[lang]["collections"]:
        assert words in listing
    assert "Street problem reports" not in listing


@pytest.mark.parametrize("lang", PAGES)
def test_a_commune_is_titled_by_its_name_in_the_asked_language(client, lang):
    html = page(client, "/collections/communes/items/73109", lang)

    assert heading(html) == PAGES[lang]["voeren"]
    assert "<h1>73109" not in html and "Communes: 73109" not in html


@pytest.mark.parametrize("lang", PAGES)
def test_the_communes_list_names_each_commune_in_the_asked_language(client, lang):
    html = page(client, "/collections/communes/items", lang, limit=5)

    for words in PAGES[lang]["items"]:
        assert words in html
    # 11002: Antwerpen in Dutch, Anvers in French; its link reads the name, not the NIS code.
    link = re.search(r'href="[^"]*/items/11002\?[^"]*">([^<]*)</a>', html)
    assert link and link.group(1) == PAGES[lang]["antwerp"]


@pytest.mark.parametrize("lang", PAGES)
def test_a_report_shows_its_category_and_commune_in_the_asked_language(
    client, report_factory, lang
):
    report = report_factory(description="not shown")

    listing = page(client, "/collections/reports/items", lang)
    single = page(client, f"/collections/reports/items/{report.id}", lang)

    expected = PAGES[lang]
    assert f'<td data-label="{COMMUNE[lang]}">{expected["brussels"]}</td>' in listing
    assert f">{expected['pothole']}</td>" in listing
    assert heading(single) == f"{expected['pothole']}, {expected['brussels']}"


COMMUNE = {"fr": "Commune", "nl": "Gemeente"}
# 15:33:17 UTC on 6 December is 16:33 in Brussels (winter time, UTC+1).
REPORTED = "2026-12-06T15:33:17Z"


def shown(html: str, label: str) -> str:
    """The value shown under `label` on a feature's page (its <dd>), tags and all."""
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", html_.unescape(html))
    assert found, label
    return found.group(1)


@pytest.mark.parametrize("lang", PAGES)
def test_a_report_page_labels_and_values_are_in_the_asked_language(
    client, session, report_factory, lang
):
    report = report_factory(description="not shown")
    session.execute(
        text("UPDATE reports SET created_at = :t, updated_at = :t WHERE id = :id"),
        {"t": REPORTED, "id": report.id},
    )
    session.commit()

    single = page(client, f"/collections/reports/items/{report.id}", lang)
    listing = page(client, "/collections/reports/items", lang)

    expected = PAGES[lang]
    status = expected["labels"][0]
    assert shown(single, status) == expected["new"]
    created = f'<time datetime="{REPORTED}">{expected["date"]} 16:33</time>'
    assert shown(single, expected["labels"][1]) == created
    assert shown(single, expected["labels"][3]) == expected["brussels"]
    assert shown(single, LOCATION_ROUNDED[lang]) == expected["no"]
    assert f"<dt>{expected['labels'][4]}</dt>" in single
    for raw in (">new<", ">brussels<", "False", ">status<", ">created_at<", "T15:33:17Z<"):
        assert raw not in single and raw not in listing
    # The list: the same words, the long id cut short, whole in its link and title.
    assert f'<th scope="col">{status}</th>' in listing
    assert f'<td data-label="{status}">{expected["new"]}</td>' in listing
    assert created in listing
    link = re.search(
        rf'<a href="[^"]*/items/{report.id}\?[^"]*" title="{report.id}"[^>]*>(.*?)</a>', listing
    )
    assert link and link.group(1) == f"{str(report.id)[:8]}…"


LOCATION_ROUNDED = {"fr": "Lieu arrondi à 100 m", "nl": "Plaats afgerond op 100 m"}


def test_the_json_answers_keep_the_data_as_it_is(client, report_factory):
    report = report_factory(description="not shown")
    headers = {"Accept": "application/geo+json", "Accept-Language": "fr"}

    feature = client.get(f"{BASE}/collections/reports/items/{report.id}", headers=headers)

    properties = feature.get_json()["properties"]
    assert properties["status"] == "new" and properties["region"] == "brussels"
    assert properties["location_generalised"] is False
    assert properties["created_at"].endswith("Z")


def test_lang_in_the_address_wins_over_accept_language(client):
    html = page(client, "/collections/communes/items/73109", "fr", "nl", lang="nl")

    assert heading(html) == "Voeren"
    assert '<html lang="nl">' in html


def test_an_unknown_language_gets_english(client):
    html = page(client, "/collections", "es", "en")

    assert "Street problem reports" in html and '<html lang="en">' in html


def scripts(html: str) -> list[str]:
    return re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)


@pytest.mark.parametrize("path", ["/collections/reports/items", "/collections/communes/items"])
def test_with_tiles_the_items_are_on_a_small_map_drawn_by_a_script_file(app, report_factory, path):
    report_factory(description="not shown")
    tiles = "https://tiles.example.test/{z}/{x}/{y}.png"
    client = create_app({**app.config, "PWA_TILE_URL": tiles}).test_client()

    html = page(client, path, "nl", limit=3)

    box = re.search(r'<div class="map" id="ogc-map"[^>]*>', html).group(0)
    assert 'aria-label="Kaart van de objecten op deze pagina"' in box
    assert f'data-tiles="{tiles}"' in box
    shapes = json.loads(html_.unescape(re.search(r'data-shapes="([^"]*)"', box).group(1)))
    assert len(shapes) >= 1
    assert all("point" in s or s["rings"] for s in shapes)
    # No inline script (the policy refuses them): the map is a file's work.
    assert [attrs for attrs, body in scripts(html) if body.strip()] == []
    assert any("/page-assets/ogc-map.js" in attrs for attrs, _ in scripts(html))
    script = client.get("/page-assets/ogc-map.js")
    assert script.status_code == 200 and "ogc-map" in script.get_data(as_text=True)
    script.close()


def test_without_tiles_there_is_no_map_and_no_script(app, report_factory):
    report = report_factory(description="not shown")
    client = create_app({**app.config, "PWA_TILE_URL": ""}).test_client()

    for path in ("/collections/reports/items", f"/collections/reports/items/{report.id}"):
        html = page(client, path, "fr")
        assert "ogc-map" not in html
        assert scripts(html) == []


def test_a_map_needs_coordinates_in_crs84(app, report_factory):
    report_factory(description="not shown")
    tiles = "https://tiles.example.test/{z}/{x}/{y}.png"
    client = create_app({**app.config, "PWA_TILE_URL": tiles}).test_client()

    lambert = "http://www.opengis.net/def/crs/EPSG/0/3812"
    html = page(client, "/collections/reports/items", "fr", crs=lambert)

    assert "ogc-map" not in html


def test_every_published_property_has_a_label_and_every_status_a_name():
    # A property left out here would show its raw English name on a French or Dutch page.
    from app.ogc import labels, reports
    from app.ogc.communes import COMMUNE_PROPERTIES
    from app.reports.states import Status

    for lang in ("fr", "nl", "de", "en"):
        for properties in (reports.Reports.properties, COMMUNE_PROPERTIES):
            shown = [p for p in properties if not p.startswith(labels.HIDDEN_PREFIXES)]
            assert [p for p in shown if p not in labels.LABELS[lang]] == []
        assert set(labels.status_names(lang)) >= {s.value for s in Status}


@pytest.mark.parametrize(
    ("lang", "since"), [("fr", "depuis le "), ("nl", "sinds "), ("de", "seit "), ("en", "from ")]
)
def test_the_reports_period_runs_from_the_first_report_with_no_end_date(
    client, report_factory, lang, since
):
    report_factory(description="not shown")
    collection = html_.unescape(re.sub(r"<[^>]+>", "", page(client, "/collections/reports", lang)))

    assert re.search(rf"{since}\d\d[/.-]\d\d[/.-]20\d\d", collection), collection
    # Not "du 06/12/2026 19:37 au aujourd'hui".
    assert "au aujourd" not in collection and " tot nu" not in collection
