"""The dashboard on a phone, in French and Dutch, leads to the reports themselves: the CSV and
GeoJSON downloads of its own filters, the DCAT-AP catalogue and the OGC API."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.page_checks import assert_every_string_in, box_of

pytestmark = pytest.mark.slow

PWA = Path(__file__).resolve().parents[2] / "pwa"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "dashboard"
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}
# What the reviewer reads, written out here so that a changed catalogue cannot hide a change.
LINKS = {
    "fr": {
        "export-csv": "Signalements (CSV)",
        "export-geojson": "Signalements avec leur lieu (GeoJSON)",
        "link-catalog": "Description des données pour les portails open data (DCAT-AP)",
        "link-ogc": "OGC API \u2013 Features, pour les logiciels SIG",
    },
    "nl": {
        "export-csv": "Meldingen (CSV)",
        "export-geojson": "Meldingen met hun plaats (GeoJSON)",
        "link-catalog": "Beschrijving van de data voor opendataportalen (DCAT-AP)",
        "link-ogc": "OGC API \u2013 Features, voor GIS-software",
    },
}
FILTERS = {"region": "brussels", "category": "pothole", "start": "2026-01-01", "end": "2026-12-31"}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_dashboard_links_to_the_reports_with_its_filters_and_to_the_apis(
    browser, live_server, lang
):
    context = new_context(browser, live_server, locale=LOCALES[lang])
    try:
        page = context.new_page()
        query = "&".join(f"{k}={v}" for k, v in FILTERS.items())
        page.goto(f"/dashboard/?{query}")
        expect(page.locator("body[data-figures='loaded']")).to_be_attached()

        for link_id, name in LINKS[lang].items():
            link = page.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            assert link.get_attribute("id") == link_id
            box = box_of(link)
            assert box and box["height"] >= 44
        # Each figure's own CSV link too.
        for figure_csv in page.locator("a.csv").all():
            assert box_of(figure_csv)["height"] >= 44, figure_csv.get_attribute("id")
        assert_every_string_in(page, lang)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("#open-data").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"downloads-{lang}.png"))

        totals = {}
        for link_id in ("export-csv", "export-geojson"):
            href = page.locator(f"#{link_id}").get_attribute("href")
            assert parse_qs(urlsplit(href).query) == {k: [v] for k, v in FILTERS.items()}
            answer = page.request.get(href)
            assert answer.status == 200, href
            totals[link_id] = int(answer.headers["x-total-count"])
        geojson = json.loads(
            page.request.get(page.locator("#export-geojson").get_attribute("href")).text()
        )
        assert geojson["type"] == "FeatureCollection"
        assert len(geojson["features"]) == totals["export-geojson"] == totals["export-csv"]

        catalog = page.request.get(page.locator("#link-catalog").get_attribute("href"))
        assert catalog.status == 200
        assert "dcat:Catalog" in catalog.text()
        ogc = page.request.get(page.locator("#link-ogc").get_attribute("href"))
        assert ogc.status == 200

        # A new choice on the page is a new file.
        page.locator("#region").select_option("flanders")
        page.locator("#filters button[type=submit]").click()
        expect(page.locator("#export-csv")).to_have_attribute(
            "href",
            "/opendata/reports.csv?region=flanders&category=pothole&start=2026-01-01&end=2026-12-31",
        )
        assert page.request.get(page.locator("#export-csv").get_attribute("href")).status == 200
    finally:
        context.close()
