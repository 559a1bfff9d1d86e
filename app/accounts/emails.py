"""Emails to staff about their accounts, queued in the outbox in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.tickets.notifications import notify_invitation


def queue_invitation_email(session: Session, user: User, link: str) -> None:
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
        expires_at=user.invitation_expires_at,
    )
