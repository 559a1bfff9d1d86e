"""Behind a reverse proxy (PROXY_COUNT): the client's address and the public URL, not the proxy's."""

from __future__ import annotations

import pytest
from limits import parse

from app.config import Config
from app.web import create_app
from tests.helpers.api import assert_problem

LOGIN = "/api/v1/auth/login"
PROXY = {"REMOTE_ADDR": "10.0.0.2"}
# Failed logins one address may make, whatever the emails.
PER_ADDRESS = parse(Config.LOGIN_ADDRESS_RATE_LIMIT).amount


def _fail_login(client, email: str, client_address: str):
    return client.post(
        LOGIN,
        json={"email": email, "password": "wrong password!"},
        headers={"X-Forwarded-For": client_address},
        environ_base=PROXY,
    )


@pytest.fixture
def proxied(app):
    return create_app({**app.config, "PROXY_COUNT": 1}).test_client()


def test_login_limit_counts_each_client_behind_the_proxy(proxied):
    for n in range(PER_ADDRESS):
        _fail_login(proxied, f"guess{n}@example.org", "198.51.100.7")
    assert_problem(_fail_login(proxied, "other@example.org", "198.51.100.7"), 429)
    # Another resident behind the same proxy is not locked out by the first one's guesses.
    assert_problem(_fail_login(proxied, "other@example.org", "203.0.113.9"), 401)


def test_without_a_proxy_setting_forwarded_headers_are_ignored(client):
    for n in range(PER_ADDRESS):
        _fail_login(client, f"guess{n}@example.org", f"198.51.100.{n}")
    # Forging X-Forwarded-For does not buy an attacker fresh attempts.
    assert_problem(_fail_login(client, "other@example.org", "203.0.113.9"), 429)


def test_links_use_the_public_base_url_and_only_trusted_forwarded_hosts(app, client):
    behind_proxy = create_app(
        {**app.config, "PROXY_COUNT": 1, "PUBLIC_BASE_URL": "https://pave.example.be"}
    ).test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pave.example.be"}
    behind = behind_proxy.get("/open311/v2/discovery.json", headers=headers, environ_base=PROXY)
    assert behind.status_code == 200
    urls = [e["url"] for e in behind.get_json()["endpoints"]]
    assert urls and all(u.startswith("https://pave.example.be/open311/v2") for u in urls)
    # The proxy passes on whatever host the client named: one not trusted is refused.
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    refused = behind_proxy.get("/open311/v2/discovery.json", headers=forged, environ_base=PROXY)
    assert_problem(refused, 400)

    direct = client.get("/open311/v2/discovery.json", headers=headers)
    assert all("pave.example.be" not in e["url"] for e in direct.get_json()["endpoints"])
