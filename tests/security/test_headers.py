"""Security headers on every HTML page: an attacker who slips markup into a page (a report's
text, a crafted link) cannot run script in it, cannot frame the staff or follow pages to trick
a click, cannot read the resident's follow token from a Referer, and cannot downgrade a
visitor to plain HTTP once the site was seen over HTTPS.

Each page must carry a Content-Security-Policy allowing scripts from the site alone (so an
injected inline <script> or onclick= does not run: the pages themselves hold none),
X-Content-Type-Options, a Referrer-Policy, a Permissions-Policy that gives the position and the
camera to the resident app only, and, over HTTPS, Strict-Transport-Security.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from app.web import create_app

TOKEN = "t0k3n-0f-a-r3sid3nt-Xyz_123456789"
RESIDENT_APP = ["/"]
FRAMELESS = ["/staff/", f"/follow/{TOKEN}", f"/follow/{TOKEN}/unsubscribe"]
OTHER_PAGES = [
    "/dashboard/",
    "/api/v1/docs",
    "/ogc/?f=html",
    "/ogc/conformance?f=html",
    "/ogc/collections?f=html",
    "/ogc/collections/reports?f=html",
    "/ogc/collections/reports/items?f=html",
    "/ogc/collections/communes/items?f=html&limit=2",
    "/ogc/api?f=html",
]
PAGES = RESIDENT_APP + FRAMELESS + OTHER_PAGES


def csp_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, event handlers, inline styles."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self._in_script = True
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name in ("href", "src", "action") and (value or "").lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")


def get_page(client, path, **kwargs):
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    assert response.status_code == 200, (path, response.status_code)
    assert response.mimetype == "text/html", (path, response.mimetype)
    return response


@pytest.mark.parametrize("path", PAGES)
def test_every_page_allows_only_its_own_scripts_and_holds_no_inline_code(client, path):
    response = get_page(client, path)
    csp = csp_of(response)

    # An injected <script>alert(1)</script>, onerror=… or a script from elsewhere is refused.
    assert csp["script-src"] == ["'self'"], csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
    # ...and the page itself needs nothing the policy refuses.
    parser = InlineCode()
    parser.feed(response.get_data(as_text=True))
    assert parser.found == [], (path, parser.found)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get("Referrer-Policy")


@pytest.mark.parametrize("path", FRAMELESS)
def test_staff_and_follow_pages_cannot_be_framed(client, path):
    response = get_page(client, path)

    assert csp_of(response)["frame-ancestors"] == ["'none'"]
    # For browsers older than CSP level 2.
    assert response.headers["X-Frame-Options"] == "DENY"


def test_follow_page_sends_no_referrer_at_all(client):
    """The follow page's address holds the resident's token: no request may carry it on."""
    for path in (f"/follow/{TOKEN}", f"/follow/{TOKEN}/unsubscribe"):
        assert get_page(client, path).headers["Referrer-Policy"] == "no-referrer"


def test_other_pages_send_at_most_their_origin_elsewhere(client):
    for path in [*RESIDENT_APP, "/staff/", *OTHER_PAGES]:
        policy = get_page(client, path).headers["Referrer-Policy"]
        assert policy in (
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
        )


def permissions_of(response) -> dict[str, str]:
    header = response.headers.get("Permissions-Policy")
    assert header, f"{response.request.path}: no Permissions-Policy"
    return dict(item.strip().split("=", 1) for item in header.split(","))


def test_only_the_resident_app_may_ask_for_the_position_and_the_camera(client):
    resident = permissions_of(get_page(client, "/"))
    assert resident["geolocation"] == "(self)"
    assert resident["camera"] == "(self)"
    for path in FRAMELESS + OTHER_PAGES:
        policy = permissions_of(get_page(client, path))
        assert policy["geolocation"] == "()", path
        assert policy["camera"] == "()", path
        assert policy["microphone"] == "()", path


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.tiles.example.be:8443/carto/{z}/{x}/{y}.png",
            "https://*.tiles.example.be:8443",
        ),
    ],
)
def test_map_tiles_come_from_the_configured_tile_host_only(app, tile_url, source):
    client = create_app({**app.config, "PWA_TILE_URL": tile_url}).test_client()
    for path in ("/", "/staff/", f"/follow/{TOKEN}"):
        img = csp_of(get_page(client, path))["img-src"]
        assert source in img, (path, img)
        # Photos previewed before sending are blob: and data: URLs; nothing else from elsewhere.
        assert set(img) <= {"'self'", "blob:", "data:", source}, img


def test_without_tiles_images_come_from_the_site_alone(app):
    client = create_app({**app.config, "PWA_TILE_URL": ""}).test_client()
    img = csp_of(get_page(client, "/"))["img-src"]
    assert set(img) <= {"'self'", "blob:", "data:"}, img


@pytest.fixture
def proxied(app):
    return create_app({**app.config, "PROXY_COUNT": 1}).test_client()


def test_https_behind_the_proxy_pins_https(proxied):
    for path in ("/", "/staff/", "/api/v1/docs", "/ogc/?f=html"):
        response = get_page(
            proxied,
            path,
            headers={"X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age="), (path, hsts)
        assert int(hsts.split(";")[0].split("=")[1]) >= 180 * 24 * 3600


def test_no_hsts_over_plain_http_nor_on_a_forged_forwarded_proto(proxied, client):
    # Plain HTTP: a browser ignores it there anyway, and a test server must not pin itself.
    plain = get_page(proxied, "/", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert "Strict-Transport-Security" not in plain.headers
    # Without PROXY_COUNT, X-Forwarded-Proto is anyone's to send: it does not make HTTPS.
    forged = get_page(client, "/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers
