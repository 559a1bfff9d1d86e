"""Emails to staff about their accounts, queued in the outbox in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.offboarding import request_password_reset
from app.dates import long_datetime
from app.notify import outbox
from app.notify.notifications import INVITATION_SCOPE_SQL, body_language, notify_invitation
from app.urls import public_url


def invitation_link(token: str) -> str:
    """Where an invited staff member chooses a password (the crew screens read the fragment)."""
    return public_url(f"/staff/#invitation={token}")


def send_invitation(session: Session, user: User, token: str, language: str | None = None) -> str:
    """Queue the invitation email of a pending `user`, with the link of `token`, in the caller's
    transaction (no invitation without its email), in `language` (default: their region's
    first); the link."""
    link = invitation_link(token)
    queue_invitation_email(session, user, link, language)
    return link


def password_reset_link(token: str) -> str:
    """Where a staff member chooses a new password (the crew screens read the fragment)."""
    return public_url(f"/staff/#reset={token}")


def send_password_reset(
    session: Session, actor: User | None, user: User, config: Mapping
) -> tuple[str, dt.datetime]:
    """A new one-time reset link for `user`, valid PASSWORD_RESET_LIFETIME seconds, emailed to
    them in the caller's transaction (the API and the CLI); the link and when it expires."""
    lifetime = dt.timedelta(seconds=config["PASSWORD_RESET_LIFETIME"])
    row, token = request_password_reset(session, actor, user, lifetime)
    link = password_reset_link(token)
    queue_password_reset_email(session, user, link, row.expires_at)
    return link, row.expires_at


def queue_invitation_email(
    session: Session, user: User, link: str, language: str | None = None
) -> None:
    """The invitation email of a pending user, naming their role (the API and the CLI)."""
    grant = user.grants[0]
    notify_invitation(
        session.connection(),
        email=user.email,
        name=user.name,
        role=grant.role,
        body_id=grant.body_id,
        region_code=grant.region_code,
        link=link,
        expires_at=cast(dt.datetime, user.invitation_expires_at),  # set while pending
        language=language,
    )


def queue_password_reset_email(
    session: Session, user: User, link: str, expires_at: dt.datetime
) -> int:
    """The one-time password reset link, to the account's own address only.

    Written in the first language of the region of the account's first body or region.
    """
    grant = user.grants[0] if user.grants else None
    db = session.connection()
    scope = db.execute(
        INVITATION_SCOPE_SQL,
        {
            "body_id": grant.body_id if grant else None,
            "region_code": grant.region_code if grant else None,
        },
    ).one()
    language = body_language(scope.region_code)
    return outbox.enqueue(
        db,
        "staff_password_reset",
        recipient=user.email,
        language=language,
        name=user.name or user.email,
        link=link,
        expires=long_datetime(expires_at, language),
    )
