"""What an emailed link (an invitation, a password reset) is now, and whom to ask for a new one.

The crew screen asks before showing the form to choose a password: a link already used or
expired then says so at once, and names the person who sent it (the inviter, the manager who
asked for the reset), never anyone else. An unknown token learns nothing at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import PasswordReset, User
from app.accounts.services import is_pending_invitation, sha256

VALID, EXPIRED, USED, UNKNOWN = "valid", "expired", "used", "unknown"
UNKNOWN_LINK: dict[str, Any] = {
    "state": UNKNOWN,
    "name": None,
    "email": None,
    "ask": None,
    "body_names": None,
    "expires_at": None,
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sender(session: Session, user_id: int | None) -> dict[str, str] | None:
    """Whom to ask for a new link: the sender, while their account is active; else nobody."""
    sender = session.get(User, user_id) if user_id is not None else None
    if sender is None or not sender.active:
        return None
    return {"name": sender.name or sender.email, "email": sender.email}


def _body_names(user: User) -> dict[str, str] | None:
    body = next((grant.body for grant in user.grants if grant.body is not None), None)
    return body.names() if body is not None else None


def invitation_state(session: Session, token: str, now: dt.datetime | None = None) -> dict:
    """valid, expired, used or unknown; for a known token its inviter and body.

    An accepted invitation keeps its token's hash (services.accept_invitation), so that the
    link, clicked again, can say it was used and by whose invitation: "used" means an active
    account, whose owner only needs to log in (the crew screen says so). A deactivated one
    (its hash is cleared then, offboarding.deactivate) tells nothing, like a random token.
    """
    user = session.scalar(select(User).where(User.invitation_hash == sha256(token)))
    if user is None:
        return dict(UNKNOWN_LINK)
    if user.password_hash is not None:
        if not user.active:
            return dict(UNKNOWN_LINK)
        state = USED
    elif not is_pending_invitation(user) or user.invitation_expires_at is None:
        return dict(UNKNOWN_LINK)
    elif user.invitation_expires_at <= (now or _now()):
        state = EXPIRED
    else:
        state = VALID
    return _answer(session, state, user, user.invited_by_id, user.invitation_expires_at)


def reset_state(session: Session, token: str, now: dt.datetime | None = None) -> dict:
    """valid, expired, used or unknown; for a known token who asked for it, and the body."""
    found = session.execute(
        select(PasswordReset, User)
        .join(User, User.id == PasswordReset.user_id)
        .where(PasswordReset.token_hash == sha256(token))
    ).first()
    if found is None or not found[1].active:
        return dict(UNKNOWN_LINK)
    reset, user = found
    if reset.used_at is not None:
        state = USED
    elif reset.expires_at <= (now or _now()):
        state = EXPIRED
    else:
        state = VALID
    return _answer(session, state, user, reset.created_by_id, reset.expires_at)


def _answer(session, state: str, user: User, sender_id, expires_at) -> dict:
    valid = state == VALID
    return {
        "state": state,
        # The person's own name and address, to confirm: only while the link works.
        "name": user.name if valid else None,
        "email": user.email if valid else None,
        "ask": _sender(session, sender_id),
        "body_names": _body_names(user),
        "expires_at": expires_at if valid else None,
    }
