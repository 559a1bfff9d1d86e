"""In a real browser: the OGC API's HTML pages speak the reader's language and, with map tiles
configured, draw the page's features on a small map (a script file, under the strict policy).
"""

from __future__ import annotations

import io
import random
import re
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from app.ogc import labels, pages
from tests.browser.crew_helpers import report_through_api
from tests.browser.follow_helpers import move
from tests.browser.helpers import marker
from tests.browser.page_checks import box_of
from tests.browser.test_no_english import SAME_EVERYWHERE, SHOWN

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
        box = box_of(area.locator("svg path.area"))
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


# --- On a phone (390 x 844), in French and in Dutch: the pages fit and speak the language ---

REPORTS_SHOTS = Path("/work/reports/ogc")
ANTWERP = {"lat": 51.2194, "lon": 4.4025}
PHONE = {
    "fr-BE": {
        "lang": "fr",
        "labels": ("Statut", "Catégorie", "Commune", "Signalé le", "Résolu le"),
        "statuses": ("Nouveau", "Résolu"),
        "region": ("Région", "Flandre"),
        "rounded": ("Lieu arrondi à 100 m", "Non"),
        "commune": "Anvers",
        "pothole": "Nid-de-poule",
        "keywords": "rue, incident, signalement, espace public, Belgique",
    },
    "nl-BE": {
        "lang": "nl",
        "labels": ("Status", "Categorie", "Gemeente", "Gemeld op", "Opgelost op"),
        "statuses": ("Nieuw", "Opgelost"),
        "region": ("Gewest", "Vlaanderen"),
        "rounded": ("Plaats afgerond op 100 m", "Nee"),
        "commune": "Antwerpen",
        "pothole": "Put in de weg",
        "keywords": "straat, incident, melding, openbare ruimte, België",
    },
}
# A time in Belgian local time, as the pages write it: day, month, year, hours and minutes.
TIME = re.compile(r"^\d\d[/-]\d\d[/-]20\d\d \d\d:\d\d$")
# What the raw data would show if a value were not translated.
RAW = {"new", "resolved", "flanders", "False", "True", "status", "created_at", "region"}


def ogc_english(page, lang: str) -> list[str]:
    """The OGC pages' English words (labels, statuses, regions, yes/no) shown on `page`,
    but those that `lang` writes the same way, and the raw values of the data."""
    own = {*pages.TEXTS[lang].values(), *labels.LABELS[lang].values()}
    own |= {*labels.WORDS[lang].values(), *labels.status_names(lang).values()}
    english = {*pages.TEXTS["en"].values(), *labels.LABELS["en"].values()}
    english |= {*labels.WORDS["en"].values(), *labels.status_names("en").values()}
    english = {w for w in english - own if w not in SAME_EVERYWHERE} | RAW
    shown = page.evaluate(SHOWN)
    shown += page.eval_on_selector_all("td[data-label]", "tds => tds.map(td => td.dataset.label)")
    return sorted({s for s in shown if s in english or s.capitalize() in english})


