"""`flask --app app notify inbound`: one message for INBOUND_EMAIL_DOMAIN, read on stdin.

An MTA hands each message to it (Postfix's pipe transport, or an alias piping to a command:
docs/email-delivery.md); the work is in app/delivery/inbound.py. The exit status is from
sysexits.h: 0 taken (or ignored), 65 refused, 67 no such ticket or message, 75 try again
later, 77 not one of our addresses. The one line it prints names no address.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from app.delivery.body_email import InboundAddresses
from app.delivery.inbound import EX_OK, EX_TEMPFAIL, receive
from app.notify.cli import say


@click.group("notify")
def notify_cli() -> None:
    """Email that comes back: replies of bodies and bounces (INBOUND_EMAIL_DOMAIN)."""


@notify_cli.command("inbound")
@click.option(
    "--recipient",
    help="The address the message was delivered to, as the MTA says (Postfix: "
    "${original_recipient}); else read from Delivered-To, X-Original-To, To or Cc.",
)
@with_appcontext
def inbound_command(recipient: str | None) -> None:
    """Read one RFC 822 message on stdin: a body's reply to a ticket's email becomes an
    internal note of the ticket, a delivery status notification marks its message bounced."""
    from app.web import get_database

    config = current_app.config
    inbound = InboundAddresses.from_settings(config["INBOUND_EMAIL_DOMAIN"], config["SECRET_KEY"])
    if inbound is None:
        raise click.UsageError("INBOUND_EMAIL_DOMAIN is not set: no inbound email is read.")
    max_bytes = config["INBOUND_EMAIL_MAX_BYTES"]
    # One byte more than the limit tells a message over it, without reading it all.
    data = sys.stdin.buffer.read(max_bytes + 1)
    try:
        outcome = receive(
            get_database(current_app).engine,
            data,
            inbound,
            max_bytes=max_bytes,
            recipient=recipient,
        )
    except OperationalError:
        say("database unavailable: try again later", err=True)
        sys.exit(EX_TEMPFAIL)
    say(outcome.said, err=outcome.status != EX_OK)
    sys.exit(outcome.status)
