"""Staff authentication over HTTP: session cookies with CSRF, bearer tokens, login limits."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask, api) -> None:
    """Register the auth blueprint and the security schemes (app/api/errors.py answers the
    errors)."""
    from app.api.auth.accounts import blp as accounts_blp
    from app.api.auth.routes import blp

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
