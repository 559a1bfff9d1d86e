"""The worker's Open311 sends: each due delivery, exactly once at the remote.

For each delivery: claim it (the attempt is committed as started before any request leaves);
if an earlier attempt's outcome is unknown, ask the remote whether it holds the request
(app/delivery/reconcile.py) and record it if so; otherwise POST it; record the outcome in a
second transaction. No delivery's failure stops the others.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cryptography.fernet import MultiFernet
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from app.delivery import failures, outbox
from app.delivery import open311_client as client
from app.delivery.crypto import ApiKeyUnreadableError, box, decrypt
from app.delivery.failures import Failure
from app.delivery.models import OPEN311_METHODS
from app.delivery.reconcile import ATTRIBUTE, Sent, find_ours
from app.notify.outbox import SendCounts

# Clocks differ: the remote's requested_datetime may be a little before ours.
CLOCK_SLACK = dt.timedelta(minutes=5)
# The spec's longest window for GET requests.
LONGEST_WINDOW = dt.timedelta(days=89)


@dataclass(frozen=True)
class DeliverySettings:
    public_base_url: str
    secret_key: str
    delivery_keys: tuple[str, ...] = ()
    max_attempts: int | None = 12
    timeout_s: float = 10.0
    # Longer than a whole attempt (a reconciliation and a send, each within timeout_s).
    lease_s: float = 60.0
    match_distance_m: float = 10.0
    allow_private: bool = False  # DELIVERY_ALLOW_PRIVATE_ADDRESSES

    @classmethod
    def from_config(cls, config: Any) -> DeliverySettings:
        return cls(
            public_base_url=config["PUBLIC_BASE_URL"],
            secret_key=config["SECRET_KEY"],
            delivery_keys=tuple(config["DELIVERY_KEYS"]),
            max_attempts=config["DELIVERY_MAX_ATTEMPTS"],
            timeout_s=config["DELIVERY_TIMEOUT_S"],
            lease_s=config["DELIVERY_LEASE_S"],
            match_distance_m=config["DELIVERY_MATCH_DISTANCE_M"],
            allow_private=config["DELIVERY_ALLOW_PRIVATE_ADDRESSES"],
        )

    @cached_property
    def fernet(self) -> MultiFernet:
        """The API keys' decrypter, built once for these settings (with DELIVERY_KEYS
        empty, building it derives a key from SECRET_KEY: not once a delivery)."""
        return box(self.delivery_keys, self.secret_key)


CONTEXT_SQL = text(
    """
    SELECT r.id, r.description, ST_Y(r.location) AS lat, ST_X(r.location) AS lon,
           r.reporter_name, r.reporter_email, r.reporter_phone, r.public_photo_key,
           r.status, r.body_id = d.body_id AS still_with_body, c.code AS category,
           b.delivery_method, o.endpoint, o.jurisdiction_id, o.api_key_encrypted,
           o.service_codes, o.attributes
    FROM report_deliveries d
    JOIN reports r ON r.id = d.report_id
    JOIN categories c ON c.id = r.category_id
    JOIN bodies b ON b.id = d.body_id
    LEFT JOIN body_open311 o ON o.body_id = d.body_id
    WHERE d.id = :id
    """
)
TAKEN_SQL = text(
    "SELECT remote_id FROM report_deliveries "
    "WHERE body_id = :body_id AND remote_id IS NOT NULL AND id <> :id"
)
# Whether the remote's id is another delivery's of the body already (its unique index).
ID_TAKEN_SQL = text(
    "SELECT EXISTS (SELECT 1 FROM report_deliveries "
    "WHERE body_id = :body_id AND remote_id = :remote_id AND id <> :id)"
)


class NotToSend(Exception):
    """Nothing was sent: the settings or the report do not allow it (the message says why,
    `failure` says it for the screens).

    `final`: no later attempt can change it (the ticket is with another body now), so the
    delivery is given up at once rather than tried again until someone fixes the settings.
    """

    def __init__(self, message: str, failure: Failure, *, final: bool = False) -> None:
        super().__init__(message)
        self.failure = failure
        self.final = final


@dataclass
class Attempt:
    """One claimed delivery with what it needs, read in the claiming transaction."""

    claimed: outbox.Claimed
    conn: client.Connection
    fields: dict[str, str]
    sent: Sent
    taken: set[str]


def _names(name: str | None) -> dict[str, str]:
    first, _, last = (name or "").strip().partition(" ")
    return {k: v for k, v in (("first_name", first), ("last_name", last.strip())) if v}


def _fields(row: Any, service_code: str, settings: DeliverySettings) -> dict[str, str]:
    fields = {
        "service_code": service_code,
        "lat": f"{row.lat:.7f}",
        "long": f"{row.lon:.7f}",
        f"attribute[{ATTRIBUTE}]": str(row.id),
    }
    if row.description:
        fields["description"] = row.description
    if row.public_photo_key:
        base = settings.public_base_url.rstrip("/")
        fields["media_url"] = f"{base}/api/v1/photos/{row.public_photo_key}"
    contact = {"email": row.reporter_email, "phone": row.reporter_phone}
    fields |= {k: v for k, v in contact.items() if v} | _names(row.reporter_name)
    extra = (row.attributes or {}).get(row.category) or {}
    for name, value in extra.items():
        if name != ATTRIBUTE:
            fields[f"attribute[{name}]"] = str(value)
    return fields


def prepare(db: Connection, claimed: outbox.Claimed, settings: DeliverySettings) -> Attempt:
    """What to send for this delivery, or NotToSend with the reason."""
    row = db.execute(CONTEXT_SQL, {"id": claimed.id}).one()
    if row.delivery_method not in OPEN311_METHODS or row.endpoint is None:
        raise NotToSend(
            "the body has no Open311 connection (delivery settings)",
            Failure(failures.NO_CONNECTION),
        )
    if not row.still_with_body:
        raise NotToSend(
            "the ticket was transferred to another body before it was sent",
            Failure(failures.TRANSFERRED),
            final=True,
        )
    service_code = (row.service_codes or {}).get(row.category)
    if not service_code:
        raise NotToSend(
            f"no service_code for category {row.category} (delivery settings)",
            Failure(failures.NO_SERVICE_CODE, detail=row.category),
        )
    api_key = None
    if row.api_key_encrypted is not None:
        try:
            api_key = decrypt(settings.fernet, row.api_key_encrypted)
        except ApiKeyUnreadableError as exc:
            raise NotToSend(str(exc), Failure(failures.KEY_UNREADABLE)) from None
    conn = client.Connection(
        row.endpoint, api_key, row.jurisdiction_id, settings.timeout_s, settings.allow_private
    )
    now = dt.datetime.now(dt.UTC)
    sent = Sent(
        pave_report_id=str(row.id),
        service_code=service_code,
        lat=row.lat,
        lon=row.lon,
        description=row.description,
        # Our request, if the remote made it, was made after the first attempt whose outcome
        # is unknown started: an earlier one at the same place is someone else's.
        start=max(claimed.started_at - CLOCK_SLACK, now - LONGEST_WINDOW),
        end=now + CLOCK_SLACK,
    )
    params = {"body_id": claimed.body_id, "id": claimed.id}
    taken = set(db.execute(TAKEN_SQL, params).scalars())
    return Attempt(claimed, conn, _fields(row, service_code, settings), sent, taken)


def _find_sent(attempt: Attempt, settings: DeliverySettings) -> client.Created | None:
    """After an unknown outcome: the request the remote already holds, if any."""
    if attempt.claimed.remote_token:
        found = client.resolve_token(attempt.conn, attempt.claimed.remote_token)
        if found:
            return client.Created(found, attempt.claimed.remote_token)
    sent = attempt.sent
    items = client.list_requests(attempt.conn, sent.start, sent.end, sent.service_code)
    remote_id = find_ours(items, sent, attempt.taken, distance_limit_m=settings.match_distance_m)
    return client.Created(remote_id, None) if remote_id else None


def deliver(attempt: Attempt, settings: DeliverySettings) -> tuple[client.Created, bool]:
    """Reconcile if needed, else send: what the remote holds, and whether it was found."""
    if attempt.claimed.unknown:
        found = _find_sent(attempt, settings)
        if found is not None:
            return found, True
    return client.post_request(attempt.conn, attempt.fields), False


@dataclass
class DeliveryResult(SendCounts):
    # Found on the remote already after a lost answer: recorded, not sent again (nor in sent).
    reconciled: int = 0


def _one(engine: Engine, settings: DeliverySettings, result: DeliveryResult) -> bool:
    """Claim, send and record one delivery; False when none is due."""
    final = False
    with engine.begin() as db:
        claimed = outbox.claim(db, settings.lease_s)
        if claimed is None:
            return False
        try:
            attempt: Attempt | None = prepare(db, claimed, settings)
        except NotToSend as exc:
            # An earlier attempt's unknown outcome stays unknown: a retry reconciles.
            attempt, error, unknown = None, f"not sent: {exc}", claimed.unknown
            failure, final = exc.failure, exc.final
    if attempt is not None:
        try:
            created, found = deliver(attempt, settings)
        except client.Open311Error as exc:
            error, unknown = str(exc), isinstance(exc, client.UnknownOutcome) or claimed.unknown
            failure = client_failure(exc, attempt.conn.endpoint)
        else:
            if _record(engine, claimed, created):
                result.reconciled += found
                result.sent += not found
                return True
            error = f"the remote answered with {created.service_request_id}, another report's"
            unknown, failure = True, Failure(failures.DUPLICATE_ID)
    with engine.begin() as db:
        last = claimed.attempts if final else settings.max_attempts
        given_up = outbox.mark_failed(
            db, claimed, error, unknown=unknown, max_attempts=last, failure=failure
        )
    result.failed += 1
    result.given_up += given_up
    kind = "unknown outcome" if unknown else "failed"
    result.errors.append(f"delivery {claimed.id} {kind}: {error}")
    return True


def client_failure(exc: client.Open311Error, endpoint: str) -> Failure:
    """What a client error was, for the screens, with the remote's own words if it gave some."""
    if isinstance(exc, client.NotSent):
        return Failure(
            failures.INTERNAL_ADDRESS if "internal address" in str(exc) else failures.UNREACHABLE
        )
    if exc.status is None:
        return Failure(failures.NO_ANSWER)
    kind = failures.REFUSED if isinstance(exc, client.Refused) else failures.REMOTE_ERROR
    # The client writes "<status> from <endpoint>: <the remote's words>".
    prefix, message = f"{exc.status} from {endpoint}: ", str(exc)
    words = message.removeprefix(prefix).strip() if message.startswith(prefix) else ""
    return Failure(kind, exc.status, words or None)


def _record(engine: Engine, claimed: outbox.Claimed, created: client.Created) -> bool:
    """Record the remote's id; False if it is already another delivery's (a remote that
    answered with someone else's request: nothing is recorded, the next attempt reconciles).
    Two workers given one id at the same instant: the unique index refuses the second, whose
    error the worker's loop reports; its lease runs out and its next attempt reconciles."""
    params = {"body_id": claimed.body_id, "id": claimed.id, "remote_id": created.service_request_id}
    with engine.begin() as db:
        if created.service_request_id and db.execute(ID_TAKEN_SQL, params).scalar_one():
            return False
        outbox.mark_sent(db, claimed, created.service_request_id, created.token)
    return True


def drain_deliveries(
    engine: Engine,
    settings: DeliverySettings,
    *,
    limit: int | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> DeliveryResult:
    """Send every delivery due now, one at a time; what happened."""
    result = DeliveryResult()
    done = 0
    while (limit is None or done < limit) and not stopping():
        if not _one(engine, settings, result):
            break
        done += 1
    return result
