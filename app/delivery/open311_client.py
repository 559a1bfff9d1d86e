"""A GeoReport v2 client: POST requests, GET requests in a window, GET tokens/{token}.

Each call says what became of it, because the sender's exactly-once rests on that:
- `Refused`: the remote answered that it will not take the request (a 4xx such as 400, 403 or
  404): nothing was created there; retrying the same request is useless until someone
  changes the settings or the report.
- `NotSent`: the request never reached the remote (connection refused, DNS, connect timeout):
  nothing was created either; a retry is safe.
- `UnknownOutcome`: the request may have reached the remote and the answer was lost (a read
  timeout, a dropped connection, a 5xx, a 409/429 of a request still in flight): the remote
  may or may not have created it, so the next attempt reconciles first.

The API key travels as the spec's `api_key` parameter in a POST's form; a GET (which the spec
does not give a key) sends it as `Authorization: Bearer`, which Pavé's server reads, so that
it is never in a URL that servers and proxies write to their logs. It never appears in an
error message: each error is written here, from the status and the exception's class, and
scrubbed of the key all the same.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from app.delivery import pinned
from app.delivery.validation import is_public_address

# Statuses that say "not now" rather than "never": the request may be in flight or done.
TRANSIENT = frozenset({408, 409, 425, 429})
ERROR_TEXT_MAX = 300
# A GET requests of the spec's 1000 requests is well under this; a remote that sends more is
# not read to the end.
ANSWER_MAX = 10 * 1024 * 1024
# httpx's timeouts are per read: a remote trickling a byte at a time would hold a call for
# ever. The whole call (look-up, connection, headers, answer) ends within this many times the
# connection's timeout.
DEADLINE_FACTOR = 3


class Open311Error(Exception):
    """A call to a body's Open311 server failed; the message is safe to show and store."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        # The remote's HTTP status, when it answered one.
        self.status = status


class Refused(Open311Error):
    """The remote refused the request: nothing was created."""


class NotSent(Open311Error):
    """The request never reached the remote: nothing was created."""


class UnknownOutcome(Open311Error):
    """The request may have been taken, and its answer was lost."""


@dataclass(frozen=True)
class Connection:
    endpoint: str
    api_key: str | None
    jurisdiction_id: str | None = None
    timeout_s: float = 10.0
    # DELIVERY_ALLOW_PRIVATE_ADDRESSES: whether the remote may be at an internal address.
    allow_private: bool = False

    def url(self, path: str) -> str:
        base = self.endpoint if self.endpoint.endswith("/") else self.endpoint + "/"
        return base + path

    def common(self) -> dict[str, str]:
        """A POST's parameters besides the request's: the jurisdiction and the spec's api_key."""
        return self.jurisdiction() | ({"api_key": self.api_key} if self.api_key else {})

    def deadline_s(self) -> float:
        """How long a whole call may take, from the name's look-up to the answer's end."""
        return DEADLINE_FACTOR * self.timeout_s

    def jurisdiction(self) -> dict[str, str]:
        return {"jurisdiction_id": self.jurisdiction_id} if self.jurisdiction_id else {}

    def bearer(self) -> dict[str, str]:
        """A GET's key: in a header, never in a URL that servers and proxies write to logs."""
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def scrub(self, message: str) -> str:
        """An error safe to store and show: without the key, control characters, or bulk."""
        if self.api_key:
            message = message.replace(self.api_key, "[api_key]")
        return "".join(c if c.isprintable() else " " for c in message)[:ERROR_TEXT_MAX]


@dataclass(frozen=True)
class Created:
    service_request_id: str | None
    token: str | None


def _answer_text(response: Answer) -> str:
    """The remote's own words for an error: GeoReport's [{"code", "description"}], or text."""
    try:
        body = response.json()
        first = body[0] if isinstance(body, list) and body else body
        if isinstance(first, Mapping) and first.get("description"):
            return str(first["description"])
    except ValueError:
        pass
    return " ".join(response.text.split())[:200]


