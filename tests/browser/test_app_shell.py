"""How the app shell is served: types, caching that lets updates arrive, a build-made precache."""

from __future__ import annotations

import gzip
import json
import re
import urllib.request

import brotli
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


def _get(live_server, path: str, encoding: str):
    request = urllib.request.Request(
        f"{live_server.url}{path}", headers={"Accept-Encoding": encoding}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers, response.read()


def test_the_app_shell_is_sent_compressed_to_browsers_that_ask(live_server):
    _, page = fetch(live_server, "/")
    # The app's own bundle (the module), not the small language script before it.
    script = re.search(r'type="module" src="/assets/([^"]+\.js)"', page.decode()).group(1)
    for path in ("/", f"/assets/{script}", "/sw.js"):
        _, plain = _get(live_server, path, "identity")
        headers, squeezed = _get(live_server, path, "br, gzip")
        assert headers["Content-Encoding"] == "br", path
        assert brotli.decompress(squeezed) == plain, path
        assert len(squeezed) < len(plain) / 2, path
        # Browsers offer brotli only over https; on plain http they get gzip.
        headers, squeezed = _get(live_server, path, "gzip, deflate")
        assert headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(squeezed) == plain, path


def test_api_answers_keep_their_etags_uncompressed(live_server):
    # The staff API compares If-Match with the ETag it sent: compression must not alter it.
    headers, body = _get(live_server, "/api/v1/categories", "br, gzip")
    assert "Content-Encoding" not in headers
    assert json.loads(body)
