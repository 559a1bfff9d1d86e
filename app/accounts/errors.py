"""Errors of staff accounts and access; app/api/errors.py gives each its HTTP status."""

from __future__ import annotations

from app.errors import PaveError


class AuthenticationError(PaveError):
    """Unknown email, wrong password or inactive account: deliberately one error for all."""

    code = "authentication-failed"


class InvalidInvitationError(PaveError):
    """The invitation token is unknown, already used or expired."""

    code = "invalid-invitation"


class AccountExistsError(PaveError):
    code = "account-exists"


class WeakPasswordError(PaveError):
    code = "weak-password"


class GrantNotAllowedError(PaveError):
    """The acting user may not hand out this role in this scope (no escalation)."""

    code = "role-not-allowed"


class InvalidGrantError(PaveError):
    """The role and its scope do not fit together, or the scope does not exist."""

    code = "invalid-role-scope"


class InvitationConflictError(PaveError):
    """The email already has an account or a pending invitation: one error for both."""

    code = "email-in-use"


class NoPendingInvitationError(PaveError):
    """No pending invitation the caller may send again: unknown, accepted, or not theirs."""

    code = "no-pending-invitation"


class InvalidPasswordResetError(PaveError):
    """The password reset token is unknown, already used, expired, or its account is off."""

    code = "invalid-password-reset"


class AccountNotActiveError(PaveError):
    """The action needs an active account (a password reset of a deactivated one, say)."""

    code = "account-not-active"


class NotAuthenticatedError(PaveError):
    """Neither a session nor a valid API token: `extra["auth_error"]` names a bad token's
    fault for the WWW-Authenticate header (RFC 6750), never for the body."""

    code = "not-authenticated"


class PermissionDeniedError(PaveError):
    code = "forbidden"


class CsrfTokenError(PaveError):
    code = "csrf-token"


class TooManyAttemptsError(PaveError):
    """Past a limit of logins, follow requests or comments; `extra["retry_after"]` (seconds)
    is told in the Retry-After header."""

    code = "too-many-attempts"


class AccountActionNotAllowedError(PermissionDeniedError):
    """The acting user may not offboard this account or remove this grant."""
