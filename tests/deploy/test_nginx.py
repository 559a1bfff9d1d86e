"""Debian's nginx with deploy/nginx/pave.conf in front of gunicorn with deploy/gunicorn.conf.py.

What a resident, a crawler or an operator sees through the reference deployment: http sent to
https; a report and its photo posted through nginx, the photo read back with its cache
headers; links under PUBLIC_BASE_URL; the PWA's files served by nginx itself with the app's
cache headers and no header twice; the login limit counting each client's own address
(PROXY_COUNT=1); a flood of new reports stopped by nginx's own limit; bodies over the app's
limits refused with problem+json; access logs without tokens or client addresses. Everything runs for real: PostgreSQL, gunicorn, nginx, TLS.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.media.storage import CACHE_CONTROL
from tests.helpers import images
from tests.helpers.api import report_body
from tests.helpers.databases import migrated_database
from tests.helpers.deploy import HOST, client, gunicorn, nginx, ports
from tests.helpers.follow import ONE_COMMUNE_SQL
from tests.helpers.servers import ROOT, free_port

LOGIN = "/api/v1/auth/login"
IMMUTABLE = "public, max-age=31536000, immutable"
PROBLEM = "application/problem+json"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(ports, nginx's prefix, gunicorn's log) of a running deployment on its own database."""
    chosen = ports()
    work = tmp_path_factory.mktemp("deploy")
    with migrated_database("pave_deploy", seed_sql=ONE_COMMUNE_SQL) as engine:
        settings = {
            "PORT": str(chosen.app),
            "WORKERS": "2",
            "THREADS": "2",
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DATABASE_READ_URL": "",
            "REDIS_URL": "",
            "PROXY_COUNT": "1",
            "PUBLIC_BASE_URL": f"https://{HOST}",
            "TRUSTED_HOSTS": HOST,
            "SECRET_KEY": secrets.token_hex(32),
            "PHOTO_STORAGE": "local",
            "PHOTO_DIR": str(work / "photos"),
            "SNAPSHOT_DIR": str(work / "snapshots"),
            "PUBLIC_CACHE_SECONDS": "0",
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
        log = work / "gunicorn.log"
        with gunicorn(settings, log), nginx(chosen, work / "nginx") as prefix:
            yield chosen, prefix, log


def lines_of(path: Path, count: int) -> str:
    """The file once it has `count` lines (nginx writes a request's line once it answered)."""
    deadline = time.monotonic() + 10
    while (text := path.read_text()).count("\n") < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return text


def test_plain_http_is_sent_to_https_but_for_the_certificate_challenge(site):
    chosen, prefix, _ = site
    http = f"http://127.0.0.1:{chosen.http}"
    moved = httpx.get(f"{http}/dashboard/?region=flanders", headers={"Host": HOST})
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"https://{HOST}/dashboard/?region=flanders"
    challenge = prefix / "acme" / ".well-known" / "acme-challenge" / "a-token"
    challenge.parent.mkdir(parents=True)
    challenge.write_text("proof of control")
    answered = httpx.get(f"{http}/.well-known/acme-challenge/a-token", headers={"Host": HOST})
    assert (answered.status_code, answered.text) == (200, "proof of control")


def test_a_report_and_its_photo_go_through_nginx_and_come_back_cached(site):
    chosen, prefix, _ = site
    with client(chosen, prefix) as resident:
        created = resident.post(
            "/api/v1/reports", json=report_body(), headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert created.status_code == 201, created.text
        report = created.json()
        # Links start with PUBLIC_BASE_URL, never with gunicorn's own address.
        assert created.headers["Location"] == f"https://{HOST}/api/v1/reports/{report['id']}"
        photo = images.jpeg(1600, 1200)
        uploaded = resident.post(
            f"/api/v1/reports/{report['id']}/photos",
            files={"photo": ("pothole.jpg", photo, "image/jpeg")},
            headers={"Report-Key": report["photo_token"]},
        )
        assert uploaded.status_code == 201, uploaded.text
        url = uploaded.json()["url"]
        assert url.startswith(f"https://{HOST}/api/v1/photos/")

        served = resident.get(urlsplit(url).path)
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/jpeg"
        assert served.content[:3] == b"\xff\xd8\xff"
        # Not a year: a photo staff hide must leave caches within minutes (app/media/storage.py).
        assert served.headers.get_list("Cache-Control") == [CACHE_CONTROL]
        # The app saw https (X-Forwarded-Proto): its HSTS header, once.
        assert served.headers.get_list("Strict-Transport-Security") == ["max-age=31536000"]
        again = resident.get(urlsplit(url).path, headers={"If-None-Match": served.headers["ETag"]})
        assert again.status_code == 304

        public = resident.get(f"/api/v1/reports/{report['id']}").json()
        assert [p["url"] for p in public["photos"]] == [url]


def test_a_host_the_site_does_not_trust_reaches_the_app_and_is_refused(site):
    chosen, prefix, _ = site
    with client(chosen, prefix) as stranger:
        refused = stranger.get("/open311/v2/discovery.json", headers={"Host": "evil.example"})
        trusted = stranger.get("/open311/v2/discovery.json")
    assert refused.status_code == 400
    assert refused.headers["Content-Type"] == PROBLEM
    urls = [endpoint["url"] for endpoint in trusted.json()["endpoints"]]
    assert urls and all(url.startswith(f"https://{HOST}/open311/v2") for url in urls)


def test_the_apps_files_are_nginxs_with_the_apps_cache_headers_each_header_once(site):
    chosen, prefix, log = site
    asset = sorted((ROOT / "pwa" / "dist" / "assets").glob("app-*.js"))[0]
    with client(chosen, prefix) as browser:
        script = browser.get(f"/assets/{asset.name}")
        worker = browser.get("/sw.js")
        manifest = browser.get("/manifest.webmanifest")
        shell = browser.get("/")
    assert script.status_code == 200 and script.content == asset.read_bytes()
    assert script.headers.get_list("Cache-Control") == [IMMUTABLE]
    assert worker.headers.get_list("Cache-Control") == ["no-cache"]
    assert worker.headers.get_list("Service-Worker-Allowed") == ["/"]
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    assert manifest.headers.get_list("Cache-Control") == ["no-cache"]
    for answer in (script, worker, manifest):
        assert answer.headers.get_list("X-Content-Type-Options") == ["nosniff"]
        assert answer.headers.get_list("Strict-Transport-Security") == ["max-age=31536000"]
    # nginx served those itself: gunicorn never saw them.
    access = log.read_text()
    assert "/assets/" not in access and "/sw.js" not in access
    assert "manifest.webmanifest" not in access
    # The page comes from the app, with its own security headers, once each.
    assert shell.status_code == 200 and "text/html" in shell.headers["Content-Type"]
    assert shell.headers.get_list("Cache-Control") == ["no-cache"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Strict-Transport-Security"):
        assert len(shell.headers.get_list(name)) == 1, name


def test_the_login_limit_counts_each_clients_own_address(site):
    chosen, prefix, _ = site
    wrong = {"email": "someone@example.org", "password": "not the password"}
    with client(chosen, prefix, "127.0.0.2") as first, client(chosen, prefix, "127.0.0.3") as other:
        for _ in range(3):
            assert first.post(LOGIN, json=wrong).status_code == 401
        # A forged X-Forwarded-For buys no fresh attempts: nginx adds the real address last.
        refused = first.post(LOGIN, json=wrong, headers={"X-Forwarded-For": "203.0.113.9"})
        assert refused.status_code == 429
        assert refused.headers["Content-Type"] == PROBLEM
        assert int(refused.headers["Retry-After"]) > 0
        # Another resident, from another address, is not locked out by the first.
        assert other.post(LOGIN, json=wrong).status_code == 401


@pytest.mark.parametrize(
    ("path", "address"),
    [("/api/v1/reports", "127.0.0.4"), ("/open311/v2/requests.json", "127.0.0.5")],
)
def test_a_flood_of_new_reports_meets_nginxs_own_limit_first(site, path, address):
    """The zone pave_reports: 40 POSTs at once pass (a phone's outbox after a day offline);
    a flood past them gets nginx's 429 before the app does any work. Empty requests here,
    which the app refuses and does not count: nginx counts every one."""
    chosen, prefix, _ = site
    with client(chosen, prefix, address) as flooder, client(chosen, prefix, "127.0.0.6") as other:
        answers = [flooder.post(path, json={}) for _ in range(50)]
        statuses = [answer.status_code for answer in answers]
        assert 429 not in statuses[:40], statuses
        refused = answers[-1]
        assert refused.status_code == 429
        assert refused.headers["Content-Type"] == PROBLEM
        assert refused.headers["Retry-After"] == "60"
        assert refused.json()["title"] == "Too Many Requests"
        # In the reader's language, as the app's own refusals are.
        french = flooder.post(path, json={}, headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"})
        assert french.status_code == 429 and french.headers["Content-Language"] == "fr"
        assert french.json()["title"] == "Trop de demandes"
        assert "rien n'a été créé" in french.json()["detail"]
        # Reading is not limited, and another client still reaches the app.
        assert flooder.get(path).status_code == 200
        assert other.post(path, json={}).status_code in (400, 403, 415, 422)


def test_metrics_are_never_served_through_the_public_site(site):
    """Through nginx, /metrics is the 404 of any unknown address, even to a client on the
    host itself, which the app would let read it; Prometheus asks gunicorn directly."""
    chosen, prefix, _ = site
    with client(chosen, prefix) as anyone:
        unknown = anyone.get("/no-such-page")
        for path in ("/metrics", "/%6detrics", "/metrics?name[]=pave_database_up"):
            refused = anyone.get(path)
            assert refused.status_code == 404, path
            assert refused.headers["Content-Type"] == PROBLEM
            assert refused.json() == unknown.json()
    # (This site's TRUSTED_HOSTS names its public host only.)
    direct = httpx.get(f"http://127.0.0.1:{chosen.app}/metrics", headers={"Host": HOST})
    assert direct.status_code == 200
    # The unknown page asked through nginx above, counted by whichever worker answered it.
    assert 'count{endpoint="unmatched",method="GET",status="404"}' in direct.text


def test_bodies_over_the_apps_limits_are_refused_with_a_problem(site):
    chosen, prefix, log = site
    unknown = uuid.uuid4()
    with client(chosen, prefix) as sender:
        big_json = sender.post(
            LOGIN,
            content=json.dumps({"email": "a@example.org", "password": "x" * 300_000}),
            headers={"Content-Type": "application/json"},
        )
        big_photo = sender.post(
            f"/api/v1/reports/{unknown}/photos",
            files={"photo": ("huge.jpg", b"\xff\xd8\xff" + bytes(16 * MB), "image/jpeg")},
            headers={"Report-Key": "whatever"},
        )
        dutch = sender.post(
            f"/api/v1/reports/{unknown}/photos",
            files={"photo": ("huge.jpg", b"\xff\xd8\xff" + bytes(16 * MB), "image/jpeg")},
            headers={"Report-Key": "whatever", "Accept-Language": "nl-BE,nl;q=0.9"},
        )
    for refused in (big_json, big_photo):
        assert refused.status_code == 413
        assert refused.headers["Content-Type"] == PROBLEM
        problem = refused.json()
        assert problem["status"] == 413 and "larger than this server accepts" in problem["detail"]
    # A resident's phone in Dutch reads it in Dutch (the app's title for a 413).
    assert dutch.status_code == 413 and dutch.headers["Content-Language"] == "nl"
    assert dutch.json()["title"] == "Verzoek te groot"
    assert "15 MB voor een foto" in dutch.json()["detail"]
    # Refused by nginx before gunicorn read a byte of them.
    assert str(unknown) not in log.read_text()


def test_access_logs_keep_no_token_and_no_client_address(site):
    chosen, prefix, log = site
    token, key = secrets.token_urlsafe(32), secrets.token_hex(16)
    paths = [
        f"/follow/{token}",
        f"/api/v1/follow/{token}",
        f"/api/v1/%66ollow/{token}/comments",
        f"/follow//{token}/unsubscribe",
        f"/open311/v2/services.json?jurisdiction_id=pave.be&api_key={key}",
        f"/open311/v2/services.json?%61pi_key={key}",
    ]
    nginx_log = prefix / "logs" / "pave.access.log"
    before = nginx_log.read_text().count("\n")
    with client(chosen, prefix, "127.0.0.4") as visitor:
        for path in paths:
            visitor.get(path)
        # A follower's confirmation link: masked by nginx (app/accesslog.py misses it).
        confirmation = secrets.token_urlsafe(32)
        visitor.get(f"/follow/confirm/{confirmation}")
        visitor.post(f"/api/v1/follow-confirmations/{confirmation}")
    logged = lines_of(nginx_log, before + len(paths) + 2)
    assert logged.count("\n") >= before + len(paths) + 2
    assert logged.count("/follow/***") >= 5
    assert "/api/v1/follow-confirmations/***" in logged
    for secret in (token, key, "127.0.0.4", confirmation):
        assert secret not in logged
    for secret in (token, key, "127.0.0.4"):
        assert secret not in log.read_text()


def test_the_web_units_start_check_waits_for_an_answer_and_says_what_failed(site):
    chosen, _, _ = site
    script = [sys.executable, str(ROOT / "deploy" / "wait-http.py"), "--port", str(chosen.app)]
    # As the unit runs it: PUBLIC_BASE_URL from the settings; 127.0.0.1 is no trusted host here.
    env = {**os.environ, "PUBLIC_BASE_URL": f"https://{HOST}"}
    ready = subprocess.run(
        [*script, "--path", "/api/v1/health"], capture_output=True, text=True, env=env
    )
    assert ready.returncode == 0, ready.stderr
    missing = subprocess.run(
        [*script, "--path", "/nowhere"], capture_output=True, text=True, env=env
    )
    assert missing.returncode == 1
    assert f"127.0.0.1:{chosen.app}/nowhere answered status 404" in missing.stderr
    nobody = subprocess.run(
        [*script, "--path", "/api/v1/health", "--port", str(free_port()), "--timeout", "1"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert nobody.returncode == 1
    assert "did not answer 2xx within 1 s: [Errno 111] Connection refused" in nobody.stderr
