"""The Open311 client against a remote that answers badly: each answer says what became of
the request (refused, never sent, unknown), never the API key, never a half-read id."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from werkzeug.wrappers import Request, Response

from app.delivery import open311_client as client
from tests.helpers.servers import LiveServer, free_port

KEY = "pave_1234567890_secret-key"


class Canned:
    """A remote whose next answer the test sets; it keeps what it was sent."""

    def __init__(self) -> None:
        self.answer = Response("[]", mimetype="application/json")
        self.seen: list[Request] = []
        self.server = LiveServer(self.wsgi, free_port())

    def wsgi(self, environ, start_response):
        request = Request(environ)
        request.get_data()
        self.seen.append(request)
        return self.answer(environ, start_response)


@pytest.fixture(scope="module")
def remote():
    canned = Canned()
    canned.server.start()
    yield canned
    canned.server.stop()


@pytest.fixture
def conn(remote):
    return client.Connection(
        f"{remote.server.url}/v2", KEY, "brussels.example", timeout_s=2, allow_private=True
    )


def answer(remote, body, status=200) -> None:
    text = body if isinstance(body, str | bytes) else json.dumps(body)
    remote.answer = Response(text, status=status, mimetype="application/json")


def test_a_post_sends_the_key_as_the_spec_says_and_reads_the_id(remote, conn):
    answer(remote, [{"service_request_id": "12345"}], 201)
    assert client.post_request(conn, {"service_code": "ROAD"}).service_request_id == "12345"
    sent = remote.seen[-1]
    assert sent.path == "/v2/requests.json" and sent.form["api_key"] == KEY
    assert sent.form["jurisdiction_id"] == "brussels.example" and KEY not in sent.url
    answer(remote, [{"token": "abc"}], 201)
    assert client.post_request(conn, {}) == client.Created(None, "abc")


def test_a_get_keeps_the_key_out_of_its_url(remote, conn):
    answer(remote, [{"service_request_id": "1"}, "junk", 3])
    now = dt.datetime.now(dt.UTC)
    assert client.list_requests(conn, now, now, "ROAD") == [{"service_request_id": "1"}]
    sent = remote.seen[-1]
    assert KEY not in sent.url and sent.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 201),
        ([], 201),
        ("<html>ok</html>", 201),
        ([{"service_request_id": "12\x0034"}], 201),
        ([{"service_request_id": "x" * 201}], 201),
        ([{"service_request_id": {"nested": 1}}], 201),
        ("oops", 500),
        ("busy", 429),
        ("in flight", 409),
    ],
)
def test_an_answer_that_cannot_be_read_is_an_unknown_outcome(remote, conn, body, status):
    answer(remote, body, status)
    with pytest.raises(client.UnknownOutcome):
        client.post_request(conn, {"service_code": "ROAD"})


def test_a_huge_answer_is_not_read_to_its_end(remote, conn):
    answer(remote, b"[" + b" " * (client.ANSWER_MAX + 10) + b"]", 201)
    with pytest.raises(client.UnknownOutcome, match="answer over"):
        client.post_request(conn, {})


def test_a_refusal_quotes_the_remote_without_the_key_or_control_characters(remote, conn):
    answer(remote, [{"code": 403, "description": f"bad key {KEY}\x1b[31m\x00!"}], 403)
    with pytest.raises(client.Refused) as refused:
        client.post_request(conn, {})
    message = str(refused.value)
    assert "403" in message and "bad key" in message
    assert KEY not in message and "\x1b" not in message and "\x00" not in message


def test_a_remote_that_is_not_there_was_never_sent_anything():
    down = client.Connection(
        f"http://127.0.0.1:{free_port()}/v2/", KEY, timeout_s=2, allow_private=True
    )
    with pytest.raises(client.NotSent, match="unreachable"):
        client.post_request(down, {})
