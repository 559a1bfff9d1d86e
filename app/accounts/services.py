"""Staff account services: create, invite and accept, authenticate, API tokens, deactivate."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TypeGuard

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts import access
from app.accounts.errors import (
    AccountExistsError,
    AuthenticationError,
    GrantNotAllowedError,
    InvalidGrantError,
    InvalidInvitationError,
    InvitationConflictError,
    NoPendingInvitationError,
)
from app.accounts.models import BODY_ROLES, ApiToken, Role, RoleGrant, StaffSession, User
from app.accounts.passwords import check_strength, hash_password, verify_password
from app.bodies.models import Body
from app.errors import NotFoundError
from app.geo.models import Region

INVITATION_LIFETIME = dt.timedelta(days=7)
TOKEN_PREFIX = "pave_"
# Touching last_used_at (or a session's last_seen_at) on every call would turn each read into
# a write.
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)
# One message for every login failure, so that it tells nothing about which emails exist.
LOGIN_FAILED = "The email or the password is incorrect."
# One refusal for an email that has an account and for one that is only invited: a manager
# must not learn which of the two it is (nor hijack the pending invitation, issue 10).
INVITATION_CONFLICT = (
    "This email already has an account or a pending invitation. A pending invitation can be "
    "sent again by someone who may grant all of its roles."
)
NO_PENDING_INVITATION = "There is no pending invitation for this email that you may send again."


@dataclass(frozen=True)
class Grant:
    """A role and its scope, before it is given to someone."""

    role: Role
    body_id: int | None = None
    region_code: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    email = email.strip()
    if "@" not in email.strip("@") or len(email) > 254 or any(c.isspace() for c in email):
        raise InvalidGrantError(f"{email!r} is not an email address.")
    return email


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_grant(session: Session, grant: Grant) -> Grant:
    """The grant, if its scope fits its role and exists; InvalidGrantError otherwise."""
    role = Role(grant.role)
    if role in BODY_ROLES:
        if grant.body_id is None or grant.region_code is not None:
            raise InvalidGrantError(f"A {role.value} is given a body, and only a body.")
        if session.get(Body, grant.body_id) is None:
            raise InvalidGrantError(f"There is no body {grant.body_id}.")
    elif role is Role.REGION_REVIEWER:
        if grant.region_code is None or grant.body_id is not None:
            raise InvalidGrantError("A region reviewer is given a region, and only a region.")
        if session.get(Region, grant.region_code) is None:
            raise InvalidGrantError(f"There is no region {grant.region_code}.")
    elif grant.body_id is not None or grant.region_code is not None:
        raise InvalidGrantError("An administrator's role has no scope.")
    return Grant(role, grant.body_id, grant.region_code)


def grant_role(
    session: Session, user: User, grant: Grant, granted_by: User | None = None
) -> RoleGrant:
    """Give `user` the role (once: an existing identical grant is returned as it is)."""
    grant = check_grant(session, grant)
    for held in user.grants:
        if (held.role, held.body_id, held.region_code) == (
            grant.role.value,
            grant.body_id,
            grant.region_code,
        ):
            return held
    row = RoleGrant(
        role=grant.role.value,
        body_id=grant.body_id,
        region_code=grant.region_code,
        granted_by_id=granted_by.id if granted_by else None,
    )
    user.grants.append(row)
    session.flush()
    return row


def create_user(
    session: Session, email: str, password: str, name: str = "", grants: tuple[Grant, ...] = ()
) -> User:
    """An active user who can log in at once (the first administrator, tests)."""
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise AccountExistsError(f"An account for {email} already exists.")
    check_strength(password)
    user = User(email=email, name=name, password_hash=hash_password(password), active=True)
    session.add(user)
    session.flush()
    for grant in grants:
        grant_role(session, user, grant)
    return user


def invite(
    session: Session,
    email: str,
    grant: Grant,
    *,
    name: str = "",
    invited_by: User | None = None,
    now: dt.datetime | None = None,
) -> tuple[User, str]:
    """An inactive user with `grant` and a one-time token to choose a password; returns both.

    `invited_by` None means the command line, which the server's operator runs. An email
    that already has a user row (an account, or a pending invitation) is refused with one
    error, after the same work in both cases: a pending invitation is never renewed or
    extended here, so its link keeps exactly the roles it was made with. Sending it again is
    `resend_invitation`.
    """
    grant = check_grant(session, grant)
    if invited_by is not None and not access.can_grant(invited_by, grant.role, grant.body_id):
        raise GrantNotAllowedError(
            f"You may not make someone a {grant.role.value} in this scope.", role=grant.role.value
        )
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise InvitationConflictError(INVITATION_CONFLICT)
    user = User(email=email, name=name, active=False, invited_by_id=_id(invited_by))
    try:
        # Two invitations of the same new email at once: the unique index keeps one.
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise InvitationConflictError(INVITATION_CONFLICT) from None
    token = _new_invitation_token(user, now)
    grant_role(session, user, grant, granted_by=invited_by)
    return user, token


def _id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _new_invitation_token(user: User, now: dt.datetime | None) -> str:
    token = secrets.token_urlsafe(32)
    user.invitation_hash = sha256(token)
    user.invitation_expires_at = (now or _now()) + INVITATION_LIFETIME
    return token


def is_pending_invitation(user: User | None) -> TypeGuard[User]:
    return (
        user is not None
        and not user.active
        and user.password_hash is None
        and user.invitation_hash is not None
    )


def may_resend(actor: User | None, user: User) -> bool:
    """May `actor` send `user`'s pending invitation again? Only if they may grant all of it.

    None is the command line. A manager may thus send again the invitation of a crew member
    of their body, never one that carries a role they could not give themselves.
    """
    if not user.grants:
        return False
    if actor is None:
        return True
    return all(access.can_grant(actor, grant.role, grant.body_id) for grant in user.grants)


def resend_invitation(
    session: Session,
    email: str,
    *,
    sent_by: User | None = None,
    now: dt.datetime | None = None,
) -> tuple[User, str]:
    """A new token (and lifetime) for a pending invitation; the previous link stops working.

    The roles stay those of the invitation. Unknown emails, accounts already in use and
    invitations the caller may not send all get the same NoPendingInvitationError.
    """
    user = session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower()).with_for_update()
    )
    if not is_pending_invitation(user) or not may_resend(sent_by, user):
        raise NoPendingInvitationError(NO_PENDING_INVITATION)
    token = _new_invitation_token(user, now)
    session.flush()
    return user, token


def accept_invitation(
    session: Session,
    token: str,
    password: str,
    name: str | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Set the password of an invited user and activate them; the token works only once."""
    user = session.scalar(
        select(User).where(User.invitation_hash == sha256(token)).with_for_update()
    )
    if user is None or user.invitation_expires_at is None or not is_pending_invitation(user):
        raise InvalidInvitationError("This invitation link is not valid, or was already used.")
    if user.invitation_expires_at <= (now or _now()):
        raise InvalidInvitationError(
            "This invitation has expired; ask for a new one.", reason="expired"
        )
    check_strength(password)
    user.password_hash = hash_password(password)
    user.active = True
    # The hash stays (the password now marks it used): the link, clicked again, says so and
    # names the inviter (app/accounts/links.py). It can never be accepted twice.
    user.invitation_expires_at = None
    if name:
        user.name = name
    session.flush()
    return user


