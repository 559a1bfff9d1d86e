"""`flask staff …`: create the first administrator, invite staff, and offboard them."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts.emails import queue_invitation_email
from app.accounts.errors import (
    AccountExistsError,
    InvalidGrantError,
    InvitationConflictError,
    NoPendingInvitationError,
    WeakPasswordError,
)
from app.accounts.models import BODY_ROLES, Role
from app.accounts.services import Grant, create_user, invite, resend_invitation
from app.bodies.models import Body

staff_cli = AppGroup("staff", help="Staff accounts.")


def _body_id(session, body: str) -> int:
    """A body named by its code (commune-21004, region-brussels) or its numeric id."""
    query = select(Body.id).where(Body.code == body)
    if body.isdigit():
        query = select(Body.id).where(Body.id == int(body))
    body_id = session.scalar(query)
    if body_id is None:
        raise click.BadParameter(f"no body {body!r}", param_hint="--body")
    return body_id


@staff_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="The administrator's name.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (scripts)."
)
def create_admin(email: str, name: str, password_stdin: bool) -> None:
    """Create an active administrator account with EMAIL."""
    from app import get_database

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with get_database(current_app).session() as session:
            user = create_user(
                session, email, password, name=name, grants=(Grant(Role.ADMINISTRATOR),)
            )
            user_id = user.id
    except (AccountExistsError, WeakPasswordError, InvalidGrantError) as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"Administrator {email} created (user {user_id}).")


@staff_cli.command("invite")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="Role to give."
)
@click.option("--body", help="Body of a crew member or manager: its code or id.")
@click.option("--region", help="Region code of a region reviewer (02000, 03000, 04000).")
@click.option("--name", default="", help="The person's name.")
def invite_staff(email: str, role: str, body: str | None, region: str | None, name: str) -> None:
    """Invite EMAIL with a role; prints the link where they choose their password."""
    from app import get_database

    role = Role(role)
    if role in BODY_ROLES and not body:
        raise click.UsageError(f"a {role.value} needs --body")
    try:
        with get_database(current_app).session() as session:
            body_id = _body_id(session, body) if body else None
            user, token = invite(
                session, email, Grant(role, body_id, region), name=name, invited_by=None
            )
            expires = user.invitation_expires_at
            link = current_app.config["STAFF_INVITATION_URL"].format(token=token)
            # Emailed by the outbox worker; the link is printed too, for a first setup without mail.
            queue_invitation_email(session, user, link)
    except (InvitationConflictError, InvalidGrantError) as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"An email with the link to {email} is queued (sent by `flask worker`).")
    click.echo(f"Invitation for {email} as {role.value}, valid until {expires:%Y-%m-%d %H:%M %Z}:")
    click.echo(link)


@staff_cli.command("resend-invitation")
@click.argument("email")
def resend_staff_invitation(email: str) -> None:
    """Send EMAIL's pending invitation again with a new link; the previous link stops working."""
    from app import get_database

    try:
        with get_database(current_app).session() as session:
            user, token = resend_invitation(session, email, sent_by=None)
            expires = user.invitation_expires_at
            link = current_app.config["STAFF_INVITATION_URL"].format(token=token)
            queue_invitation_email(session, user, link)
    except NoPendingInvitationError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"An email with the new link to {email} is queued (sent by `flask worker`).")
    click.echo(f"Invitation for {email}, valid until {expires:%Y-%m-%d %H:%M %Z}:")
    click.echo(link)
