"""Errors of staff accounts; app/api/auth maps each to an HTTP status and problem type."""

from __future__ import annotations

from app.errors import PaveError


class AuthenticationError(PaveError):
    """Unknown email, wrong password or inactive account: deliberately one error for all."""

    title = "Authentication failed"


class InvalidInvitationError(PaveError):
    """The invitation token is unknown, already used or expired."""

    title = "Invalid invitation"


class AccountExistsError(PaveError):
    title = "Account already exists"


class WeakPasswordError(PaveError):
    title = "Password too weak"


class GrantNotAllowedError(PaveError):
    """The acting user may not hand out this role in this scope (no escalation)."""

    title = "Role not allowed"


class InvalidGrantError(PaveError):
    """The role and its scope do not fit together, or the scope does not exist."""

    title = "Invalid role or scope"


class InvitationConflictError(PaveError):
    """The email already has an account or a pending invitation: one error for both."""

    title = "Email already in use"


class NoPendingInvitationError(PaveError):
    """No pending invitation the caller may send again: unknown, accepted, or not theirs."""

    title = "No invitation to send again"


class InvalidPasswordResetError(PaveError):
    """The password reset token is unknown, already used, expired, or its account is off."""

    title = "Invalid password reset link"


class AccountNotActiveError(PaveError):
    """The action needs an active account (a password reset of a deactivated one, say)."""

    title = "Account not active"


class AccountActionNotAllowedError(PaveError):
    """The acting user may not offboard this account or remove this grant."""

    title = "Not allowed"
