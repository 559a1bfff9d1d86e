"""How each body receives its reports: read and change its delivery settings (issue 16, part 1).

The settings are the body's `delivery_method` and, for Open311, its `body_open311` row: the
endpoint, jurisdiction, API key (encrypted by app/delivery/crypto.py), the service_code of each
category and extra attributes. The command line, the API and the staff screen all change them
through `change_settings`, which checks every value, locks the body, and writes one audit row
(report_id NULL, action 'delivery_settings') with what changed, before and after. The API key
never leaves this module in clear: the settings say only whether one is set and readable, and
the audit row says "set", "changed" or "removed".

No Flask here: callers pass a Session and plain settings (the key box, whether plain http
endpoints are allowed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import MultiFernet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.bodies.models import Body
from app.categories.models import Category
from app.delivery import crypto
from app.delivery.models import EMAIL_METHODS, OPEN311_METHODS, BodyOpen311
from app.delivery.validation import (
    MAX_API_KEY,
    MAX_JURISDICTION,
    Faults,
    check_attributes,
    check_method,
    check_service_codes,
    endpoint_fault,
    shown,
    text_fault,
)
from app.errors import NotFoundError
from app.problems import msg
from app.tickets.models import AuditEntry
from app.tickets.store import Actor

AUDIT_ACTION = "delivery_settings"
REKEY_ACTION = "delivery_rekey"
# Whether a body has an API key, as every reader is told (never the key itself).
KEY_NOT_SET = "not set"
KEY_SET = "set"
KEY_UNREADABLE = "unreadable"


class Keep:
    """A setting a change leaves as it is (a field absent from the request)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = Keep()


@dataclass(frozen=True)
class DeliverySettings:
    body_code: str
    method: str
    endpoint: str | None
    jurisdiction_id: str | None
    api_key: str  # KEY_NOT_SET, KEY_SET or KEY_UNREADABLE
    service_codes: dict[str, str]
    attributes: dict[str, dict[str, str]]
    updated_at: dt.datetime | None

    @property
    def api_key_set(self) -> bool:
        return self.api_key != KEY_NOT_SET


@dataclass(frozen=True)
class DeliveryChange:
    """What to change; KEEP leaves a setting as it is. `api_key=None` removes the key, and
    `endpoint=None` (or "") removes the whole Open311 connection, key and mappings included."""

    method: Any = KEEP
    endpoint: Any = KEEP
    jurisdiction_id: Any = KEEP
    api_key: Any = KEEP
    service_codes: Any = KEEP
    attributes: Any = KEEP


@dataclass(frozen=True)
class RekeyResult:
    rekeyed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def find_body(session: Session, code: str, *, lock: bool = False) -> Body:
    """The body with this code (commune-21004, region-brussels); 404 when there is none."""
    query = select(Body).where(Body.code == code)
    body = session.scalar(query.with_for_update() if lock else query)
    if body is None:
        raise NotFoundError(msg("body.missing", code=shown(code)))
    return body


def key_state(fernet: MultiFernet, stored: bytes | None) -> str:
    if stored is None:
        return KEY_NOT_SET
    try:
        crypto.decrypt(fernet, stored)
    except crypto.ApiKeyUnreadableError:
        return KEY_UNREADABLE
    return KEY_SET


def read_settings(session: Session, body: Body, fernet: MultiFernet) -> DeliverySettings:
    row = session.get(BodyOpen311, body.id)
    return DeliverySettings(
        body_code=body.code,
        method=body.delivery_method,
        endpoint=row.endpoint if row else None,
        jurisdiction_id=row.jurisdiction_id if row else None,
        api_key=key_state(fernet, row.api_key_encrypted if row else None),
        service_codes=dict(row.service_codes) if row else {},
        attributes={k: dict(v) for k, v in row.attributes.items()} if row else {},
        updated_at=row.updated_at if row else None,
    )


