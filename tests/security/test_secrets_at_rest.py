"""Private tokens stay out of the logs and out of the outbox once used (issue 10, item 7).

The attacks: whoever reads gunicorn's access log (a log shipper, a colleague helping with
support) found there every resident's follow token (`/follow/<token>`, which is the whole
credential of a report) and Open311 clients' `api_key` values; whoever reads the database, or
a backup of it, found in every delivered outbox row the follow, unsubscribe and invitation
links, tokens in clear, while the tokens themselves are only stored hashed.

The defences, tested here with the real processes:
- the Procfile runs gunicorn with app.accesslog.TokenMaskingLogger, which masks follow
  tokens and api_key values in every field the access log can show;
- the outbox keeps, beside a message, the private links written in it; once the worker has
  sent the message (or given it up), they are replaced by a marker in the stored row.
"""

from __future__ import annotations

import http.client
import re
import secrets

import pytest
from sqlalchemy import text

from app.db import Database
from app.notify import outbox
from app.notify.worker import drain
from app.web import create_app
from tests.helpers.api import report_body
from tests.helpers.databases import migrated_database
from tests.helpers.gunicorn import procfile_web, status_of

BASE_URL = "https://pave.example"
FOLLOW_TOKEN = re.compile(r"/follow/([A-Za-z0-9_-]{20,})")
INVITATION_TOKEN = re.compile(r"#invitation=([A-Za-z0-9_-]{20,})")


# --- gunicorn's access log ----------------------------------------------------------------


def test_the_access_log_of_make_runs_gunicorn_masks_follow_tokens_and_api_keys(
    database_url, tmp_path
):
    tokens = [secrets.token_urlsafe(32) for _ in range(7)]
    api_key = f"pave_{secrets.token_hex(4)}_{secrets.token_urlsafe(24)}"
    log = tmp_path / "gunicorn.log"
    with procfile_web(database_url, log) as base:
        answers = [
            status_of(f"{base}/follow/{tokens[0]}"),
            status_of(f"{base}/follow/{tokens[1]}/unsubscribe"),
            status_of(f"{base}/api/v1/follow/{tokens[2]}"),
            status_of(f"{base}/api/v1/follow/{tokens[3]}/unsubscribe", method="POST"),
            status_of(f"{base}/open311/v2/requests.json?jurisdiction_id=pave.be&api_key={api_key}"),
            status_of(f"{base}/api/v1/health", headers={"Referer": f"{base}/follow/{tokens[4]}"}),
        ]
        assert answers == [200, 200, 404, 404, 200, 200]
        # A follower's confirmation link, page and API (unknown tokens: refused, still logged).
        status_of(f"{base}/follow/confirm/{tokens[5]}")
        status_of(f"{base}/api/v1/follow-confirmations/{tokens[6]}", method="POST")
    written = log.read_text()
    assert "GET /follow/confirm/*** HTTP/1.1" in written
    assert "POST /api/v1/follow-confirmations/*** HTTP/1.1" in written
    # Every request is in the log, with its secrets masked.
    assert "GET /follow/*** HTTP/1.1" in written
    assert "GET /follow/***/unsubscribe HTTP/1.1" in written
    assert "GET /api/v1/follow/*** HTTP/1.1" in written
    assert "POST /api/v1/follow/***/unsubscribe HTTP/1.1" in written
    assert "api_key=*** HTTP/1.1" in written
    assert f'"{base}/follow/***"' in written
    for secret in [*tokens, api_key]:
        assert secret not in written


