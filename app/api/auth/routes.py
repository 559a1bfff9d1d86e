"""/api/v1/auth: staff login and logout, who am I, API tokens and invitations."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from app.accounts import links, services
from app.accounts.emails import send_invitation
from app.accounts.models import Role
from app.api.auth.guard import (
    csrf_token,
    current_staff,
    end_session,
    log_in,
    password_from_link,
    require_json_body,
    require_staff,
    staff_required,
)
from app.api.auth.ratelimit import login_limits
from app.api.auth.schemas import (
    InvitationAcceptSchema,
    InvitationCreateSchema,
    InvitationResendSchema,
    InvitationSchema,
    LinkStateQuerySchema,
    LinkStateSchema,
    LoginSchema,
    SessionSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenListSchema,
)
from app.api.errors import problem_doc
from app.api.staff import staff_view
from app.web import db_session

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Staff accounts and access")
blp.before_request(require_json_body)


@blp.route("/login")
class Login(MethodView):
    @login_limits
    @blp.arguments(LoginSchema)
    @blp.response(200, SessionSchema)
    @blp.alt_response(401, **problem_doc("Wrong email or password (one message for both)"))
    @blp.alt_response(429, **problem_doc("Too many failed logins; see Retry-After"))
    @blp.alt_response(503, **problem_doc("The failed-login counter cannot be reached"))
    def post(self, data):
        """Log in with email and password; sets the session cookie"""
        return log_in(services.authenticate(db_session(), data["email"], data["password"]))


@blp.route("/logout")
class Logout(MethodView):
    @blp.response(204)
    @blp.alt_response(403, **problem_doc("The CSRF token is missing or invalid"))
    def post(self):
        """Log out: ends this session on the server, for every copy of its cookie"""
        if current_staff() is not None:
            # Only a real session is guarded: a forged logout is a nuisance, still refused.
            require_staff()
        end_session()


@blp.route("/me")
class Me(MethodView):
    @staff_required(blp)
    @blp.response(200, SessionSchema)
    def get(self):
        """The logged-in staff member, their roles and the session's CSRF token"""
        return {"user": current_staff(), "csrf_token": csrf_token()}


@blp.route("/tokens")
class Tokens(MethodView):
    @staff_required(blp)
    @blp.response(200, TokenListSchema)
    def get(self):
        """My API tokens (never the tokens themselves)"""
        return {"tokens": services.list_tokens(db_session(), current_staff())}

    @staff_required(blp)
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenCreatedSchema)
    def post(self, data):
        """Create an API token for a machine client; the token is shown only in this answer"""
        session = db_session()
        row, token = services.issue_token(session, current_staff(), data["name"])
        session.commit()
        fields = ("id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
        return {**{name: getattr(row, name) for name in fields}, "token": token}


@blp.route("/tokens/<int:token_id>")
class TokenById(MethodView):
    @staff_required(blp)
    @blp.response(204)
    @blp.alt_response(404, **problem_doc("No such token of yours"))
    def delete(self, token_id):
        """Revoke an API token; it stops working at once"""
        session = db_session()
        services.revoke_token(session, current_staff(), token_id)
        session.commit()


@blp.route("/invitations")
class Invitations(MethodView):
    @staff_view(
        blp,
        "staff.invite",
        InvitationSchema,
        status=201,
        body=InvitationCreateSchema,
        errors=(
            (409, "The email already has an account or a pending invitation"),
            (422, "The role and its scope do not fit"),
        ),
    )
    def post(self, data):
        """Invite a staff member: managers invite crew to their bodies, administrators anyone"""
        session = db_session()
        grant = services.Grant(Role(data["role"]), data["body_id"], data["region_code"])
        user, token = services.invite(
            session, data["email"], grant, name=data["name"], invited_by=current_staff()
        )
        return _send_invitation(session, user, token)


@blp.route("/invitations/resend")
class InvitationResend(MethodView):
    @staff_view(
        blp,
        "staff.invite",
        InvitationSchema,
        body=InvitationResendSchema,
        errors=((404, "No pending invitation for this email that you may send again"),),
    )
    def post(self, data):
        """Send a pending invitation again, with a new link (the previous one stops working).

        Only someone who may grant every role of the invitation may do it; the roles stay
        those of the invitation.
        """
        session = db_session()
        user, token = services.resend_invitation(session, data["email"], sent_by=current_staff())
        return _send_invitation(session, user, token)


def _send_invitation(session, user, token: str) -> dict:
    """Queue the invitation's email (in this transaction: no invitation without it), commit."""
    link = send_invitation(session, user, token)
    session.commit()
    return {"user": user, "invitation_url": link, "expires_at": user.invitation_expires_at}


@blp.route("/invitations/accept")
class InvitationAccept(MethodView):
    @password_from_link(blp, InvitationAcceptSchema, "Unknown, used or expired invitation")
    def post(self, data):
        """Accept an invitation: choose a password, and be logged in"""
        session = db_session()
        return log_in(
            services.accept_invitation(session, data["token"], data["password"], data["name"])
        )


@blp.route("/link-state")
class LinkState(MethodView):
    @blp.arguments(LinkStateQuerySchema)
    @blp.response(200, LinkStateSchema)
    @blp.alt_response(422, **problem_doc("Not a kind of link, or no token"))
    def post(self, data):
        """What an emailed invitation or password reset link is now, and whom to ask for another.

        For anyone holding the link (no login): valid, expired, used or unknown. A known link
        names the person who sent it, and only them; an unknown one tells nothing. The token
        travels in the body, never in an address that logs keep.
        """
        session = db_session()
        state = links.invitation_state if data["kind"] == "invitation" else links.reset_state
        return state(session, data["token"])
