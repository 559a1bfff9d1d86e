"""Request ids and log lines (app/web/requestlog.py, app/accesslog.py).

A request's id is taken from X-Request-Id only when it looks like one, returned in the
answer, and in every log line of the request; with LOG_FORMAT=json every line is one JSON
object. Whatever the format, no line holds a resident's name, phone or email address, a
password, a follow token or an api_key: checked in what gunicorn, started as `make run`
starts it, writes while real requests carry each of them.
"""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import urllib.error
import urllib.request

import pytest
from flask.logging import default_handler

from app.web import create_app
from app.web.requestlog import configure_logging
from tests.helpers.api import report_body
from tests.helpers.databases import migrated_database
from tests.helpers.gunicorn import procfile_web

NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def _flasks_handler():
    """Flask's own handler on the app's logger, as under gunicorn or `flask` (pytest's log
    capture on the root logger keeps Flask from adding it); as it was afterwards, since
    logging is the process's."""
    logger = logging.getLogger("app")
    added = default_handler not in logger.handlers
    if added:
        logger.addHandler(default_handler)
    yield
    if added:
        logger.removeHandler(default_handler)
    configure_logging("text")


def test_a_well_formed_incoming_id_is_kept_and_returned(client):
    for incoming in ("3f1b2c4d5e6f7a8b9c0d1e2f3a4b5c6d", "lb-1.req_0042", "a" * 64):
        response = client.get("/api/v1/health/live", headers={"X-Request-Id": incoming})
        assert response.headers["X-Request-Id"] == incoming


def test_anything_else_gets_a_new_id(client):
    seen = set()
    for incoming in (
        None,
        "",
        "short",
        "a" * 65,
        "two words here",
        "id;rm -rf /",
        "é" * 10,
        "-starts-with-dash",
        '"quoted-value"',
        # What could break or forge a log line: NUL, control characters, a huge value.
        "trace\x00-0001-abcd",
        "trace\x1b[31m-red-0001",
        "trace\tinside-0001",
        "x" * 100_000,
    ):
        headers = {} if incoming is None else {"X-Request-Id": incoming}
        response = client.get("/api/v1/health/live", headers=headers)
        given = response.headers["X-Request-Id"]
        assert NEW_ID.fullmatch(given), (incoming, given)
        seen.add(given)
    assert len(seen) == 13, "a new id each time"


def test_an_error_answer_carries_its_id_too(client):
    response = client.get("/no/such/page", headers={"X-Request-Id": "trace-0001"})
    assert response.status_code == 404
    assert response.headers["X-Request-Id"] == "trace-0001"


def _failing_app(app, log_format: str):
    """The app with a route that fails with a follow link and an email in its error."""
    app = create_app({**app.config, "LOG_FORMAT": log_format, "PROPAGATE_EXCEPTIONS": False})

    def broken(token):
        raise RuntimeError(f"no follower marie@example.org with http://localhost/follow/{token}")

    app.add_url_rule("/broken/follow/<token>", "broken", broken)
    return app


def test_json_lines_of_the_app_carry_the_request_and_no_secret(app):
    token, errors = secrets.token_urlsafe(32), io.StringIO()
    client = _failing_app(app, "json").test_client()
    response = client.get(
        f"/broken/follow/{token}",
        headers={"X-Request-Id": "trace-json-1"},
        errors_stream=errors,
    )
    assert response.status_code == 500
    assert response.headers["X-Request-Id"] == "trace-json-1"
    written = errors.getvalue()
    (line,) = written.splitlines()  # the traceback is inside the one object
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "app"
    assert entry["message"] == "Exception on /broken/follow/*** [GET]"
    assert (entry["request_id"], entry["method"], entry["endpoint"]) == (
        "trace-json-1",
        "GET",
        "broken",
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["timestamp"])
    assert "RuntimeError: no follower *** with http://localhost/follow/***" in entry["exception"]
    assert token not in written and "marie@example.org" not in written


def test_text_lines_of_the_app_carry_the_request_id_and_no_secret(app):
    token, errors = secrets.token_urlsafe(32), io.StringIO()
    client = _failing_app(app, "text").test_client()
    response = client.get(
        f"/broken/follow/{token}",
        headers={"X-Request-Id": "trace-text-1"},
        errors_stream=errors,
    )
    assert response.status_code == 500
    written = errors.getvalue()
    first = written.splitlines()[0]
    assert "ERROR in app [trace-text-1]: Exception on /broken/follow/*** [GET]" in first
    assert token not in written and "marie@example.org" not in written


