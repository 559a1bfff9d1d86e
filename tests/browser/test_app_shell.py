"""How the app shell is served: types, caching that lets updates arrive, a build-made precache."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def fetch(live_server, path: str):
    with urllib.request.urlopen(f"{live_server.url}{path}", timeout=30) as response:
        return response.headers, response.read()


def test_the_page_the_worker_and_the_manifest_are_revalidated_on_every_load(live_server):
    for path, content_type in (
        ("/", "text/html"),
        ("/sw.js", "text/javascript"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ):
        headers, _ = fetch(live_server, path)
        assert headers["Content-Type"].startswith(content_type), path
        assert headers["Cache-Control"] == "no-cache", path


def test_hashed_assets_are_cached_for_a_year_and_all_precached(live_server):
    _, page = fetch(live_server, "/")
    _, worker = fetch(live_server, "/sw.js")
    assets = re.findall(r'"/assets/([^"]+\.(?:js|css))"', page.decode())
    assert assets, "the page links its hashed script and style sheet"
    for name in assets:
        headers, _ = fetch(live_server, f"/assets/{name}")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert f"/assets/{name}".encode() in worker, "the service worker precaches it"


def test_the_map_is_off_when_no_tile_url_is_configured(live_server):
    _, body = fetch(live_server, "/config.json")
    assert json.loads(body)["tile_url"] == ""
