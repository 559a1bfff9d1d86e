"""Protecting staff endpoints: who is calling (session cookie or bearer token) and may they.

Use in a flask-smorest blueprint, above the other decorators of the view so that the caller
is known before the request is parsed::

    from app.api.auth.guard import require, staff_required

    @blp.route("/<int:ticket_id>")
    class TicketById(MethodView):
        @staff_required(blp, "tickets.update")   # logged in, CSRF checked, may update somewhere
        @blp.arguments(TicketPatchSchema)
        @blp.response(200, TicketSchema)
        def patch(self, data, ticket_id):
            ticket = ...
            require("tickets.update", body_id=ticket.body_id, region_code=ticket.region_code)

`staff_required` also documents the operation's security schemes and its 401/403 problems.
"""

from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import current_app, g, request, session
from flask_smorest import abort

from app.accounts import access
from app.accounts.errors import CsrfTokenError, NotAuthenticatedError, PermissionDeniedError
from app.accounts.models import User
from app.accounts.services import end_session as end_staff_session
from app.accounts.services import open_session, user_for_session, user_for_token
from app.api.auth.schemas import SessionSchema
from app.api.common import JSON, stacked
from app.api.errors import problem_doc
from app.web import db_session

STAFF_SECURITY: list[dict[str, list[str]]] = [{"cookieAuth": []}, {"bearerAuth": []}]
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNSET = object()


def start_session(user: User) -> str:
    """Log `user` in on this client (the caller commits); returns the new CSRF token."""
    # A fresh session at each login: nothing from before the login carries over.
    session.clear()
    session.permanent = True
    # The cookie names a row of staff_sessions: the signed cookie alone is not enough, so
    # that a logout ends the session for every copy of the cookie.
    session["sid"] = open_session(db_session(), user, current_app.permanent_session_lifetime)
    session["csrf"] = secrets.token_urlsafe(32)
    g.staff = (user, "session")
    return session["csrf"]


def log_in(user: User) -> dict:
    """Log `user` in on this client, commit, and answer the session: the user and the CSRF
    token (after a login, an accepted invitation, a password reset)."""
    csrf = start_session(user)
    db_session().commit()
    return {"user": user, "csrf_token": csrf}


def require_json_body() -> None:
    """A 415 for a body sent to change something that is not JSON. A cross-site HTML form
    cannot send application/json: half of the CSRF defence of the logins. A request without
    a body (logout) has no type to check."""
    sent = request.mimetype or request.content_length
    if request.method in {"POST", "PUT", "PATCH"} and sent and request.mimetype != JSON:
        abort(415, message="Send JSON with Content-Type: application/json.")


def password_from_link(blp, body, unknown: str):
    """Decorator of a view where the holder of an emailed link (`body`: its token and the new
    password) chooses a password and is logged in; `unknown` describes its 400."""
    return stacked(
        blp.arguments(body),
        blp.response(200, SessionSchema),
        blp.alt_response(400, **problem_doc(unknown)),
        blp.alt_response(422, **problem_doc("Password too weak")),
    )


def end_session() -> None:
    """Log out on the server as well as in this client's cookie."""
    token = session.get("sid")
    if token:
        end_staff_session(db_session(), token)
        db_session().commit()
    session.clear()
    g.staff = (None, None)


def csrf_token() -> str | None:
    """The session's CSRF token (None for bearer-token callers, who need none)."""
    return session.get("csrf") if authenticated_by() == "session" else None


def _authenticate() -> tuple[User | None, str | None]:
    header = request.headers.get("Authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticatedError("Send the API token as `Authorization: Bearer <token>`.")
        user = user_for_token(db_session(), token.strip())
        if user is None:
            raise NotAuthenticatedError(
                "The API token is not valid, or was revoked.", auth_error="invalid_token"
            )
        # Keep the token's last use even when the request itself changes nothing.
        db_session().commit()
        return user, "token"
    sid = session.get("sid")
    if sid is None:
        return None, None
    user = user_for_session(db_session(), sid, current_app.permanent_session_lifetime)
    # Logged out, idle too long, deactivated, or the password changed: the row is gone.
    if user is None:
        session.clear()
        return None, None
    # Keep the session's last use, as for tokens.
    db_session().commit()
    return user, "session"


def _caller() -> tuple[User | None, str | None]:
    cached = g.get("staff", _UNSET)
    if cached is _UNSET:
        cached = g.staff = _authenticate()
    return cached


def current_staff() -> User | None:
    """The logged-in staff member of this request, or None."""
    return _caller()[0]


def signed_in_staff() -> User:
    """The staff member of a request that `staff_required` (or a scope check) let through."""
    user = current_staff()
    assert user is not None, "only called once the caller is known to be staff"
    return user


def authenticated_by() -> str | None:
    """ "session", "token" or None."""
    return _caller()[1]


def _check_csrf() -> None:
    if request.method in SAFE_METHODS or authenticated_by() != "session":
        return
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get("csrf", "")
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfTokenError(
            f"Send the CSRF token given at login in the {CSRF_HEADER} header with every "
            "request that changes something."
        )


def require_staff(action: str | None = None) -> User:
    """The logged-in caller (CSRF checked), who may do `action` somewhere if it is given."""
    user = current_staff()
    if user is None:
        raise NotAuthenticatedError("Log in, or send an API token, to use this operation.")
    _check_csrf()
    if action is not None and not access.can_anywhere(user, action):
        raise PermissionDeniedError("Your roles do not allow this operation.", action=action)
    return user


def require(action: str, *, body_id: int | None = None, region_code: str | None = None) -> User:
    """The caller, if they may do `action` on an object of this body/region; 403 otherwise."""
    user = require_staff()
    if not access.can(user, action, body_id=body_id, region_code=region_code):
        raise PermissionDeniedError(
            "Your roles do not allow this on an object of this body or region.", action=action
        )
    return user


def staff_required(blp, action: str | None = None):
    """Decorator of a staff view: authenticated, CSRF-checked, allowed `action`, documented."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            require_staff(action)
            return func(*args, **kwargs)

        wrapper = blp.doc(security=STAFF_SECURITY)(wrapper)
        wrapper = blp.alt_response(401, **problem_doc("Not logged in, or the token is invalid"))(
            wrapper
        )
        return blp.alt_response(
            403, **problem_doc("Not allowed, or the CSRF token is missing or invalid")
        )(wrapper)

    return decorator