def check_phone_page(page, locale: str, name: str) -> None:
    """Fits 390 px with no sideways scroll, no English left, tap targets >= 24 px tall."""
    REPORTS_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(REPORTS_SHOTS / f"{name}-{locale}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    assert ogc_english(page, PHONE[locale]["lang"]) == [], name
    for link in page.locator("nav a, .formats a").all():
        box = box_of(link)
        assert box and box["height"] >= 24, link.inner_text()


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_on_a_phone_the_reports_are_cards_in_the_readers_language(
    watched, live_server, live_db, locale
):
    # A place in Antwerp of this test's own, so the page holds its two reports (and no other).
    here = {"lat": ANTWERP["lat"] + random.uniform(0, 0.01), "lon": ANTWERP["lon"]}
    first = report_through_api(live_server, f"Hole {marker()}", here)
    second = report_through_api(live_server, f"Hole {marker()}", here)
    move(live_db, uuid.UUID(second), "acknowledged", "resolved")
    words = PHONE[locale]
    context, violations = watched(locale=locale, service_workers="block")
    page = context.new_page()

    box = [here["lon"] - 1e-5, here["lat"] - 1e-5, here["lon"] + 1e-5, here["lat"] + 1e-5]
    bbox = ",".join(f"{c:.6f}" for c in box)
    page.goto(f"/ogc/collections/reports/items?f=html&limit=3&bbox={bbox}")

    card = page.locator("table.features tr", has=page.locator(f'a[title="{first}"]'))
    # The long id cut short, whole in the link's title and read aloud whole.
    link = card.get_by_role("link", name=re.compile(first))
    expect(link).to_have_text(f"{first[:8]}…")
    expect(link).to_be_visible()
    status, category, commune, reported, resolved = words["labels"]
    expect(card.locator(f'td[data-label="{status}"]')).to_have_text(words["statuses"][0])
    expect(card.locator(f'td[data-label="{category}"]')).to_have_text(words["pothole"])
    expect(card.locator(f'td[data-label="{commune}"]')).to_have_text(words["commune"])
    expect(card.locator(f'td[data-label="{reported}"] time')).to_have_text(TIME)
    done = page.locator("table.features tr", has=page.locator(f'a[title="{second}"]'))
    expect(done.locator(f'td[data-label="{status}"]')).to_have_text(words["statuses"][1])
    expect(done.locator(f'td[data-label="{resolved}"] time')).to_have_text(TIME)
    # A card: each value under its label, one card no wider than the screen.
    box = box_of(card)
    assert box and box["width"] <= 390 and box["height"] < 300
    label = card.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
    assert label == f'"{status}"'
    check_phone_page(page, locale, "reports")
    assert violations.messages == []


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_on_a_phone_a_report_page_is_a_list_that_wraps(watched, live_server, locale):
    report_id = report_through_api(live_server, f"Hole {marker()}", ANTWERP)
    words = PHONE[locale]
    context, violations = watched(locale=locale, service_workers="block")
    page = context.new_page()

    page.goto(f"/ogc/collections/reports/items/{report_id}?f=html")

    def value(label: str):
        return page.locator("dl.properties div", has=page.get_by_text(label, exact=True))

    expect(value(words["labels"][0]).locator("dd")).to_have_text(words["statuses"][0])
    expect(value(words["region"][0]).locator("dd")).to_have_text(words["region"][1])
    expect(value(words["rounded"][0]).locator("dd")).to_have_text(words["rounded"][1])
    moment = value(words["labels"][3]).locator("time")
    expect(moment).to_have_text(TIME)
    assert moment.get_attribute("datetime").endswith("Z")
    expect(value(pages.label("id", words["lang"])).locator("dd")).to_have_text(report_id)
    check_phone_page(page, locale, "report")
    assert violations.messages == []


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_on_a_phone_a_commune_page_fits(watched, live_server, locale):
    context, violations = watched(locale=locale, service_workers="block")
    page = context.new_page()

    page.goto("/ogc/collections/communes/items/11002?f=html")

    expect(page.get_by_role("heading", level=1)).to_have_text(PHONE[locale]["commune"])
    expect(page.get_by_text(PHONE[locale]["region"][1], exact=True)).to_be_visible()
    check_phone_page(page, locale, "commune")
    page.goto("/ogc/collections/communes/items?f=html&limit=5")
    check_phone_page(page, locale, "communes")
    assert violations.messages == []


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_on_a_phone_the_other_pages_fit_too(watched, live_server, locale):
    report_through_api(live_server, f"Hole {marker()}")  # the reports' time span starts
    context, violations = watched(locale=locale, service_workers="block")
    page = context.new_page()

    for name, path in [
        ("landing", "/ogc/?f=html"),
        ("collections", "/ogc/collections?f=html"),
        ("collection", "/ogc/collections/reports?f=html"),
        ("conformance", "/ogc/conformance?f=html"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if name == "collection":
            expect(page.get_by_role("cell", name=PHONE[locale]["keywords"])).to_be_visible()
            expect(page.locator("td time")).to_have_text(TIME)
        check_phone_page(page, locale, name)
    assert violations.messages == []
