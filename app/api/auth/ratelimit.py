"""Login limits, shared by every process (app/accounts/login_throttle.py keeps the counts).

Two counters per attempt, failures only:
- per email and client address together, LOGIN_RATE_LIMIT failures (e.g. "5 per minute"),
  then an exponential backoff up to LOGIN_BACKOFF_MAX seconds: a stranger failing logins
  against a colleague's email slows only themselves down, never the colleague elsewhere;
- per client address, LOGIN_ADDRESS_RATE_LIMIT failures whatever the email, against
  password spraying (one address trying one password on many emails).
The counts live in PostgreSQL, or in Redis when REDIS_URL is set; never in one process.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, request
from limits import parse

from app.accounts.errors import AuthenticationError, TooManyAttemptsError
from app.accounts.login_throttle import (
    PostgresStore,
    RedisStore,
    Rule,
    ThrottleUnavailableError,
)

EXTENSION = "pave_login_throttle"
# What a failed login answers (AuthenticationError); anything else is not a failure.
LOGIN_FAILED_STATUS = 401


def rule(setting: str, **kwargs) -> Rule:
    """A Rule from a setting written as flask-limiter writes limits ("5 per minute")."""
    item = parse(current_app.config[setting])
    return Rule(amount=item.amount, window=float(item.get_expiry()), **kwargs)


def digest(*parts: str) -> str:
    # The email never reaches the store as such; a hash also keeps any byte out of its keys.
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _counters() -> dict[str, Rule]:
    address = request.remote_addr or "unknown"
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    email = str(email).strip().lower() if email else ""
    pair = rule(
        "LOGIN_RATE_LIMIT",
        backoff=True,
        max_wait=float(current_app.config["LOGIN_BACKOFF_MAX"]),
        reset_on_success=True,
    )
    return {
        f"pair:{digest(email, address)}": pair,
        f"address:{digest(address)}": rule("LOGIN_ADDRESS_RATE_LIMIT"),
    }


def store():
    """This application's store: Redis if REDIS_URL is set, PostgreSQL otherwise."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        from app.web import get_database

        url = current_app.config.get("REDIS_URL")
        if url:
            found = RedisStore(url, current_app.config["LOGIN_THROTTLE_REDIS_PREFIX"])
        else:
            found = PostgresStore(get_database(current_app).sessionmaker)
        current_app.extensions[EXTENSION] = found
    return found


def login_limits(view):
    """Decorate a login view: refused with 429 once its counters hold logins back."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        counters = _counters()
        wait = store().attempt(counters)
        if wait:
            raise TooManyAttemptsError(
                f"Too many failed logins from this address; try again in {wait} seconds.",
                retry_after=wait,
            )
        failed = False
        try:
            response = view(*args, **kwargs)
            failed = getattr(response, "status_code", 200) == LOGIN_FAILED_STATUS
            return response
        except AuthenticationError:
            failed = True
            raise
        finally:
            if not failed:
                # Counted in advance; a login that did not fail is given back.
                try:
                    store().release(counters)
                except ThrottleUnavailableError:
                    current_app.logger.exception("login counts: a success not given back")

    return wrapper