def _raw(base: str, path: str, method: str = "GET") -> int:
    """The status of a request sent with exactly this path: no client normalises it."""
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    try:
        connection.request(method, path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_access_log_masks_follow_tokens_and_api_keys_however_the_address_spells_them(
    live, own_engine, tmp_path
):
    """Werkzeug routes a percent-encoded path (`/api/v1/%66ollow/…`) and redirects repeated
    slashes (`//follow//…`): the log showed those tokens in clear, as it showed an api_key
    whose name was percent-encoded."""
    client = live.test_client()
    created = client.post("/api/v1/reports", json=report_body(reporter={"email": "a@example.org"}))
    assert created.status_code == 201, created.get_json()
    # The resident's link, from the email queued for them.
    (token,) = {t for row in _rows_as_text(own_engine) for t in FOLLOW_TOKEN.findall(row)}
    api_key = f"pave_{secrets.token_hex(4)}_{secrets.token_urlsafe(24)}"
    log = tmp_path / "gunicorn.log"
    with procfile_web(own_engine.url, log) as base:
        answers = {
            path: _raw(base, path)
            for path in (
                f"/api/v1/%66ollow/{token}",
                f"/api/v1/%66%6F%6c%6C%6f%77/{token}",
                f"//follow//{token}",
                f"/api/v1//follow//{token}",
                f"/api/v1/follow%2F{token}",
                f"/%66ollow/{token}/unsubscribe",
                f"/open311/v2/requests.json?jurisdiction_id=pave.be&api%5Fkey={api_key}",
                f"/open311/v2/requests.json?jurisdiction_id=pave.be&%61pi_k%65y={api_key}",
            )
        }
    # The app serves the token behind these spellings: they are credentials, not noise.
    assert answers[f"/api/v1/%66ollow/{token}"] == 200, answers
    assert answers[f"//follow//{token}"] in (301, 308), answers
    written = log.read_text()
    # Every request is in the log, its secret masked.
    for path in answers:
        masked = path.replace(token, "***").replace(api_key, "***")
        assert f"GET {masked} HTTP/1.1" in written, written
    assert token not in written
    assert api_key not in written


def test_the_apps_error_log_under_gunicorn_masks_a_follow_token(app, caplog, tmp_path):
    """An unhandled error is logged by Flask as "Exception on <path>": with the Procfile's
    logger class, a follow token in that path, or in the error, is masked too."""
    from gunicorn.config import Config

    from app.accesslog import TokenMaskingLogger

    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    TokenMaskingLogger(config)
    token = secrets.token_urlsafe(32)

    def broken(token):
        raise RuntimeError(f"no follower with {BASE_URL}/follow/{token}")

    app.add_url_rule("/broken/follow/<token>", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get(f"/broken/follow/{token}")
    assert response.status_code == 500
    assert "Exception on /broken/follow/*** [GET]" in caplog.text
    assert f"RuntimeError: no follower with {BASE_URL}/follow/***" in caplog.text
    assert token not in caplog.text


# --- The outbox -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_engine():
    """A database of its own, with the communes: the API, the command line and the worker
    commit."""
    with migrated_database("pave_secrets", boundaries=True) as engine:
        yield engine


@pytest.fixture
def live(own_engine, smtp):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(own_engine),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "PUBLIC_BASE_URL": BASE_URL,
        }
    )
    yield app
    with own_engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))


def _run_worker(app) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def _rows_as_text(engine) -> list[str]:
    """Every outbox row, every column of it, as text."""
    with engine.connect() as db:
        return list(
            db.execute(text("SELECT row_to_json(o)::text FROM outbox_messages o")).scalars()
        )


def _pending(engine) -> int:
    with engine.connect() as db:
        return db.execute(
            text("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL")
        ).scalar_one()


def test_a_delivered_residents_email_leaves_no_follow_token_in_the_outbox(live, own_engine, smtp):
    client = live.test_client()
    response = client.post(
        "/api/v1/reports", json=report_body(reporter={"email": "marie@example.org"})
    )
    assert response.status_code == 201, response.get_json()
    rows_before = _rows_as_text(own_engine)
    _run_worker(live)
    assert _pending(own_engine) == 0
    (received,) = [m for m in smtp.messages if m["To"] == "marie@example.org"]
    tokens = set(FOLLOW_TOKEN.findall(received.get_content()))
    assert tokens, received.get_content()
    # Before delivery the row had to hold the link; after, no column of any row does.
    assert any(token in row for row in rows_before for token in tokens)
    rows_after = _rows_as_text(own_engine)
    assert len(rows_after) == len(rows_before)
    for token in tokens:
        assert all(token not in row for row in rows_after)
    assert any(outbox.REDACTED in row and "marie@example.org" in row for row in rows_after)
    # The resident's link itself still works: only the stored copy is gone.
    (token,) = tokens
    assert client.get(f"/api/v1/follow/{token}").status_code == 200


def test_a_delivered_invitation_leaves_no_invitation_token_in_the_outbox(live, own_engine, smtp):
    result = live.test_cli_runner().invoke(
        args=["staff", "invite", "new.admin@example.org", "--role", "administrator"]
    )
    assert result.exit_code == 0, result.output
    _run_worker(live)
    (received,) = smtp.messages
    (token,) = INVITATION_TOKEN.findall(received.get_content())
    rows = _rows_as_text(own_engine)
    assert len(rows) == 1
    assert token not in rows[0]
    assert outbox.REDACTED in rows[0]


def test_a_message_given_up_keeps_no_token_either(own_engine, smtp, sender):
    token = secrets.token_urlsafe(32)
    with own_engine.begin() as db:
        outbox.enqueue(
            db,
            "resident_resolved",
            recipient='"a\u000bb"@example.org',
            language="en",
            ref="R1",
            category="Pothole",
            commune="Bruxelles",
            body="Ville de Bruxelles",
            follow_url=f"{BASE_URL}/follow/{token}",
            unsubscribe_url=f"{BASE_URL}/follow/{token}/unsubscribe",
        )
    try:
        assert token in _rows_as_text(own_engine)[0]
        result = drain(own_engine, sender, max_attempts=1)
        assert (result.failed, result.given_up) == (1, 1)
        (row,) = _rows_as_text(own_engine)
        assert token not in row
        assert '"failed_at": null' not in row
    finally:
        with own_engine.begin() as db:
            db.execute(text("DELETE FROM outbox_messages"))
