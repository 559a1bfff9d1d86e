"""/metrics under the Procfile's gunicorn with two workers: a scrape adds up every worker's
requests, whichever worker answers it (prometheus_client's multiprocess mode, set up by
app/gunicorn_hooks.py in a directory of the server's own under var/metrics)."""

from __future__ import annotations

import socket
import urllib.request

from tests.helpers.gunicorn import ROOT, procfile_web
from tests.helpers.metrics import samples, value

LIVE = {"endpoint": "health.Live", "method": "GET", "status": "200"}


def _scrape(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        return samples(response.read().decode())


def _get(base: str, path: str) -> int:
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
        return response.status


def test_a_scrape_adds_up_both_workers_requests(database_url, tmp_path):
    log = tmp_path / "gunicorn.log"
    before = set((ROOT / "var" / "metrics").glob("gunicorn-*"))
    with procfile_web(database_url, log, workers=2) as base:
        host, port = base.removeprefix("http://").split(":")
        baseline = value(_scrape(base), "pave_http_request_duration_seconds_count", **LIVE)
        # A request sent in part keeps the sync worker that took it reading: every request
        # until it ends is answered by the other worker.
        held = socket.create_connection((host, int(port)), timeout=10)
        try:
            held.sendall(f"GET /api/v1/health/live HTTP/1.1\r\nHost: {host}\r\n".encode())
            for _ in range(5):
                assert _get(base, "/api/v1/health/live") == 200
            held.sendall(b"Connection: close\r\n\r\n")
            answer = held.recv(4096).decode()
            assert answer.startswith("HTTP/1.1 200"), answer
        finally:
            held.close()
        # One worker answered 5, the other 1 (and the scrapes are their own endpoint): each
        # scrape, whichever worker serves it, counts all 6.
        for _ in range(4):
            found = _scrape(base)
            count = value(found, "pave_http_request_duration_seconds_count", **LIVE)
            assert count - baseline == 6
            assert value(found, "pave_database_up") == 1
        # Other servers (another pytest worker's) may make theirs meanwhile: this one's is
        # named after its master process.
        made = set((ROOT / "var" / "metrics").glob("gunicorn-*")) - before
        made = {d for d in made if d.name == f"gunicorn-{base.pid}"}
        assert len(made) == 1, "the server's own directory"
        (directory,) = made
        assert len(list(directory.glob("histogram_*.db"))) == 2, "one file per worker"
    # Its own directory goes with the server.
    assert not directory.exists()
