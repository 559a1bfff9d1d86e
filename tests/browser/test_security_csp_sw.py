"""In a real browser: the pages' Content-Security-Policy blocks nothing they need, and the
service worker answers only the resident app's own pages (issue 10, items 11 and 13).

CSP (item 11): each HTML page is opened at phone size with a listener for
`securitypolicyviolation` events (and the console's CSP and Permissions-Policy messages); the
page must work (its text shows, its scripts ran) with no violation at all, so the strict
policy (script-src 'self', no inline code) is one the pages really live with, and an injected
inline script would be refused.

Service worker (item 13): once the resident app was opened, its worker used to answer every
navigation of the site with the cached resident app, so /staff, the OGC and Open311 APIs, the
open-data catalogue and the API docs showed the resident app instead of themselves. Now the
worker answers only the app's own pages from its cache and leaves the rest to the network.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.crew_helpers import log_in, make_crew, report_through_api, ticket_link
from tests.browser.follow_helpers import email_links, report_with_email
from tests.browser.helpers import camera_photo, marker, open_app, wait_for_service_worker
from tests.browser.page_checks import expect_image_shown

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "security"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize(
    ("locale", "heading"), [("fr-BE", "Nouveau signalement"), ("nl-BE", "Nieuwe melding")]
)
def test_the_resident_app_works_under_its_policy(watched, tmp_path, locale, heading):
    context, violations = watched(locale=locale)
    page = context.new_page()
    open_app(page)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # A photo's preview (a blob: image made by the photo worker) and the position.
    photo = camera_photo(tmp_path / "photo.jpg", width=800, height=600)
    page.locator("#photo-camera").set_input_files(str(photo))
    expect(page.locator("#photo-list img")).to_have_count(1)
    expect_image_shown(page.locator("#photo-list img"))
    page.locator("#use-position").click()
    expect(page.locator("#where-status")).not_to_be_empty()
    shot(page, f"resident-{locale}")
    assert violations.messages == []


def tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 230, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_map_tiles_load_from_the_configured_tile_server(watched, live_server):
    """The policy's img-src follows PWA_TILE_URL: the map's tiles show, nothing is refused."""
    settings = live_server.app.config
    settings["PWA_TILE_URL"] = "https://tiles.example.test/{z}/{x}/{y}.png"
    try:
        # No worker: page.route then sees the tile requests (there is no internet here).
        context, violations = watched(service_workers="block")
        png = tile_png()
        context.route(
            "https://tiles.example.test/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=png),
        )
        page = context.new_page()
        open_app(page)
        page.get_by_role("button", name="Adjust on the map").click()
        tiles = page.locator("#map img.leaflet-tile-loaded")
        expect(tiles.first).to_be_visible()
        shot(page, "resident-map")
    finally:
        settings["PWA_TILE_URL"] = ""
    assert violations.messages == []


def test_the_crews_screens_work_under_their_policy(watched, live_db, live_server):
    context, violations = watched()
    word = marker()
    report_through_api(live_server, f"Hole {word}")
    page = context.new_page()
    log_in(page, make_crew(live_db, "commune-21004"))
    ticket_link(page, word).click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    shot(page, "staff-ticket")
    assert violations.messages == []


def test_the_follow_page_works_under_its_policy(watched, live_db, live_server):
    context, violations = watched(locale="nl-BE")
    word = marker()
    follow_url, unsubscribe_url = email_links(
        live_db, report_with_email(live_server, f"Put {word}")
    )
    page = context.new_page()
    page.goto(follow_url)
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    expect(page.get_by_text(word)).to_be_visible()
    shot(page, "follow")
    page.goto(unsubscribe_url)
    expect(page.locator("#unsubscribe")).to_be_visible()
    assert violations.messages == []


def test_the_dashboard_works_under_its_policy(watched):
    context, violations = watched()
    page = context.new_page()
    page.goto("/dashboard/")
    expect(page.locator("body[data-figures='loaded']")).to_be_attached()
    expect(page.get_by_role("heading", name="Street problems by commune")).to_be_visible()
    # Leaflet's outlines and Chart.js's canvases are drawn.
    expect(page.locator("#map path.leaflet-interactive").first).to_be_attached()
    assert page.locator("#chart-categories").evaluate("c => c.width") > 0
    shot(page, "dashboard")
    assert violations.messages == []


@pytest.mark.parametrize(
    ("path", "visible", "name"),
    [
        ("/ogc/?f=html", "The collections", "ogc-landing"),
        ("/ogc/collections?f=html", "Collections", "ogc-collections"),
        ("/ogc/collections/communes/items?f=html&limit=3", "features on this page", "ogc-items"),
        ("/ogc/conformance?f=html", "Conformance classes", "ogc-conformance"),
    ],
)
def test_the_ogc_pages_keep_their_styles_under_their_policy(watched, path, visible, name):
    context, violations = watched()
    page = context.new_page()
    page.goto(path)
    expect(page.get_by_text(visible).first).to_be_visible()
    # The styles now come from a file: the table has its borders, the body its width.
    assert page.locator("body").evaluate("b => getComputedStyle(b).maxWidth") != "none"
    shot(page, name)
    assert violations.messages == []


@pytest.mark.parametrize(
    ("path", "title", "name"),
    [("/api/v1/docs", "Pavé API", "api-docs"), ("/ogc/api?f=html", "OGC API", "ogc-api-docs")],
)
def test_swagger_ui_works_under_its_policy(watched, path, title, name):
    context, violations = watched()
    page = context.new_page()
    page.goto(path)
    # Swagger UI ran (from its files), fetched the document and drew its operations.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(title)
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, name)
    assert violations.messages == []


def test_an_injected_inline_script_is_refused(watched):
    """What the policy is for: markup smuggled into a page cannot run script."""
    context, violations = watched()
    page = context.new_page()
    open_app(page)
    page.evaluate(
        """() => {
          const img = document.createElement('img');
          img.setAttribute('onerror', 'window.pwned = true');
          img.src = 'data:,not-an-image';
          document.body.append(img);
          const script = document.createElement('script');
          script.textContent = 'window.pwned = true';
          document.body.append(script);
        }"""
    )
    expect(page.locator("img[onerror]")).to_be_attached()
    page.wait_for_function("() => document.querySelector('img[onerror]').complete")
    assert page.evaluate("window.pwned === undefined")
    assert any("script-src" in message for message in violations.messages)


# --- Item 13: the service worker ---------------------------------------------------------


def real_page_or_resident_app(page) -> bool:
    """Is the resident app what this tab shows? (its form is the tell)"""
    return page.locator("#form-heading").count() > 0


def test_once_installed_the_worker_leaves_other_pages_to_the_server(watched, live_db, live_server):
    context, _ = watched()
    page = context.new_page()
    open_app(page)
    wait_for_service_worker(page)
    # The worker is in charge: it serves the app's own pages, offline too.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="New report")).to_be_visible()
    context.set_offline(False)

    checks = [
        ("/staff", lambda: expect(page.get_by_role("heading", name="Log in")).to_be_visible()),
        ("/staff/", lambda: expect(page.get_by_role("heading", name="Log in")).to_be_visible()),
        ("/ogc/", lambda: expect(page.get_by_role("link", name="The collections")).to_be_visible()),
        (
            "/ogc/collections/reports?f=html",
            lambda: expect(page.get_by_role("link", name="Browse the features")).to_be_visible(),
        ),
        (
            "/open311/v2/discovery.json",
            lambda: expect(page.locator("body")).to_contain_text('"endpoints"'),
        ),
        ("/api/v1/docs", lambda: expect(page.locator(".swagger-ui .info .title")).to_be_visible()),
        (
            "/dashboard/",
            lambda: expect(
                page.get_by_role("heading", name="Street problems by commune")
            ).to_be_visible(),
        ),
    ]
    for path, shows_itself in checks:
        page.goto(path)
        shows_itself()
        assert not real_page_or_resident_app(page), f"{path} shows the resident app"

    # The open-data catalogue: Turtle, which the browser shows as text.
    page.goto("/opendata/catalog")
    expect(page.locator("body")).to_contain_text("dcat:Catalog")
    assert not real_page_or_resident_app(page)

    # The follow page is one of the app's own: it still opens, from the cache if need be.
    word = marker()
    follow_url, _ = email_links(live_db, report_with_email(live_server, f"Hole {word}"))
    page.goto(follow_url)
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    expect(page.get_by_text(f"Hole {word}")).to_be_visible()
    assert not real_page_or_resident_app(page)
