"""Staff users, their scoped role grants and their API tokens."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.bodies.models import Body
from app.db import Base


class Role(enum.StrEnum):
    CREW_MEMBER = "crew_member"
    COMMUNE_MANAGER = "commune_manager"
    REGION_REVIEWER = "region_reviewer"
    ADMINISTRATOR = "administrator"


# Roles whose scope is a body (a commune's, or any other, such as a region's road agency).
BODY_ROLES = frozenset({Role.CREW_MEMBER, Role.COMMUNE_MANAGER})
ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)
BODY_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in sorted(BODY_ROLES))
# Each role carries exactly the scope it needs: the database refuses a crew member without a
# body or an administrator limited to one region, whatever the code above it does.
GRANT_SCOPE_RULE = (
    f"(role IN ({BODY_ROLE_VALUES}) AND body_id IS NOT NULL AND region_code IS NULL) OR "
    "(role = 'region_reviewer' AND region_code IS NOT NULL AND body_id IS NULL) OR "
    "(role = 'administrator' AND body_id IS NULL AND region_code IS NULL)"
)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are stored as typed but compared without case: one account per mailbox.
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), server_default="")
    # None until an invited user chooses a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # SHA-256 of the one-time invitation token; cleared once the invitation is accepted.
    invitation_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invitation_expires_at: Mapped[dt.datetime | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    last_login_at: Mapped[dt.datetime | None]

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="RoleGrant.id",
        foreign_keys="RoleGrant.user_id",
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleGrant(Base):
    """One role held by a user, within one scope (a body, a region, or everything)."""

    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),
        CheckConstraint(GRANT_SCOPE_RULE, name="scope_matches_role"),
        # The same role twice in the same scope would only make revoking it ambiguous.
        Index(
            "uq_role_grants_user_role_scope",
            "user_id",
            "role",
            func.coalesce(text("body_id"), 0),
            func.coalesce(text("region_code"), ""),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), index=True
    )
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    body: Mapped[Body | None] = relationship(lazy="joined")


class StaffSession(Base):
    """A logged-in browser. Its cookie holds a random token; the row, only the token's SHA-256.

    The row is the session: deleting it (logout, a new password, deactivation) ends the
    session at once, even for a copy of the cookie that is still validly signed.
    """

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    # Moved forward at most once a minute; sessions idle longer than their lifetime are purged.
    last_seen_at: Mapped[dt.datetime] = mapped_column(server_default=func.now(), index=True)


class ApiToken(Base):
    """A bearer token of a machine client; only its SHA-256 is kept, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The token's first characters, stored in clear to find its row and to name it in lists.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class PasswordReset(Base):
    """A one-time link to choose a new password; only the token's SHA-256 is kept.

    Made by an administrator or the account's manager (or the command line) and emailed to
    the account's owner; it works once (`used_at`) and until `expires_at`.
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
