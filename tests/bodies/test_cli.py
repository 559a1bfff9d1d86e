"""`flask bodies set-delivery`, `show`, `new-delivery-key` and `rekey`: the key never printed."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.delivery import crypto
from app.delivery.models import BodyOpen311
from app.delivery.settings import find_body
from app.tickets.models import AuditEntry

API_KEY = "s3cret-key-of-Bruxelles"
ENDPOINT = "https://open311.bruxelles.example/open311/v2/"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["bodies", *args], input=input)


def connect(app, *more, input=None):
    return run(
        app,
        "set-delivery",
        "commune-21004",
        "--method",
        "open311",
        "--endpoint",
        ENDPOINT,
        "--jurisdiction",
        "bruxelles.be",
        "--service-code",
        "pothole=ROAD-01",
        "--service-code",
        "graffiti=TAG",
        "--attribute",
        "pothole:source=pave",
        *more,
        input=input,
    )


def test_set_delivery_reads_the_key_from_stdin_and_never_prints_it(app, session):
    result = connect(app, "--api-key-stdin", input=API_KEY + "\n")

    assert result.exit_code == 0, result.output
    assert API_KEY not in result.output
    assert "Method: open311" in result.output and f"Endpoint: {ENDPOINT}" in result.output
    assert "API key: set" in result.output
    assert "Service code: graffiti=TAG" in result.output
    assert "Attribute: pothole:source=pave" in result.output
    row = session.get(BodyOpen311, find_body(session, "commune-21004").id)
    fernet = crypto.box_from_config(app.config)
    assert crypto.decrypt(fernet, row.api_key_encrypted) == API_KEY
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "delivery_settings"))
    assert audit.actor == "command line" and audit.after["api_key"] == "set"
    assert API_KEY not in json.dumps([audit.before, audit.after])


def test_show_says_whether_a_key_is_set_and_readable(app):
    assert "API key: not set" in run(app, "show", "commune-21004").output
    connect(app, "--api-key", API_KEY)
    shown = run(app, "show", "commune-21004")
    assert shown.exit_code == 0 and "API key: set\n" in shown.output
    assert API_KEY not in shown.output

    app.config["DELIVERY_KEYS"] = (crypto.new_key(),)
    unreadable = run(app, "show", "commune-21004")
    assert "API key: set but unreadable with the current keys" in unreadable.output


def test_refusals_name_the_option_and_exit_1(app, session):
    result = run(
        app,
        "set-delivery",
        "commune-21004",
        "--method",
        "open311",
        "--endpoint",
        "http://user:pw@open311.example/",
        "--service-code",
        "no_such=1",
        "--api-key",
        "bad\tkey",
    )

    assert result.exit_code == 1
    assert "--endpoint: The endpoint must not contain a user name or password" in result.output
    assert "--service-code no_such: There is no category no_such." in result.output
    assert "--api-key: Must not contain control characters" in result.output
    assert "bad\tkey" not in result.output
    assert find_body(session, "commune-21004").delivery_method == "pave"


def test_an_unknown_body_and_malformed_options_are_clear_errors(app):
    missing = run(app, "show", "commune-00000")
    assert missing.exit_code == 1 and "There is no body commune-00000." in missing.output
    bad_pair = connect(app, "--service-code", "pothole")
    assert bad_pair.exit_code == 2 and "is not CATEGORY=CODE" in bad_pair.output
    both = connect(app, "--api-key", "a", "--remove-api-key")
    assert both.exit_code == 2 and "give one of" in both.output


def test_new_delivery_key_and_rekey_rotate_the_stored_keys(app, session):
    old = crypto.new_key()
    app.config["DELIVERY_KEYS"] = (old,)
    connect(app, "--api-key", API_KEY)
    printed = run(app, "new-delivery-key").output.strip()
    assert crypto.box([printed], "unused")  # a valid Fernet key
    app.config["DELIVERY_KEYS"] = (printed, old)

    result = run(app, "rekey")

    assert result.exit_code == 0, result.output
    assert "1 API key(s) re-encrypted" in result.output
    app.config["DELIVERY_KEYS"] = (printed,)
    assert "API key: set\n" in run(app, "show", "commune-21004").output


def test_rekey_lists_the_keys_it_cannot_read_and_exits_1(app):
    connect(app, "--api-key", API_KEY)
    app.config["DELIVERY_KEYS"] = (crypto.new_key(),)

    result = run(app, "rekey")

    assert result.exit_code == 1 and "commune-21004" in result.output


def test_a_malformed_delivery_keys_setting_is_explained(app):
    app.config["DELIVERY_KEYS"] = ("not-a-key",)

    result = run(app, "show", "commune-21004")

    assert result.exit_code == 1 and "new-delivery-key" in result.output


def test_an_internal_address_is_refused_with_the_setting_that_allows_it(app, session):
    result = run(
        app,
        "set-delivery",
        "commune-21004",
        "--method",
        "open311",
        "--endpoint",
        "https://10.0.0.5/open311/v2/",
    )

    assert result.exit_code == 1
    # The screens say it in plain words; the command line names the setting too.
    assert "--endpoint: The endpoint is an internal address" in result.output
    assert "DELIVERY_ALLOW_PRIVATE_ADDRESSES=true allows internal addresses" in result.output