def _kept(value: Any, current: Any) -> Any:
    return current if value is KEEP else value


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _target(current: DeliverySettings, change: DeliveryChange) -> dict[str, Any]:
    """The settings as they would be after `change` (the key: KEEP, None or the new one).

    Without an endpoint there is no connection: what it held goes with it, unless `change`
    gives it again (which `_check_no_connection` refuses)."""
    if _blank_to_none(_kept(change.endpoint, current.endpoint)) is None:
        current = DeliverySettings(
            current.body_code, current.method, None, None, KEY_NOT_SET, {}, {}, None
        )
    return {
        "method": _kept(change.method, current.method),
        "endpoint": _blank_to_none(_kept(change.endpoint, current.endpoint)),
        "jurisdiction_id": _blank_to_none(_kept(change.jurisdiction_id, current.jurisdiction_id)),
        "api_key": change.api_key,
        "service_codes": _kept(change.service_codes, current.service_codes),
        "attributes": _kept(change.attributes, current.attributes),
    }


def _origin(endpoint: str) -> tuple[str, str, int | None]:
    """Where requests to `endpoint` go: scheme, host and port (the scheme's own by default)."""
    parts = urlsplit(endpoint)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").rstrip("."), port


def _check_key_follows(current: DeliverySettings, target: dict, faults: Faults) -> None:
    """A stored key goes to the server it was given for: an endpoint moved to another origin
    needs the key again (or its removal), or whoever may change the endpoint but never saw
    the key would have the worker hand it to a server of their choice."""
    if current.endpoint is None or current.api_key == KEY_NOT_SET:
        return
    if target["endpoint"] is None or target["api_key"] is not KEEP:
        return
    try:
        moved = _origin(current.endpoint) != _origin(target["endpoint"])
    except (ValueError, TypeError, AttributeError):
        return  # Not a URL: endpoint_fault says so.
    if moved:
        faults.add("/api_key", msg("delivery.api-key-again"))


def _check(
    session: Session,
    body: Body,
    target: dict,
    allowed: tuple[bool, bool],
    current: DeliverySettings,
) -> None:
    faults = Faults()
    check_method(target["method"], faults)
    _check_key_follows(current, target, faults)
    endpoint = target["endpoint"]
    if endpoint is not None:
        fault = endpoint_fault(endpoint, *allowed)
        if fault is not None:
            faults.add("/endpoint", fault)
    elif target["method"] in OPEN311_METHODS:
        faults.add("/endpoint", msg("delivery.endpoint-required"))
    if target["method"] in EMAIL_METHODS and not body.contact_email:
        faults.add("/method", msg("delivery.email-required"))
    if target["jurisdiction_id"] is not None:
        fault = text_fault(target["jurisdiction_id"], MAX_JURISDICTION)
        if fault is not None:
            faults.add("/jurisdiction_id", fault)
    if target["api_key"] not in (KEEP, None):
        fault = text_fault(target["api_key"], MAX_API_KEY)
        if fault is not None:
            faults.add("/api_key", fault)
    categories = set(session.scalars(select(Category.code)))
    check_service_codes(target["service_codes"], categories, faults)
    check_attributes(target["attributes"], categories, faults)
    if endpoint is None:
        _check_no_connection(target, faults)
    faults.raise_any()


def _check_no_connection(target: dict, faults: Faults) -> None:
    """Without an endpoint there is no connection to hold a key, a jurisdiction or mappings."""
    for name in ("jurisdiction_id", "api_key", "service_codes", "attributes"):
        if target[name] not in (KEEP, None, {}):
            faults.add("/" + name, msg("delivery.no-connection"))


def _apply(session: Session, body: Body, target: dict, fernet: MultiFernet) -> None:
    body.delivery_method = target["method"]
    row = session.get(BodyOpen311, body.id, with_for_update=True)
    if target["endpoint"] is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = BodyOpen311(body_id=body.id, service_codes={}, attributes={})
        session.add(row)
    row.endpoint = target["endpoint"]
    row.jurisdiction_id = target["jurisdiction_id"]
    row.service_codes = dict(target["service_codes"])
    row.attributes = {k: dict(v) for k, v in target["attributes"].items()}
    if target["api_key"] is None:
        row.api_key_encrypted = None
    elif target["api_key"] is not KEEP:
        row.api_key_encrypted = crypto.encrypt(fernet, target["api_key"])
    row.updated_at = func.now()


