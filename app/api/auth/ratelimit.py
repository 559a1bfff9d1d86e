"""Login rate limits (Flask-Limiter): per client address and per email, failures only."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded

from app.api.errors import problem

# Failed logins are what a brute force produces; a team logging in behind one office address
# at eight o'clock should not lock itself out by succeeding.
LOGIN_FAILED_STATUS = 401

limiter = Limiter(key_func=lambda: request.remote_addr or "unknown", strategy="moving-window")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_key() -> str:
    return f"login-address:{request.remote_addr or 'unknown'}"


def _email_key() -> str:
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    return f"login-email:{str(email).strip().lower() if email else ''}"


def _failed(response) -> bool:
    return response.status_code == LOGIN_FAILED_STATUS


def login_limits(view):
    """Decorate a login view: at most LOGIN_RATE_LIMIT failures per address and per email."""
    view = limiter.limit(_login_limit, key_func=_email_key, deduct_when=_failed)(view)
    return limiter.limit(_login_limit, key_func=_address_key, deduct_when=_failed)(view)


def init_app(app: Flask) -> None:
    # Each application gets its own storage: with memory:// that is a fresh count, which also
    # keeps tests (one app each) independent of one another.
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        current = limiter.current_limit
        # window[0] is when the oldest counted failure leaves the window.
        wait = max(1, math.ceil(current.window[0] - time.time())) if current else 60
        response = problem(
            429,
            "Too many attempts",
            f"Too many failed logins; try again in {wait} seconds.",
            "too-many-attempts",
        )
        response.headers["Retry-After"] = str(wait)
        return response
