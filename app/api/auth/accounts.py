"""/api/v1/auth/accounts: offboarding staff (administrators, and managers for their bodies).

Deactivate an account, remove one of its grants, send it a one-time password reset link by
email, end all of its sessions and API tokens; each audited. And the public half of a
reset: `POST /api/v1/auth/password-reset` with the link's token and the new password.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.accounts import offboarding
from app.accounts.emails import send_password_reset
from app.api.auth.guard import (
    log_in,
    password_from_link,
    require_json_body,
    signed_in_staff,
)
from app.api.auth.schemas import GrantSchema, NewPasswordSchema, UserSchema
from app.api.common import NamesSchema
from app.api.schemas import list_of
from app.api.staff import staff_view
from app.web import db_session

blp = Blueprint(
    "staff_accounts", __name__, url_prefix="/auth", description="Staff accounts: offboarding"
)
# Managing accounts is for those who may invite someone: administrators and managers.
ACTION = "staff.invite"
blp.before_request(require_json_body)


class ManagedGrantSchema(GrantSchema):
    id = fields.Integer(required=True)
    body_code = fields.String(allow_none=True)
    body_names = fields.Nested(
        NamesSchema, allow_none=True, metadata={"description": "The body's name in each language"}
    )
    removable = fields.Boolean(required=True, metadata={"description": "May I remove it?"})


class AccountSchema(UserSchema):
    grants = fields.List(fields.Nested(ManagedGrantSchema), required=True)
    pending = fields.Boolean(
        required=True, metadata={"description": "Invited, has not chosen a password yet"}
    )
    manageable = fields.Boolean(
        required=True,
        metadata={"description": "May I deactivate it, end its sessions, reset its password?"},
    )


AccountListSchema = list_of(AccountSchema, key="accounts")


class PasswordResetSentSchema(Schema):
    expires_at = fields.DateTime(
        required=True, metadata={"description": "The emailed link works once, until then."}
    )


class PasswordResetSchema(NewPasswordSchema):
    """A password reset link's token and the new password."""


def _account(actor, user) -> dict:
    fields_ = ("id", "email", "name", "active", "created_at", "last_login_at")
    return {
        **{name: getattr(user, name) for name in fields_},
        "pending": user.password_hash is None and user.invitation_hash is not None,
        "manageable": offboarding.may_manage(actor, user),
        "grants": [
            {
                "id": grant.id,
                "role": grant.role,
                "body_id": grant.body_id,
                "body_code": grant.body.code if grant.body else None,
                "body_names": grant.body.names() if grant.body else None,
                "region_code": grant.region_code,
                "removable": offboarding.may_remove(actor, user, grant),
            }
            for grant in user.grants
        ],
    }


NO_ACCOUNT = ((404, "No such account"),)


def _offboard(user_id: int, change, *, check: bool = True) -> dict:
    """Make `change(session, actor, user)` to an account I may manage (`check=False`: any
    account, for `change` to check), commit, and answer the account as I now see it."""
    session, actor = db_session(), signed_in_staff()
    user = offboarding.account_for(session, actor, user_id, check=check)
    change(session, actor, user)
    session.commit()
    return _account(actor, user)


@blp.route("/accounts")
class Accounts(MethodView):
    @staff_view(blp, ACTION, AccountListSchema)
    def get(self):
        """The accounts I may manage: everyone's for administrators, my bodies' for managers"""
        actor = signed_in_staff()
        accounts = offboarding.manageable_accounts(db_session(), actor)
        return {"accounts": [_account(actor, user) for user in accounts]}


@blp.route("/accounts/<int:user_id>/deactivate")
class Deactivate(MethodView):
    @staff_view(blp, ACTION, AccountSchema, errors=NO_ACCOUNT)
    def post(self, user_id: int):
        """Deactivate an account: no more logins; its sessions and API tokens end at once"""
        return _offboard(user_id, offboarding.deactivate)


@blp.route("/accounts/<int:user_id>/grants/<int:grant_id>")
class GrantById(MethodView):
    @staff_view(blp, ACTION, AccountSchema, errors=((404, "No such account or grant"),))
    def delete(self, user_id: int, grant_id: int):
        """Remove one role of an account (only one I could have given)"""

        def remove(session, actor, user):
            offboarding.remove_grant(session, actor, user, grant_id)

        # Someone's grant of my body is mine to remove even when they have others elsewhere.
        return _offboard(user_id, remove, check=False)


@blp.route("/accounts/<int:user_id>/sessions")
class Sessions(MethodView):
    @staff_view(blp, ACTION, None, status=204, errors=NO_ACCOUNT)
    def delete(self, user_id: int):
        """End every session of an account and revoke its API tokens, at once"""
        _offboard(user_id, offboarding.end_sessions)


@blp.route("/accounts/<int:user_id>/password-reset")
class PasswordResetRequest(MethodView):
    @staff_view(
        blp,
        ACTION,
        PasswordResetSentSchema,
        status=202,
        errors=(*NO_ACCOUNT, (409, "The account is not active")),
    )
    def post(self, user_id: int):
        """Email the account's owner a one-time link to choose a new password"""
        session, actor = db_session(), signed_in_staff()
        user = offboarding.account_for(session, actor, user_id)
        # The link goes to the owner's mailbox only, never to the caller.
        _link, expires_at = send_password_reset(session, actor, user, current_app.config)
        session.commit()
        return {"expires_at": expires_at}


@blp.route("/password-reset")
class PasswordReset(MethodView):
    @password_from_link(blp, PasswordResetSchema, "Unknown, used or expired link")
    def post(self, data):
        """Choose a new password with an emailed reset link, and be logged in"""
        return log_in(offboarding.reset_password(db_session(), data["token"], data["password"]))
