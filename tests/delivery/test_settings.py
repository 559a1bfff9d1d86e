"""A body's delivery settings (app/delivery/settings.py): checked, stored, audited, key hidden."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.bodies.models import Body
from app.delivery import crypto
from app.delivery.models import BodyOpen311
from app.delivery.settings import (
    AUDIT_ACTION,
    COMMAND_LINE,
    KEEP,
    KEY_NOT_SET,
    KEY_SET,
    KEY_UNREADABLE,
    DeliveryChange,
    change_settings,
    find_body,
    read_settings,
    rekey,
)
from app.delivery.validation import InvalidDeliverySettingsError
from app.errors import NotFoundError
from app.tickets.models import AuditEntry
from app.tickets.store import Actor

BRUXELLES = "commune-21004"
IXELLES = "commune-21009"
ENDPOINT = "https://open311.bruxelles.example/open311/v2/"
API_KEY = "k3y-of-Bruxelles-0123456789"
FIRST_KEY = crypto.new_key()
KEYS = crypto.box([FIRST_KEY], "unused")
ALICE = Actor("Alice Admin", None)


def change(
    session, code=BRUXELLES, *, fernet=KEYS, allow_http=False, allow_private=False, **values
):
    return change_settings(
        session,
        code,
        DeliveryChange(**values),
        fernet=fernet,
        actor=ALICE,
        allow_http=allow_http,
        allow_private=allow_private,
    )


def audit_rows(session):
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION).order_by(AuditEntry.id)
        )
    )


def connect(session, **more):
    return change(
        session,
        method="open311",
        endpoint=ENDPOINT,
        jurisdiction_id="bruxelles.be",
        api_key=API_KEY,
        service_codes={"pothole": "ROAD-01"},
        attributes={"pothole": {"source": "pave"}},
        **more,
    )


def test_a_body_starts_with_no_connection(session):
    settings = read_settings(session, find_body(session, IXELLES), KEYS)

    assert settings.method == "pave" and settings.endpoint is None
    assert settings.api_key == KEY_NOT_SET and not settings.api_key_set
    assert settings.service_codes == {} and settings.attributes == {}


def test_connecting_stores_the_key_encrypted_and_says_only_that_it_is_set(session):
    settings = connect(session)

    assert settings.method == "open311" and settings.endpoint == ENDPOINT
    assert settings.api_key == KEY_SET and API_KEY not in repr(settings)
    assert settings.service_codes == {"pothole": "ROAD-01"}
    assert settings.attributes == {"pothole": {"source": "pave"}}
    row = session.get(BodyOpen311, find_body(session, BRUXELLES).id)
    assert API_KEY.encode() not in row.api_key_encrypted
    assert crypto.decrypt(KEYS, row.api_key_encrypted) == API_KEY


def test_every_change_is_audited_with_the_actor_and_never_the_key(session):
    connect(session)
    change(session, api_key="another-key-456")
    change(session, api_key=None)
    change(session, jurisdiction_id="bxl")

    rows = audit_rows(session)
    assert [row.after.get("api_key") for row in rows] == ["set", "changed", "removed", None]
    assert [row.before.get("api_key") for row in rows] == ["not set", "set", "set", None]
    first = rows[0]
    assert first.actor == "Alice Admin" and first.report_id is None
    assert first.before["method"] == "pave" and first.after["method"] == "open311"
    assert first.after["endpoint"] == ENDPOINT and first.after["body"] == BRUXELLES
    assert rows[3].before == {"body": BRUXELLES, "jurisdiction_id": "bruxelles.be"}
    trail = json.dumps([[row.before, row.after] for row in rows])
    assert API_KEY not in trail and "another-key-456" not in trail


def test_a_change_that_changes_nothing_writes_no_audit_row(session):
    connect(session)
    change(session, method="open311", endpoint=ENDPOINT, service_codes={"pothole": "ROAD-01"})

    assert len(audit_rows(session)) == 1


def test_fields_left_out_keep_their_value_and_the_key_stays(session):
    connect(session)
    settings = change(session, service_codes={"graffiti": "TAG"})

    assert settings.service_codes == {"graffiti": "TAG"}
    assert settings.jurisdiction_id == "bruxelles.be" and settings.api_key == KEY_SET


def test_removing_the_endpoint_removes_the_whole_connection(session):
    connect(session)
    settings = change(session, method="pave", endpoint=None, service_codes={}, attributes={})

    assert settings.endpoint is None and settings.api_key == KEY_NOT_SET
    assert session.get(BodyOpen311, find_body(session, BRUXELLES).id) is None
    assert audit_rows(session)[-1].after["api_key"] == "removed"


LONG = "x" * 501
HOSTILE = [
    ({"method": "fax"}, "/method", "Unknown delivery method"),
    ({"method": "open311"}, "/endpoint", "needs the endpoint"),
    ({"method": "open311", "endpoint": "open311.example/v2"}, "/endpoint", "absolute http(s)"),
    ({"method": "open311", "endpoint": "ftp://x.example/"}, "/endpoint", "absolute http(s)"),
    ({"method": "open311", "endpoint": "https://u:p@x.example/"}, "/endpoint", "user name"),
    ({"method": "open311", "endpoint": "https://x.example/?k=1"}, "/endpoint", "query"),
    ({"method": "open311", "endpoint": "https://x.example/#a"}, "/endpoint", "query"),
    ({"method": "open311", "endpoint": "http://x.example/"}, "/endpoint", "must use https"),
    ({"method": "open311", "endpoint": "https://x.example:99999/"}, "/endpoint", "absolute"),
    ({"method": "open311", "endpoint": "https://x.example/\x00"}, "/endpoint", "control"),
    ({"method": "open311", "endpoint": "https://x.exa mple/"}, "/endpoint", "absolute"),
    ({"method": "open311", "endpoint": "https://x.example/" + LONG}, "/endpoint", "At most 500"),
    ({"endpoint": ENDPOINT, "api_key": "a\nb"}, "/api_key", "control characters"),
    ({"endpoint": ENDPOINT, "api_key": LONG}, "/api_key", "At most 500"),
    ({"endpoint": ENDPOINT, "api_key": ""}, "/api_key", "empty"),
    ({"endpoint": ENDPOINT, "jurisdiction_id": "j\x07"}, "/jurisdiction_id", "control"),
    ({"endpoint": ENDPOINT, "service_codes": {"nope": "X"}}, "/service_codes/nope", "no category"),
    ({"endpoint": ENDPOINT, "service_codes": {"pothole": "X\x1b"}}, "/service_codes/pothole", "control"),
    ({"endpoint": ENDPOINT, "service_codes": {"pothole": 7}}, "/service_codes/pothole", "text"),
    ({"endpoint": ENDPOINT, "attributes": {"pothole": {"a b": "1"}}}, "/attributes/pothole/a b", "attribute name"),
    ({"endpoint": ENDPOINT, "attributes": {"pothole": {"n": LONG}}}, "/attributes/pothole/n", "At most 500"),
    ({"endpoint": ENDPOINT, "attributes": {"pothole": "n=1"}}, "/attributes/pothole", "object"),
    ({"endpoint": ENDPOINT, "attributes": {"x\x00/y": {}}}, "/attributes/x\ufffd~1y", "no category"),
    ({"api_key": API_KEY}, "/api_key", "endpoint first"),
    ({"method": "email"}, "/method", "contact email"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "pointer", "words"), HOSTILE)
def test_a_refused_value_is_named_and_nothing_is_changed(session, values, pointer, words):
    with pytest.raises(InvalidDeliverySettingsError) as refused:
        change(session, **values)

    faults = {fault["pointer"]: str(fault["detail"]) for fault in refused.value.extra["errors"]}
    assert pointer in faults and words in faults[pointer], faults
    body = find_body(session, BRUXELLES)
    assert body.delivery_method == "pave"
    assert session.get(BodyOpen311, body.id) is None and audit_rows(session) == []


def test_every_fault_is_listed_at_once(session):
    with pytest.raises(InvalidDeliverySettingsError) as refused:
        change(session, method="open311", endpoint="ftp://x/", api_key="\x00", service_codes=[])

    pointers = [fault["pointer"] for fault in refused.value.extra["errors"]]
    assert pointers == ["/endpoint", "/api_key", "/service_codes"]


def test_plain_http_only_for_this_machine_or_when_allowed(session):
    for local in ("http://127.0.0.1:8080/open311/v2/", "http://localhost/", "http://[::1]:9/"):
        with pytest.raises(InvalidDeliverySettingsError):
            change(session, method="open311", endpoint=local)  # DELIVERY_ALLOW_PRIVATE_ADDRESSES
        assert change(session, method="open311", endpoint=local, allow_private=True).endpoint
    with pytest.raises(InvalidDeliverySettingsError):
        change(session, endpoint="http://open311.example/")
    assert change(session, endpoint="http://open311.example/", allow_http=True).endpoint


def test_email_delivery_needs_the_contact_email(session):
    body = find_body(session, BRUXELLES)
    body.contact_email = "travaux@bruxelles.example"
    session.flush()

    assert change(session, method="open311_email", endpoint=ENDPOINT).method == "open311_email"


def test_an_unknown_body_is_not_found(session):
    with pytest.raises(NotFoundError, match="no body"):
        change(session, "commune-00000", method="pave")


def test_a_key_from_other_keys_is_unreadable_until_set_again(session):
    connect(session)
    other = crypto.box([crypto.new_key()], "unused")

    assert read_settings(session, find_body(session, BRUXELLES), other).api_key == KEY_UNREADABLE
    change(session, fernet=other, api_key="new-key")
    assert read_settings(session, find_body(session, BRUXELLES), other).api_key == KEY_SET


def test_rekey_moves_every_key_under_the_first_key_and_lists_the_unreadable(session):
    connect(session)
    change(session, IXELLES, method="open311", endpoint=ENDPOINT, api_key="ixelles-key")
    lost = crypto.box([crypto.new_key()], "unused")
    change(session, "commune-92094", fernet=lost, method="pave", endpoint=ENDPOINT, api_key="x")
    newest = crypto.new_key()
    rotated = crypto.box([newest, FIRST_KEY], "unused")

    result = rekey(session, rotated, COMMAND_LINE)

    assert result.rekeyed == [BRUXELLES, IXELLES] and result.unreadable == ["commune-92094"]
    only_new = crypto.box([newest], "unused")
    ids = session.scalars(select(Body.id).where(Body.code.in_([BRUXELLES, IXELLES])))
    keys = [crypto.decrypt(only_new, session.get(BodyOpen311, i).api_key_encrypted) for i in ids]
    assert sorted(keys) == sorted([API_KEY, "ixelles-key"])
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "delivery_rekey"))
    assert audit.actor == "command line" and audit.after["unreadable"] == ["commune-92094"]


def test_keep_is_the_default_of_every_field():
    assert all(value is KEEP for value in vars(DeliveryChange()).values())