def test_a_log_format_that_is_neither_is_refused_in_words(app):
    with pytest.raises(ValueError, match="LOG_FORMAT is text or json, not 'yaml'"):
        create_app({**app.config, "LOG_FORMAT": "yaml"})


# --- under gunicorn, as make run starts it -----------------------------------------------

NAME, PHONE, EMAIL = "Marie Dupont-Lambert", "+32470123456", "marie.dupont@example.org"
FOLLOWER, STAFF, PASSWORD = "suiveur.discret@example.org", "chef@example.org", "Sesame-42-ouvre"


def _send(base: str, path: str, body: dict | None = None, **headers: str):
    """Status and headers of one request (a JSON body makes it a POST)."""
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(f"{base}{path}", data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _requests_with_secrets(base: str, api_key: str) -> dict[str, tuple[int, str]]:
    """Requests carrying each kind of secret; their status and request id, by name."""
    reporter = {"name": NAME, "phone": PHONE, "email": EMAIL}
    status, headers, body = _send(base, "/api/v1/reports", report_body(reporter=reporter))
    assert status == 201, body
    created = json.loads(body)
    token = created["follow_token"]
    answers = {"report": (status, headers["X-Request-Id"])}
    followed = f"/api/v1/follow/{token}"
    for name, path, payload, extra in (
        ("follow", followed, None, {"X-Request-Id": "trace-follow-1"}),
        ("follow page", f"/follow/{token}", None, {"Referer": f"{base}/follow/{token}"}),
        ("followers", f"/api/v1/reports/{created['id']}/followers", {"email": FOLLOWER}, {}),
        ("login", "/api/v1/auth/login", {"email": STAFF, "password": PASSWORD}, {}),
        (
            "open311",
            f"/open311/v2/requests.json?jurisdiction_id=pave.be&api_key={api_key}",
            None,
            {},
        ),
        ("search", f"/api/v1/reports?q={FOLLOWER.replace('@', '%40')}", None, {}),
    ):
        status, headers, _ = _send(base, path, payload, **extra)
        answers[name] = (status, headers["X-Request-Id"])
    return {**answers, "token": (0, token)}


@pytest.fixture(scope="module")
def own_engine():
    """gunicorn commits reports and followers: a database of its own, with the communes."""
    with migrated_database("pave_requestlog", boundaries=True) as engine:
        yield engine


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_gunicorn_writes_no_personal_data_nor_token_in_any_line(own_engine, tmp_path, log_format):
    log = tmp_path / "gunicorn.log"
    api_key = f"pave_{secrets.token_hex(4)}_{secrets.token_urlsafe(24)}"
    with procfile_web(own_engine.url, log, LOG_FORMAT=log_format) as base:
        answers = _requests_with_secrets(base, api_key)
    token = answers.pop("token")[1]
    assert answers["follow"] == (200, "trace-follow-1")
    assert answers["login"][0] == 401
    written = log.read_text()
    for secret in (NAME, PHONE, PHONE[1:], EMAIL, FOLLOWER, STAFF, PASSWORD, token, api_key):
        assert secret not in written, secret
    for request_id in (request_id for _, request_id in answers.values()):
        assert request_id in written
    if log_format == "json":
        _check_json_lines(written, answers)


def _check_json_lines(written: str, answers: dict[str, tuple[int, str]]) -> None:
    entries = [json.loads(line) for line in written.splitlines() if line.strip()]
    assert all({"timestamp", "level", "logger", "message"} <= set(e) for e in entries)
    access = {e["request_id"]: e for e in entries if e["logger"] == "gunicorn.access"}
    for status, request_id in answers.values():
        entry = access[request_id]
        assert entry["status"] == status
        assert entry["duration"] >= 0
        assert entry["method"] in ("GET", "POST")
        assert "127.0.0.1" not in json.dumps(entry), "no client address"
    follow = access["trace-follow-1"]
    assert (follow["endpoint"], follow["message"]) == (
        "follow.Follow",
        "GET /api/v1/follow/*** HTTP/1.1",
    )
    assert access[answers["open311"][1]]["message"].endswith("api_key=*** HTTP/1.1")
