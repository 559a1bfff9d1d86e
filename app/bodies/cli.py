"""`flask bodies …`: how each body receives its reports (app/delivery/settings.py).

The API key is never printed: `show` says only whether one is set and readable.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from cryptography.fernet import MultiFernet
from flask import current_app
from flask.cli import AppGroup

from app.db import Database
from app.delivery import crypto
from app.delivery.models import METHODS
from app.delivery.settings import (
    COMMAND_LINE,
    KEEP,
    KEY_SET,
    KEY_UNREADABLE,
    DeliveryChange,
    DeliverySettings,
    change_settings,
    find_body,
    read_settings,
    rekey,
)
from app.delivery.validation import InvalidDeliverySettingsError
from app.errors import NotFoundError

bodies_cli = AppGroup("bodies", help="Bodies: how each one receives its reports.")

KEY_WORDS = {
    KEY_SET: "set",
    KEY_UNREADABLE: "set but unreadable with the current keys (set it again, or restore the "
    "DELIVERY_KEYS or SECRET_KEY that encrypted it)",
}
# The API's field (a JSON pointer's first segment) -> the option that sets it.
OPTIONS = {
    "method": "--method",
    "endpoint": "--endpoint",
    "jurisdiction_id": "--jurisdiction",
    "api_key": "--api-key",
    "service_codes": "--service-code",
    "attributes": "--attribute",
}
# What an administrator may change where a manager may not (the screens do not name settings).
SETTING_HINTS = {
    "delivery.endpoint-private": "DELIVERY_ALLOW_PRIVATE_ADDRESSES=true allows internal "
    "addresses, on a closed network only",
    "delivery.endpoint-https": "http only with DELIVERY_ALLOW_HTTP=true, or to this machine "
    "with DELIVERY_ALLOW_PRIVATE_ADDRESSES=true",
}


def _fernet() -> MultiFernet:
    try:
        return crypto.box_from_config(current_app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _database() -> Database:
    from app.web import get_database

    return get_database(current_app)


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        category, sep, code = value.partition("=")
        if not sep or not category:
            raise click.BadParameter(f"{value!r} is not CATEGORY=CODE", param_hint=option)
        found[category] = code
    return found


def _attributes(values: tuple[str, ...]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for value in values:
        target, sep, attribute = value.partition("=")
        category, colon, name = target.partition(":")
        if not sep or not colon or not category or not name:
            raise click.BadParameter(
                f"{value!r} is not CATEGORY:NAME=VALUE", param_hint="--attribute"
            )
        found.setdefault(category, {})[name] = attribute
    return found


def _api_key(api_key: str | None, from_stdin: bool, remove: bool) -> Any:
    if sum((api_key is not None, from_stdin, remove)) > 1:
        raise click.UsageError("give one of --api-key, --api-key-stdin and --remove-api-key")
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if remove:
        return None
    return KEEP if api_key is None else api_key


def _explain(error: InvalidDeliverySettingsError) -> str:
    lines = ["The delivery settings were not saved:"]
    for fault in error.extra["errors"]:
        segments = fault["pointer"].lstrip("/").split("/")
        option = OPTIONS.get(segments[0], segments[0])
        where = " ".join([option, ":".join(segments[1:])]).strip()
        detail = fault["detail"]
        hint = SETTING_HINTS.get(getattr(detail, "key", ""))
        lines.append(f"  {where}: {detail}" + (f" ({hint})" if hint else ""))
    return "\n".join(lines)


def _print(settings: DeliverySettings) -> None:
    click.echo(f"Body: {settings.body_code}")
    click.echo(f"Method: {settings.method}")
    click.echo(f"Endpoint: {settings.endpoint or 'none (no Open311 connection)'}")
    click.echo(f"Jurisdiction: {settings.jurisdiction_id or '-'}")
    click.echo(f"API key: {KEY_WORDS.get(settings.api_key, 'not set')}")
    for category, code in sorted(settings.service_codes.items()):
        click.echo(f"Service code: {category}={code}")
    for category, pairs in sorted(settings.attributes.items()):
        for name, value in sorted(pairs.items()):
            click.echo(f"Attribute: {category}:{name}={value}")


@bodies_cli.command("set-delivery")
@click.argument("body")
@click.option("--method", type=click.Choice(METHODS), help="How the body receives its reports.")
@click.option("--endpoint", help='The Open311 (GeoReport v2) base URL; "" disconnects.')
@click.option("--jurisdiction", help="The jurisdiction_id the server expects, if any.")
@click.option(
    "--api-key",
    help="The Open311 API key. It stays in the shell history and the process list: "
    "prefer --api-key-stdin.",
)
@click.option(
    "--api-key-stdin",
    is_flag=True,
    help="Read the API key from the first line of standard input (kept out of the history).",
)
@click.option("--remove-api-key", is_flag=True, help="Remove the stored API key.")
@click.option(
    "--service-code",
    "service_codes",
    multiple=True,
    metavar="CATEGORY=CODE",
    help="The remote service_code of a category; repeat it. Given, these replace all codes.",
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="CATEGORY:NAME=VALUE",
    help="An extra attribute[NAME]=VALUE sent with a category; repeat it. Given, these "
    "replace all attributes.",
)
def set_delivery(
    body: str,
    method: str | None,
    endpoint: str | None,
    jurisdiction: str | None,
    api_key: str | None,
    api_key_stdin: bool,
    remove_api_key: bool,
    service_codes: tuple[str, ...],
    attributes: tuple[str, ...],
) -> None:
    """Change how BODY (a body code, e.g. commune-21004) receives its reports.

    Options not given keep their value. Every change is written to the audit log.
    """
    change = DeliveryChange(
        method=KEEP if method is None else method,
        endpoint=KEEP if endpoint is None else endpoint,
        jurisdiction_id=KEEP if jurisdiction is None else jurisdiction,
        api_key=_api_key(api_key, api_key_stdin, remove_api_key),
        service_codes=_pairs(service_codes, "--service-code") if service_codes else KEEP,
        attributes=_attributes(attributes) if attributes else KEEP,
    )
    fernet = _fernet()
    allowed = {
        "allow_http": current_app.config["DELIVERY_ALLOW_HTTP"],
        "allow_private": current_app.config["DELIVERY_ALLOW_PRIVATE_ADDRESSES"],
    }
    try:
        with _database().session() as session:
            settings = change_settings(
                session, body, change, fernet=fernet, actor=COMMAND_LINE, **allowed
            )
    except NotFoundError as exc:
        raise click.ClickException(exc.detail) from None
    except InvalidDeliverySettingsError as exc:
        raise click.ClickException(_explain(exc)) from None
    _print(settings)


@bodies_cli.command("show")
@click.argument("body")
def show(body: str) -> None:
    """How BODY (a body code, e.g. commune-21004) receives its reports; never the API key."""
    fernet = _fernet()
    try:
        with _database().session() as session:
            settings = read_settings(session, find_body(session, body), fernet)
    except NotFoundError as exc:
        raise click.ClickException(exc.detail) from None
    _print(settings)


@bodies_cli.command("new-delivery-key")
def new_delivery_key() -> None:
    """Print a new random key for DELIVERY_KEYS (put it first, then run `bodies rekey`)."""
    click.echo(crypto.new_key())


@bodies_cli.command("rekey")
def rekey_command() -> None:
    """Re-encrypt every stored API key under the first key of DELIVERY_KEYS."""
    fernet = _fernet()
    with _database().session() as session:
        result = rekey(session, fernet)
    click.echo(f"{len(result.rekeyed)} API key(s) re-encrypted under the first key.")
    if result.unreadable:
        raise click.ClickException(
            f"{len(result.unreadable)} API key(s) could not be read with the configured keys, "
            f"left as they are (set them again): {', '.join(result.unreadable)}"
        )
