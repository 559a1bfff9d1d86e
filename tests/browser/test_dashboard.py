"""The open-data dashboard in chromium: generated reports, the numbers the API gives, a real map.

A few hundred reports are generated in the Brussels region of the live database (and removed
afterwards, so that the other browser tests do not meet them). The page must show exactly the
API's numbers, its CSV links must download the same, and its screenshots must show a map in
the legend's colours and charts that are drawn.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import text

from app.opendata.generate import generate_reports
from tests.browser.contexts import TIMEOUT_MS, new_context
from tests.browser.page_checks import assert_every_string_in, axe_violations, box_of

pytestmark = pytest.mark.slow

GENERATED = 400


@pytest.fixture(scope="module")
def generated(live_db):
    """400 reports in Brussels over the last year; removed at the end of the module."""
    with live_db.begin() as conn:
        before = set(conn.execute(text("SELECT id FROM reports")).scalars())
        end = dt.datetime.now(dt.UTC)
        made = generate_reports(
            conn,
            GENERATED,
            seed=2026,
            start=end - dt.timedelta(days=360),
            end=end,
            regions=["brussels"],
        )
    assert made == GENERATED
    yield
    with live_db.begin() as conn:
        ids = set(conn.execute(text("SELECT id FROM reports")).scalars()) - before
        conn.execute(text("DELETE FROM reports WHERE id = ANY(:ids)"), {"ids": list(ids)})


@pytest.fixture
def page(browser, live_server, generated):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def api(live_server, path: str, query: dict, lang: str = "en"):
    request = urllib.request.Request(
        f"{live_server.url}/opendata/dashboard/{path}?{urlencode(query)}",
        headers={"Accept-Language": lang},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def show(page: Page, region: str, category: str) -> dict:
    """Choose a region and a category, press Show; returns the filters the page asked for."""
    page.get_by_label("Region", exact=True).select_option(label=region)
    page.get_by_label("Category", exact=True).select_option(label=category)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    return {
        "region": page.get_by_label("Region", exact=True).input_value(),
        "category": page.get_by_label("Category", exact=True).input_value(),
        "start": page.get_by_label("From").input_value(),
        "end": page.get_by_label("To (included)").input_value(),
    }


def table(page: Page, table_id: str) -> list[list[str]]:
    """The rows of a table as the page has them (hidden in a closed <details> or not)."""
    return page.eval_on_selector(
        f"#{table_id}",
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))",
    )


def num(shown: str) -> float:
    """A number as the page writes it in English: 1,234.5."""
    return float(shown.replace(",", ""))


def download(page: Page, link_id: str) -> list[dict]:
    with page.expect_download() as info:
        page.locator(f"#{link_id}").click()
    path = info.value.path()
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def colour_counts(path) -> Counter:
    with Image.open(path) as image:
        rgb_image = image.convert("RGB")
        return Counter({c: n for n, c in rgb_image.getcolors(rgb_image.width * rgb_image.height)})


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def test_the_dashboard_shows_the_apis_numbers_and_downloads_them(page, live_server):
    page.goto("/dashboard/")
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    filters = show(page, "Brussels-Capital Region", "Pothole")
    assert (filters["region"], filters["category"]) == ("brussels", "pothole")
    assert re.search(r"region=brussels&category=pothole&start=\d{4}-\d\d-\d\d", page.url)

    communes = api(live_server, "communes", filters)["items"]
    categories = api(live_server, "categories", filters)["items"]
    statuses = api(live_server, "statuses", filters)["items"]
    trend = api(live_server, "trend", filters)
    assert sum(s["count"] for s in statuses) > 20, "the generated potholes are there"

    # In short: the totals of the statuses.
    assert num(page.locator("#total-reports").text_content()) == sum(s["count"] for s in statuses)
    open_count = sum(s["count"] for s in statuses if s["open311_status"] == "open")
    assert num(page.locator("#total-open").text_content()) == open_count

    # The map's table: every commune of the region, with the API's figures.
    by_name = {c["name"]: c for c in communes}
    rows = table(page, "table-communes")
    assert len(rows) == len(communes) == 19
    for name, open_, per_1000, per_km2, population, area, total in rows:
        expected = by_name[name]
        assert (num(open_), num(per_1000), num(per_km2)) == (
            expected["open"],
            expected["open_per_1000"],
            expected["open_per_km2"],
        ), name
        assert (num(population), num(area), num(total)) == (
            expected["population"],
            expected["area_km2"],
            expected["total"],
        ), name
    # Median time to resolution: the communes with resolved reports, slowest first.
    rows = table(page, "table-resolution")
    resolved = sorted(
        (c for c in communes if c["median_resolution_hours"]),
        key=lambda p: -p["median_resolution_hours"],
    )
    assert [(r[0], num(r[1]), num(r[2])) for r in rows] == [
        (p["name"], p["resolved"], p["median_resolution_hours"]) for p in resolved
    ]
    assert [tuple(r) for r in table(page, "table-categories")] == [
        ("Pothole", str(c["total"]), str(c["open"]), str(c["closed"])) for c in categories
    ]
    assert [num(r[1]) for r in table(page, "table-statuses")] == [s["count"] for s in statuses]
    assert [(num(r[1]), num(r[2])) for r in table(page, "table-trend")] == [
        (p["created"], p["resolved"]) for p in trend["items"]
    ]
    assert trend["interval"] == "week" and len(trend["items"]) >= 52

    # Every figure downloads as CSV, with the same numbers.
    rows = download(page, "csv-communes")
    assert {r["nis_code"]: (int(r["open"]), int(r["total"])) for r in rows} == {
        c["nis_code"]: (c["open"], c["total"]) for c in communes
    }
    assert [(r["code"], int(r["total"])) for r in download(page, "csv-categories")] == [
        (c["code"], c["total"]) for c in categories
    ]
    assert [int(r["count"]) for r in download(page, "csv-statuses")] == [
        s["count"] for s in statuses
    ]
    assert [(int(r["created"]), int(r["resolved"])) for r in download(page, "csv-trend")] == [
        (p["created"], p["resolved"]) for p in trend["items"]
    ]
    rows = download(page, "csv-resolution")
    assert len(rows) == 19 and {r["median_resolution_hours"] for r in rows} != {""}


def test_the_map_and_charts_are_drawn_in_their_legends_colours(page, tmp_path):
    page.goto("/dashboard/?region=brussels")
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    legend = page.eval_on_selector_all("#legend-items .swatch", "s => s.map(e => e.dataset.colour)")
    assert len(legend) >= 4, "zero and several classes of open reports per 1,000 inhabitants"

    map_shot = tmp_path / "dashboard-map.png"
    page.locator("#map").screenshot(path=str(map_shot))
    pixels = colour_counts(map_shot)
    for colour in legend:
        assert pixels[rgb(colour)] > 50, f"the legend's {colour} is on the map"
    coloured = sum(pixels[rgb(colour)] for colour in legend)
    assert coloured > 0.1 * pixels.total(), "the communes fill a good part of the map"

    # Bars of open reports may be thin: the charts of bars must show at least their closed.
    for canvas_id, least in (("chart-categories", 1), ("chart-statuses", 1), ("chart-trend", 2)):
        shot = tmp_path / f"dashboard-{canvas_id}.png"
        page.locator(f"#{canvas_id}").screenshot(path=str(shot))
        colours = page.locator(f"#{canvas_id}").get_attribute("data-colours").split()
        pixels = colour_counts(shot)
        drawn = [c for c in colours if pixels[rgb(c)] > 100]
        assert len(drawn) >= least, (canvas_id, {c: pixels[rgb(c)] for c in colours})
        assert len(pixels) > 20, "not a blank canvas"
    print(f"screenshots in {tmp_path}")


def test_the_dashboard_speaks_dutch_and_passes_axe(page):
    page.goto("/dashboard/?region=flanders")
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    page.locator("#lang").select_option("nl")
    expect(page.get_by_role("heading", name="Straatproblemen per gemeente")).to_be_visible()
    expect(page.get_by_label("Categorie", exact=True)).to_contain_text("Put in de weg")
    expect(page.locator("#table-categories")).to_contain_text("Put in de weg")
    assert_every_string_in(page, "nl")
    assert axe_violations(page) == []


def test_a_period_that_ends_before_it_starts_is_refused_on_the_page(page):
    page.goto("/dashboard/")
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    page.get_by_label("From").fill("2026-05-01")
    page.get_by_label("To (included)").fill("2026-04-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_have_text("The period must end on or after its first day.")


def test_a_period_longer_than_the_trend_computes_is_refused_on_the_page(page):
    """The server answers at most DASHBOARD_MAX_PERIODS (1200) periods of trend: the page,
    which lets the server pick months beyond a year, never asks for more than 100 years."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/opendata/dashboard/" in r.url else None)
    page.goto("/dashboard/?start=0001-01-01&end=9999-12-30")
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    expect(page.get_by_role("alert")).to_have_text("The period can be at most 100 years long.")
    page.get_by_label("From").fill("1930-01-01")
    page.get_by_label("To (included)").fill("2030-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_have_text("The period can be at most 100 years long.")
    page.get_by_label("To (included)").fill("2029-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    expect(page.locator("#table-trend tbody tr")).to_have_count(1200)
    trend = [url for url in asked if "/opendata/dashboard/trend" in url]
    assert trend and all("start=1930-01-01" in url for url in trend), trend


RATES_SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "dashboard-rates"
RATE_TEXTS = {
    "fr": {
        "source": "Population au 1er janvier 2020 (Statbel)",
        "per1000": ("les signalements ouverts pour 1 000 habitants", "pour 1 000 habitants"),
        "perKm2": ("les signalements ouverts par km²", "par km²"),
        "category": ("Catégorie", "Nid-de-poule", "Afficher"),
    },
    "nl": {
        "source": "Bevolking op 1 januari 2020 (Statbel)",
        "per1000": ("open meldingen per 1.000 inwoners", "per 1.000 inwoners"),
        "perKm2": ("open meldingen per km²", "per km²"),
        "category": ("Categorie", "Put in de weg", "Tonen"),
    },
}


def local_number(shown: str) -> float:
    """A number as fr or nl write it: 1 234,5 or 1.234,5."""
    return float(re.sub(r"[\s.\u202f\u00a0]", "", shown).replace(",", "."))


def radio(page: Page, name: str):
    return page.get_by_role("radio", name=name, exact=True)


def tooltip_at_centre(page: Page) -> tuple[str, float, str]:
    """Point at the map's centre: the name and value of the commune there, as its tooltip says."""
    page.locator("#map").scroll_into_view_if_needed()
    box = box_of(page.locator("#map"))
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    # Off every commune: the tooltips close (and fade out, 200 ms).
    expect(page.locator(".leaflet-tooltip")).to_have_count(0)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    shown = tooltip.text_content()
    name, rest = re.split(r"\s?: ", shown, maxsplit=1)
    return name, local_number(re.match(r"[\d\s.,\u202f\u00a0]+", rest).group()), shown


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_map_shows_a_rate_per_1000_or_per_km2_from_outlines_fetched_once(
    browser, live_server, generated, lang
):
    texts = RATE_TEXTS[lang]
    context = new_context(browser, live_server, locale=f"{lang}-BE", service_workers="block")
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/opendata/dashboard/" in r.url else None)
    RATES_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto("/dashboard/?region=brussels&start=&end=")
        expect(page.locator("body[data-figures='loaded']")).to_be_attached()
        page.locator("#lang").select_option(lang)
        items = {
            c["name"]: c
            for c in api(live_server, "communes", {"region": "brussels"}, lang)["items"]
        }
        expect(page.locator("#population-source")).to_have_text(texts["source"])
        expect(radio(page, texts["per1000"][0])).to_be_checked()
        heading = page.locator("#legend-heading").text_content()
        legend = page.locator("#legend-items").text_content()
        assert texts["per1000"][1] in heading
        name, value, shown = tooltip_at_centre(page)
        assert texts["per1000"][1] in shown
        assert value == items[name]["open_per_1000"]
        page.screenshot(path=str(RATES_SCREENSHOTS / f"{lang}-per-1000.png"), full_page=True)

        if lang == "nl":  # A radio group: the arrow keys choose.
            radio(page, texts["per1000"][0]).focus()
            page.keyboard.press("ArrowDown")
        else:
            radio(page, texts["perKm2"][0]).check()
        expect(radio(page, texts["perKm2"][0])).to_be_checked()
        expect(page.locator("#legend-heading")).not_to_have_text(heading)
        assert texts["perKm2"][1] in page.locator("#legend-heading").text_content()
        assert page.locator("#legend-items").text_content() != legend
        name_again, value, shown = tooltip_at_centre(page)
        assert name_again == name
        assert texts["perKm2"][1] in shown
        assert value == items[name]["open_per_km2"]
        page.screenshot(path=str(RATES_SCREENSHOTS / f"{lang}-per-km2.png"), full_page=True)

        # Another category: new numbers, the same outlines (asked for once).
        label, category, show_button = texts["category"]
        page.get_by_label(label, exact=True).select_option(label=category)
        page.get_by_role("button", name=show_button).click()
        expect(page.locator("body[data-figures='loaded']")).to_be_attached()
        page.wait_for_function(
            "() => performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('/communes') && e.name.includes('category=')).length"
        )
        assert len([u for u in asked if "/opendata/dashboard/outlines" in u]) == 1, asked
        assert len([u for u in asked if "/opendata/dashboard/communes" in u]) == 2, asked
    finally:
        context.close()
