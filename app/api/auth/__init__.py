"""Staff authentication over HTTP: session cookies with CSRF, bearer tokens, login limits."""

from __future__ import annotations

from flask import Flask

from app.accounts.errors import (
    AccountActionNotAllowedError,
    AccountExistsError,
    AccountNotActiveError,
    AuthenticationError,
    GrantNotAllowedError,
    InvalidGrantError,
    InvalidInvitationError,
    InvalidPasswordResetError,
    InvitationConflictError,
    NoPendingInvitationError,
    WeakPasswordError,
)
from app.api.auth import guard, ratelimit
from app.api.errors import domain_problem
from app.errors import PaveError

ERROR_STATUS: dict[type[PaveError], tuple[int, str]] = {
    **guard.ERROR_STATUS,
    AuthenticationError: (401, "authentication-failed"),
    InvalidInvitationError: (400, "invalid-invitation"),
    AccountExistsError: (409, "account-exists"),
    WeakPasswordError: (422, "weak-password"),
    GrantNotAllowedError: (403, "role-not-allowed"),
    InvalidGrantError: (422, "invalid-role-scope"),
    InvitationConflictError: (409, "email-in-use"),
    NoPendingInvitationError: (404, "no-pending-invitation"),
    AccountActionNotAllowedError: (403, "forbidden"),
    AccountNotActiveError: (409, "account-not-active"),
    InvalidPasswordResetError: (400, "invalid-password-reset"),
}


def init_app(app: Flask, api) -> None:
    """Register the auth blueprint, the login limits, the security schemes and the errors."""
    from app.api.auth.accounts import blp as accounts_blp
    from app.api.auth.routes import blp

    ratelimit.init_app(app)
    api.spec.components.security_scheme(
        "cookieAuth",
        {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]},
    )
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "An API token: pave_…"},
    )
    api.register_blueprint(blp, url_prefix="/api/v1/auth")
    api.register_blueprint(accounts_blp, url_prefix="/api/v1/auth")

    def handle(error: PaveError):
        status, slug = ERROR_STATUS[type(error)]
        extra = {k: v for k, v in error.extra.items() if k != "auth_error"}
        response = domain_problem(error, status, slug, extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = guard.www_authenticate(error)
        return response

    for error_class in ERROR_STATUS:
        app.register_error_handler(error_class, handle)