def _audited(settings: DeliverySettings) -> dict[str, Any]:
    return {
        "method": settings.method,
        "endpoint": settings.endpoint,
        "jurisdiction_id": settings.jurisdiction_id,
        "api_key": settings.api_key,
        "service_codes": settings.service_codes,
        "attributes": settings.attributes,
    }


def _key_change(before: str, after: str, sent: Any) -> str | None:
    """How the key changed, in words: "set", "changed", "removed", or None (unchanged)."""
    if after == KEY_NOT_SET:
        return "removed" if before != KEY_NOT_SET else None
    if sent is KEEP:
        return None
    return "changed" if before != KEY_NOT_SET else "set"


def _audit(session, body, actor, before, after, sent_key) -> bool:
    """One audit row with the settings that changed; False (no row) when none did."""
    old, new = _audited(before), _audited(after)
    changed = {name for name in old if name != "api_key" and old[name] != new[name]}
    key = _key_change(before.api_key, after.api_key, sent_key)
    if not changed and key is None:
        return False
    shown_before = {name: old[name] for name in sorted(changed)}
    shown_after = {name: new[name] for name in sorted(changed)}
    if key is not None:
        shown_before["api_key"] = before.api_key
        shown_after["api_key"] = key
    _audit_row(
        session,
        actor,
        AUDIT_ACTION,
        before={"body": body.code, **shown_before},
        after={"body": body.code, **shown_after},
    )
    return True


def _audit_row(session: Session, actor: Actor, action: str, *, before: dict, after: dict) -> None:
    """An audit row of a change to delivery settings (no ticket: report_id is NULL)."""
    session.add(
        AuditEntry(
            actor=actor.name[:200],
            actor_user_id=actor.user_id,
            report_id=None,
            action=action,
            before=before,
            after=after,
        )
    )


def change_settings(
    session: Session,
    body_code: str,
    change: DeliveryChange,
    *,
    fernet: MultiFernet,
    actor: Actor,
    allow_http: bool = False,
    allow_private: bool = False,
) -> DeliverySettings:
    """Check and apply `change` to the body's settings, audited; the settings as they are now.

    Raises InvalidDeliverySettingsError (every fault at once) and changes nothing when any
    value is refused; NotFoundError when there is no such body. The caller commits.
    `allow_private` lets an endpoint name an internal address (DELIVERY_ALLOW_PRIVATE_ADDRESSES).
    """
    body = find_body(session, body_code, lock=True)
    before = read_settings(session, body, fernet)
    target = _target(before, change)
    _check(session, body, target, (allow_http, allow_private), before)
    _apply(session, body, target, fernet)
    session.flush()
    session.expire_all()
    body = find_body(session, body_code)
    after = read_settings(session, body, fernet)
    _audit(session, body, actor, before, after, change.api_key)
    session.flush()
    return after


# Who changes the settings from `flask bodies …`, as the audit log names them.
COMMAND_LINE = Actor("command line")


def rekey(session: Session, fernet: MultiFernet, actor: Actor = COMMAND_LINE) -> RekeyResult:
    """Every stored API key re-encrypted under the first key of `fernet` (after a new key was
    put first in DELIVERY_KEYS); the keys no configured key reads are listed, left as they are."""
    rows = session.execute(
        select(BodyOpen311, Body.code)
        .join(Body, Body.id == BodyOpen311.body_id)
        .where(BodyOpen311.api_key_encrypted.is_not(None))
        .order_by(Body.code)
        .with_for_update(of=BodyOpen311)
    ).all()
    result = RekeyResult()
    for row, code in rows:
        assert row.api_key_encrypted is not None  # the query's condition
        try:
            row.api_key_encrypted = crypto.rotate(fernet, row.api_key_encrypted)
        except crypto.ApiKeyUnreadableError:
            result.unreadable.append(code)
            continue
        result.rekeyed.append(code)
    if rows:
        after = {"rekeyed": result.rekeyed, "unreadable": result.unreadable}
        _audit_row(session, actor, REKEY_ACTION, before={}, after=after)
    session.flush()
    return result
