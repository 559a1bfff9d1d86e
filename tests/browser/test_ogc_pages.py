"""In a real browser: the OGC API's HTML pages speak the reader's language and, with map tiles
configured, draw the page's features on a small map (a script file, under the strict policy).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.crew_helpers import report_through_api
from tests.browser.helpers import marker

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "ogc-pages"
TILES = "https://tiles.example.test/{z}/{x}/{y}.png"
VOEREN = {"fr-BE": "Fourons", "nl-BE": "Voeren"}
MAP_LABEL = {"fr-BE": "Carte de cet objet", "nl-BE": "Kaart van dit object"}
COMMUNES = {"fr-BE": "Collections", "nl-BE": "Collecties"}


def tile_png() -> bytes:
    image = Image.new("RGB", (256, 256), (226, 236, 222))
    ImageDraw.Draw(image).rectangle((0, 0, 255, 255), outline=(180, 190, 175))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def tiled_page(watched, locale: str):
    """A page whose map tiles come from a stand-in tile server (no internet here), with its
    CSP violations and script errors collected."""
    context, violations = watched(locale=locale, service_workers="block")
    png = tile_png()
    context.route(
        "https://tiles.example.test/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=png),
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return violations, page, errors


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_a_commune_page_names_it_and_maps_it(watched, live_server, locale):
    settings = live_server.app.config
    settings["PWA_TILE_URL"] = TILES
    try:
        violations, page, errors = tiled_page(watched, locale)
        page.goto("/ogc/collections/communes/items/73109?f=html")

        expect(page.get_by_role("heading", level=1)).to_have_text(VOEREN[locale])
        expect(page.get_by_role("link", name=COMMUNES[locale])).to_be_visible()
        area = page.get_by_role("img", name=MAP_LABEL[locale])
        expect(area).to_be_visible()
        expect(area.locator("img.tile").first).to_be_visible()
        expect(area.locator("svg path.area")).to_have_count(1)
        box = area.locator("svg path.area").bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"commune-{locale}.png"))
    finally:
        settings["PWA_TILE_URL"] = ""
    assert violations.messages == []
    assert errors == []


@pytest.mark.parametrize(
    ("locale", "label", "commune"),
    [
        ("fr-BE", "Carte des objets de cette page", "Bruxelles"),
        ("nl-BE", "Kaart van de objecten op deze pagina", "Brussel"),
    ],
)
def test_the_reports_are_points_on_the_map(watched, live_server, locale, label, commune):
    report_id = report_through_api(live_server, f"Hole {marker()}")
    settings = live_server.app.config
    settings["PWA_TILE_URL"] = TILES
    try:
        violations, page, errors = tiled_page(watched, locale)
        page.goto(f"/ogc/collections/reports/items/{report_id}?f=html")
        expect(page.get_by_role("heading", level=1)).to_contain_text(commune)
        expect(page.locator("#ogc-map svg circle.point")).to_have_count(1)
        page.goto("/ogc/collections/reports/items?f=html&limit=5")

        area = page.get_by_role("img", name=label)
        expect(area.locator("img.tile").first).to_be_visible()
        expect(area.locator("svg circle.point").first).to_be_visible()
        expect(page.get_by_role("cell", name=commune).first).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"reports-{locale}.png"))
    finally:
        settings["PWA_TILE_URL"] = ""
    assert violations.messages == []
    assert errors == []


def test_without_tiles_the_page_has_no_map_and_no_error(watched, live_server):
    context, violations = watched(locale="nl-BE", service_workers="block")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/ogc/collections/communes/items?f=html&limit=5")

    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeenten")
    expect(page.get_by_role("link", name="Antwerpen")).to_be_visible()
    expect(page.locator("#ogc-map")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "communes-nl-BE-no-map.png"))
    assert violations.messages == []
    assert errors == []
