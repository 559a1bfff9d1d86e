"""Staff offboarding: deactivate an account, remove a grant, end sessions, reset a password.

Administrators act on anyone; a commune manager acts on the accounts and grants of their own
bodies that they could have granted themselves (crew members), never on an administrator or
another manager. The command line (actor None) is the server's operator. Every action is
written to the append-only audit log (report_id NULL): who did what to whom, and when.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import cast

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from app.accounts import access
from app.accounts.errors import (
    AccountActionNotAllowedError,
    AccountNotActiveError,
    InvalidPasswordResetError,
)
from app.accounts.models import ApiToken, PasswordReset, Role, RoleGrant, StaffSession, User
from app.accounts.passwords import check_strength, hash_password
from app.accounts.services import find_user_by_email, sha256
from app.errors import NotFoundError

COMMAND_LINE = "command line"
AUDIT_SQL = text(
    "INSERT INTO audit_log (actor, actor_user_id, report_id, action, before, after) "
    "VALUES (:actor, :actor_user_id, NULL, :action, :before, :after)"
).bindparams(bindparam("before", type_=JSONB), bindparam("after", type_=JSONB))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _is_admin(user: User) -> bool:
    return any(grant.role == Role.ADMINISTRATOR.value for grant in user.grants)


def may_manage(actor: User | None, target: User) -> bool:
    """May `actor` deactivate `target`, end their sessions or send them a reset link?"""
    if actor is None or access.is_administrator(actor):
        return True
    if _is_admin(target) or not target.grants or target.id == actor.id:
        return False
    return all(access.can_grant(actor, grant.role, grant.body_id) for grant in target.grants)


def may_remove(actor: User | None, target: User, grant: RoleGrant) -> bool:
    """May `actor` remove this grant of `target`? Only one they could have given."""
    if actor is None or access.is_administrator(actor):
        return True
    if _is_admin(target) or target.id == actor.id:
        return False
    return access.can_grant(actor, grant.role, grant.body_id)


def manageable_accounts(session: Session, actor: User) -> list[User]:
    """The accounts `actor` sees on the team screen: every one, or those of their bodies."""
    query = select(User).order_by(User.email)
    if not access.is_administrator(actor):
        scope = access.scope_of(actor, "staff.invite")
        admins = select(RoleGrant.user_id).where(RoleGrant.role == Role.ADMINISTRATOR.value)
        query = query.where(
            User.id.in_(select(RoleGrant.user_id).where(RoleGrant.body_id.in_(scope.body_ids))),
            User.id.not_in(admins),
        )
    return list(session.scalars(query))


def account_for(session: Session, actor: User | None, user_id: int, *, check: bool = True) -> User:
    """The account (locked); 404 when there is none, 403 when `actor` may not manage it.

    `check=False` leaves the check to the action (removing one grant checks that grant).
    """
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise NotFoundError(f"There is no account {user_id}.")
    if check and not may_manage(actor, user):
        raise AccountActionNotAllowedError("You may not act on this account.")
    return user


def find_account(session: Session, email: str) -> User:
    user = find_user_by_email(session, email)
    if user is None:
        raise NotFoundError(f"There is no account {email}.")
    return user


def audit(session: Session, actor: User | None, action: str, target: User, **details) -> None:
    session.execute(
        AUDIT_SQL,
        {
            "actor": (actor.name or actor.email) if actor else COMMAND_LINE,
            "actor_user_id": actor.id if actor else None,
            "action": action,
            "before": details.pop("before", {}),
            "after": {"user_id": target.id, "email": target.email, **details},
        },
    )


def _end_sessions_and_tokens(session: Session, user: User, now: dt.datetime) -> tuple[int, int]:
    sessions = session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    tokens = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    # DELETE and UPDATE answer with a CursorResult, which counts the rows.
    return cast(CursorResult, sessions).rowcount, cast(CursorResult, tokens).rowcount


def end_sessions(session: Session, actor: User | None, user: User) -> None:
    """Every session of `user` ends and every API token is revoked, at once."""
    if not may_manage(actor, user):
        raise AccountActionNotAllowedError("You may not act on this account.")
    ended, revoked = _end_sessions_and_tokens(session, user, _now())
    audit(session, actor, "account.end_sessions", user, sessions=ended, tokens=revoked)
    session.flush()


def deactivate(session: Session, actor: User | None, user: User) -> None:
    """`user` can no longer log in; sessions, tokens, invitation and reset links end now."""
    if not may_manage(actor, user):
        raise AccountActionNotAllowedError("You may not act on this account.")
    was_active = user.active
    user.active = False
    user.invitation_hash = None
    user.invitation_expires_at = None
    ended, revoked = _end_sessions_and_tokens(session, user, _now())
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    audit(
        session,
        actor,
        "account.deactivate",
        user,
        before={"active": was_active},
        active=False,
        sessions=ended,
        tokens=revoked,
    )
    session.flush()


def remove_grant(session: Session, actor: User | None, user: User, grant_id: int) -> None:
    """Remove one grant of `user`: the role stops working at their next request."""
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise NotFoundError(f"Account {user.id} has no grant {grant_id}.")
    if not may_remove(actor, user, grant):
        raise AccountActionNotAllowedError("You may not remove this role.")
    removed = {"role": grant.role, "body_id": grant.body_id, "region_code": grant.region_code}
    user.grants.remove(grant)
    if not user.grants and user.password_hash is None:
        # A pending invitation without any role left is withdrawn, not accepted empty.
        user.invitation_hash = None
        user.invitation_expires_at = None
    audit(session, actor, "account.remove_grant", user, before={"grant": removed})
    session.flush()


def request_password_reset(
    session: Session,
    actor: User | None,
    user: User,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> tuple[PasswordReset, str]:
    """A new one-time reset link for an active `user` (earlier unused ones stop working)."""
    if not may_manage(actor, user):
        raise AccountActionNotAllowedError("You may not act on this account.")
    if not user.active:
        raise AccountNotActiveError(
            "This account is not active: only an active account's password can be reset."
        )
    now = now or _now()
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    token = secrets.token_urlsafe(32)
    row = PasswordReset(
        user_id=user.id,
        token_hash=sha256(token),
        expires_at=now + lifetime,
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    audit(session, actor, "account.password_reset", user, expires_at=row.expires_at.isoformat())
    session.flush()
    return row, token


def reset_password(
    session: Session, token: str, password: str, now: dt.datetime | None = None
) -> User:
    """Set a new password with a reset link: once, in time, for an active account only.

    Every session and API token of the account ends (whoever else held them is out).
    """
    now = now or _now()
    found = session.execute(
        select(PasswordReset, User)
        .join(User, User.id == PasswordReset.user_id)
        .where(PasswordReset.token_hash == sha256(token))
        .with_for_update()
    ).first()
    if found is None or found[0].used_at is not None or not found[1].active:
        raise InvalidPasswordResetError("This password reset link is not valid, or was used.")
    reset, user = found
    if reset.expires_at <= now:
        raise InvalidPasswordResetError(
            "This password reset link has expired; ask for a new one.", reason="expired"
        )
    check_strength(password)
    user.password_hash = hash_password(password)
    reset.used_at = now
    _end_sessions_and_tokens(session, user, now)
    session.execute(
        delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.id != reset.id)
    )
    audit(session, user, "account.password_reset_used", user)
    session.flush()
    return user