@dataclass(frozen=True)
class Answer:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The decoded answer; a ValueError if it is not JSON, or nested beyond what the
        parser's recursion takes (a hostile remote's [[[[...]]]])."""
        try:
            return json.loads(self.content)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _request(conn: Connection, method: str, path: str, **kwargs: Any) -> Answer:
    """One call; NotSent or UnknownOutcome for what the network did, Refused for a 4xx.
    The whole call, from the name's look-up to the answer's last byte, ends by its deadline
    (app/delivery/pinned.py)."""
    timeout = httpx.Timeout(conn.timeout_s, connect=min(conn.timeout_s, 5.0))
    deadline = time.monotonic() + conn.deadline_s()
    host, addresses = _check_address(conn, deadline)
    try:
        with (
            pinned.client(host, addresses, deadline, timeout) as http,
            http.stream(method, conn.url(path), **kwargs) as streamed,
        ):
            response = Answer(streamed.status_code, _read_capped(streamed, deadline))
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
        raise NotSent(conn.scrub(f"{conn.endpoint} unreachable ({type(exc).__name__})")) from None
    except httpx.HTTPError as exc:
        detail = f"no answer from {conn.endpoint} ({type(exc).__name__})"
        raise UnknownOutcome(conn.scrub(detail)) from None
    except AnswerTooLarge:
        detail = f"an answer over {ANSWER_MAX} bytes from {conn.endpoint}"
        raise UnknownOutcome(conn.scrub(detail)) from None
    except (AnswerTooSlow, pinned.DeadlineError):
        detail = f"no whole answer from {conn.endpoint} in {conn.deadline_s():g} s"
        raise UnknownOutcome(conn.scrub(detail)) from None
    if response.status_code < 400:
        return response
    detail = f"{response.status_code} from {conn.endpoint}: {_answer_text(response)}"
    if response.status_code >= 500 or response.status_code in TRANSIENT:
        raise UnknownOutcome(conn.scrub(detail), response.status_code)
    raise Refused(conn.scrub(detail), response.status_code)


def _check_address(conn: Connection, deadline: float) -> tuple[str, list[str]]:
    """The endpoint's host and the addresses it resolves to, by `deadline`, which the call
    connects to and to no other (app/delivery/pinned.py). NotSent when any of them is not
    global (this machine, a private network, cloud metadata), unless the connection allows
    them, or when the name is not resolved in time."""
    try:
        url = httpx.URL(conn.endpoint)
        host = url.raw_host.decode("ascii")
        addresses = pinned.resolve(
            host, url.port or (80 if url.scheme == "http" else 443), deadline
        )
    except (httpx.InvalidURL, ValueError, OSError, UnicodeError) as exc:
        raise NotSent(conn.scrub(f"{conn.endpoint} unreachable ({type(exc).__name__})")) from None
    except pinned.DeadlineError:
        detail = f"{conn.endpoint} unreachable (its name not resolved in {conn.deadline_s():g} s)"
        raise NotSent(conn.scrub(detail)) from None
    if not addresses:
        raise NotSent(conn.scrub(f"{conn.endpoint} unreachable (no address)"))
    if not conn.allow_private and not all(is_public_address(a) for a in addresses):
        detail = f"{conn.endpoint} is at an internal address (DELIVERY_ALLOW_PRIVATE_ADDRESSES)"
        raise NotSent(conn.scrub(detail))
    return host, addresses


class AnswerTooLarge(Exception):
    pass


class AnswerTooSlow(Exception):
    pass


def _read_capped(response: httpx.Response, deadline: float) -> bytes:
    """The answer's body, refusing one larger than ANSWER_MAX or not read by `deadline`."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > ANSWER_MAX:
            raise AnswerTooLarge
        if time.monotonic() > deadline:
            raise AnswerTooSlow
    return bytes(body)


def post_request(conn: Connection, fields: Mapping[str, str]) -> Created:
    """POST requests.json: the remote's service_request_id, or its token until it has one."""
    response = _request(conn, "POST", "requests.json", data={**fields, **conn.common()})
    try:
        answer = response.json()
        first = answer[0] if isinstance(answer, list) else answer
        created = Created(_text(first.get("service_request_id")), _text(first.get("token")))
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        raise UnknownOutcome(conn.scrub(f"unreadable answer from {conn.endpoint}")) from None
    # It answered 2xx: the request is taken, but without an id or token it cannot be known.
    if not created.service_request_id and not created.token:
        raise UnknownOutcome(conn.scrub(f"neither id nor token from {conn.endpoint}"))
    return created


def _text(value: object) -> str | None:
    """An id or token as the remote gave it; one no column can hold is not an id."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("not an id")
    text = str(value)
    if len(text) > 200 or not text.isprintable():
        raise ValueError("not an id")
    return text


def list_requests(
    conn: Connection, start: dt.datetime, end: dt.datetime, service_code: str | None
) -> list[dict[str, Any]]:
    """GET requests.json in [start, end] (at most 90 days, as the spec allows)."""
    params = {"start_date": start.isoformat(), "end_date": end.isoformat(), **conn.jurisdiction()}
    if service_code:
        params["service_code"] = service_code
    try:
        response = _request(conn, "GET", "requests.json", params=params, headers=conn.bearer())
        answer = response.json()
    except ValueError:
        raise UnknownOutcome(conn.scrub(f"unreadable list from {conn.endpoint}")) from None
    if not isinstance(answer, list):
        raise UnknownOutcome(conn.scrub(f"unreadable list from {conn.endpoint}"))
    return [item for item in answer if isinstance(item, dict)]


def get_json(conn: Connection, path: str, params: Mapping[str, str]) -> Any:
    """GET `path` under the endpoint with the key as a Bearer header; its decoded JSON (a
    ValueError when it is not JSON)."""
    response = _request(
        conn, "GET", path, params={**params, **conn.jurisdiction()}, headers=conn.bearer()
    )
    return response.json()


def resolve_token(conn: Connection, token: str) -> str | None:
    """GET tokens/{token}: the service_request_id, once the remote has given it one."""
    try:
        path = f"tokens/{quote(token, safe='')}.json"
        response = _request(conn, "GET", path, params=conn.jurisdiction(), headers=conn.bearer())
        answer = response.json()
        first = answer[0] if isinstance(answer, list) else answer
        return _text(first.get("service_request_id"))
    except (Refused, ValueError, AttributeError, IndexError, TypeError):
        return None
