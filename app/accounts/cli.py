"""`flask staff …`: create the first administrator, invite staff, and offboard them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.emails import send_invitation, send_password_reset
from app.accounts.errors import (
    AccountExistsError,
    AccountNotActiveError,
    InvalidGrantError,
    InvitationConflictError,
    NoPendingInvitationError,
    WeakPasswordError,
)
from app.accounts.models import BODY_ROLES, Role
from app.accounts.services import Grant, create_user, invite, resend_invitation
from app.bodies.models import Body
from app.errors import NotFoundError, PaveError
from app.i18n import LANGUAGES

staff_cli = AppGroup("staff", help="Staff accounts.")

# The invitation email's language; by default the first of the body's region (nl for a
# Flemish commune, fr in Brussels and Wallonia), French for an account with no body.
LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the invitation email (default: the body's first language, else fr).",
)


@contextmanager
def _transaction(*refusals: type[PaveError]) -> Iterator[Session]:
    """A session of the app's database, committed at the end of the block; a refusal of the
    kinds `refusals` rolls it back and is the command's error, its detail as the message."""
    from app.web import get_database

    try:
        with get_database(current_app).session() as session:
            yield session
    except refusals as exc:
        raise click.ClickException(exc.detail) from exc


def _echo_link(email: str, link: str, heading: str, *, new: bool = False) -> None:
    """Say that the email with the link is queued, then `heading` and the link itself: for a
    first setup without mail."""
    which = "the new link" if new else "the link"
    click.echo(f"An email with {which} to {email} is queued (sent by `flask worker`).")
    click.echo(heading)
    click.echo(link)


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
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _transaction(AccountExistsError, WeakPasswordError, InvalidGrantError) as session:
        user = create_user(session, email, password, name=name, grants=(Grant(Role.ADMINISTRATOR),))
        user_id = user.id
    click.echo(f"Administrator {email} created (user {user_id}).")


@staff_cli.command("invite")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="Role to give."
)
@click.option("--body", help="Body of a crew member or manager: its code or id.")
@click.option("--region", help="Region code of a region reviewer (02000, 03000, 04000).")
@click.option("--name", default="", help="The person's name.")
@LANG_OPTION
def invite_staff(
    email: str, role: str, body: str | None, region: str | None, name: str, lang: str | None
) -> None:
    """Invite EMAIL with a role; prints the link where they choose their password."""
    role = Role(role)
    if role in BODY_ROLES and not body:
        raise click.UsageError(f"a {role.value} needs --body")
    with _transaction(InvitationConflictError, InvalidGrantError) as session:
        body_id = _body_id(session, body) if body else None
        user, token = invite(
            session, email, Grant(role, body_id, region), name=name, invited_by=None
        )
        # Emailed by the outbox worker; the link is printed too, for a first setup without mail.
        link = send_invitation(session, user, token, lang)
        expires = user.invitation_expires_at
    valid = f"valid until {expires:%Y-%m-%d %H:%M %Z}"
    _echo_link(email, link, f"Invitation for {email} as {role.value}, {valid}:")


@staff_cli.command("resend-invitation")
@click.argument("email")
@LANG_OPTION
def resend_staff_invitation(email: str, lang: str | None) -> None:
    """Send EMAIL's pending invitation again with a new link; the previous link stops working."""
    with _transaction(NoPendingInvitationError) as session:
        user, token = resend_invitation(session, email, sent_by=None)
        link = send_invitation(session, user, token, lang)
        expires = user.invitation_expires_at
    valid = f"valid until {expires:%Y-%m-%d %H:%M %Z}"
    _echo_link(email, link, f"Invitation for {email}, {valid}:", new=True)


def _account(session, email: str):
    from app.accounts.offboarding import find_account

    try:
        return find_account(session, email)
    except NotFoundError as exc:
        raise click.ClickException(exc.detail) from exc


@staff_cli.command("deactivate")
@click.argument("email")
def deactivate_staff(email: str) -> None:
    """Deactivate EMAIL's account: no more logins; its sessions and API tokens end at once."""
    from app.accounts.offboarding import deactivate

    with _transaction() as session:
        deactivate(session, None, _account(session, email))
    click.echo(f"{email} is deactivated; their sessions and API tokens have ended.")


@staff_cli.command("revoke")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), help="The role to remove.")
@click.option("--body", help="Its body (code or id), for a crew member or manager.")
@click.option("--region", help="Its region code, for a region reviewer.")
@click.option("--sessions", is_flag=True, help="End all of EMAIL's sessions and API tokens.")
def revoke_staff(
    email: str, role: str | None, body: str | None, region: str | None, sessions: bool
) -> None:
    """Remove one role of EMAIL (--role …), or end all their sessions and tokens (--sessions)."""
    from app.accounts.offboarding import end_sessions, remove_grant

    if bool(role) == sessions:
        raise click.UsageError("give either --role (with its --body or --region) or --sessions")
    with _transaction() as session:
        user = _account(session, email)
        if sessions:
            end_sessions(session, None, user)
            message = f"Every session and API token of {email} has ended."
        else:
            body_id = _body_id(session, body) if body else None
            grant = next(
                (
                    g
                    for g in user.grants
                    if (g.role, g.body_id, g.region_code) == (role, body_id, region)
                ),
                None,
            )
            if grant is None:
                raise click.ClickException(f"{email} has no such role.")
            remove_grant(session, None, user, grant.id)
            message = f"{email} is no longer {role}" + (
                f" of {body or region}." if body_id or region else "."
            )
    click.echo(message)


@staff_cli.command("reset-password")
@click.argument("email")
def reset_staff_password(email: str) -> None:
    """Email EMAIL a one-time link to choose a new password; prints the link too."""
    with _transaction(AccountNotActiveError) as session:
        user = _account(session, email)
        link, expires = send_password_reset(session, None, user, current_app.config)
    valid = f"valid once until {expires:%Y-%m-%d %H:%M %Z}"
    _echo_link(email, link, f"Password reset link for {email}, {valid}:")