def authenticate(
    session: Session, email: str, password: str, now: dt.datetime | None = None
) -> User:
    """The active user with this email and password; AuthenticationError otherwise."""
    user = find_user_by_email(session, email)
    matches, new_hash = verify_password(user.password_hash if user else None, password)
    if user is None or not matches or not user.active:
        raise AuthenticationError(LOGIN_FAILED)
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = now or _now()
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password ends every session opened with the old one."""
    check_strength(password)
    user.password_hash = hash_password(password)
    end_all_sessions(session, user)


def deactivate_user(session: Session, user: User) -> None:
    """The user can no longer log in, and their open sessions and tokens stop working."""
    user.active = False
    end_all_sessions(session, user)


def open_session(
    session: Session, user: User, lifetime: dt.timedelta, now: dt.datetime | None = None
) -> str:
    """A new session of `user`; returns its token, for the (signed) cookie only.

    Sessions idle for longer than `lifetime` are removed on the way: their cookies have
    expired too, so nothing can use them any more.
    """
    now = now or _now()
    session.execute(delete(StaffSession).where(StaffSession.last_seen_at < now - lifetime))
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=sha256(token), user_id=user.id, last_seen_at=now))
    session.flush()
    return token


def user_for_session(
    session: Session, token: str, lifetime: dt.timedelta, now: dt.datetime | None = None
) -> User | None:
    """The active user of an open session, or None: logged out, idle too long, deactivated."""
    found = session.execute(
        select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == sha256(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = now or _now()
    if not user.active or row.last_seen_at < now - lifetime:
        return None
    if now - row.last_seen_at >= TOKEN_USE_RESOLUTION:
        row.last_seen_at = now
        session.flush()
    return user


def end_session(session: Session, token: str) -> None:
    """Log out: the session's row goes, so every copy of its cookie stops working at once."""
    session.execute(delete(StaffSession).where(StaffSession.token_hash == sha256(token)))


def end_all_sessions(session: Session, user: User) -> None:
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    session.flush()


def issue_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token of `user`; the clear token is returned here and never again."""
    prefix = secrets.token_hex(5)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user_id=user.id, name=name.strip() or "API token", prefix=prefix)
    row.token_hash = sha256(token)
    session.add(row)
    session.flush()
    return row, token


def user_for_token(session: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The active owner of a valid, unrevoked token; None for anything else."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
    row = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if row is None or not hmac.compare_digest(row.token_hash, sha256(token)):
        return None
    if row.revoked_at is not None or not row.user.active:
        return None
    now = now or _now()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
        session.flush()
    return row.user


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def revoke_token(
    session: Session, actor: User, token_id: int, now: dt.datetime | None = None
) -> ApiToken:
    """Revoke one of the actor's tokens (an administrator may revoke anyone's)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and not access.is_administrator(actor)):
        raise NotFoundError(f"There is no API token {token_id} of yours.")
    if row.revoked_at is None:
        row.revoked_at = now or _now()
        session.flush()
    return row
