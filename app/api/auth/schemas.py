"""Schemas of /api/v1/auth: login, the current user and their grants, tokens, invitations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.accounts.models import Role
from app.accounts.passwords import MAX_LENGTH
from app.api.common import EmailAddress, SingleLineText
from app.api.schemas import list_of, nullable_object

ROLES = [r.value for r in Role]


def _password() -> fields.String:
    """A password as sent, never shown back."""
    return fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=MAX_LENGTH)
    )


def _link_token() -> fields.String:
    """The token of an emailed one-time link (an invitation, a password reset)."""
    return fields.String(required=True, validate=validate.Length(min=1, max=200))


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = _password()


class GrantSchema(Schema):
    role = fields.String(required=True, metadata={"enum": ROLES})
    body_id = fields.Integer(allow_none=True)
    body_code: fields.Field = fields.Function(
        lambda grant: grant.body.code if grant.body else None,
        metadata={"type": "string", "nullable": True},
    )
    region_code = fields.String(allow_none=True)


class UserSchema(Schema):
    """A staff member as they and their managers see them: never a hash or a token."""

    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    last_login_at = fields.DateTime(allow_none=True)
    grants = fields.List(fields.Nested(GrantSchema), required=True)


class SessionSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    csrf_token = fields.String(
        allow_none=True,
        metadata={
            "description": "Send it in the X-CSRF-Token header of every request that changes "
            "something; null when authenticated by a bearer token, which needs none."
        },
    )


class TokenCreateSchema(Schema):
    name = SingleLineText(required=True, min_length=1, max_length=100)


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "pave_<prefix>_…"})
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(
        required=True,
        metadata={"description": "The token itself: shown this once, only its hash is kept."},
    )


TokenListSchema = list_of(TokenSchema, key="tokens")


class InvitationCreateSchema(Schema):
    # The invitation is emailed: the address is checked as strictly as a resident's.
    email = EmailAddress(required=True)
    name = SingleLineText(load_default="", person=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    body_id = fields.Integer(load_default=None, allow_none=True)
    region_code = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=10)
    )


class InvitationResendSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))


class InvitationSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    invitation_url = fields.String(
        required=True, metadata={"description": "Give it to the invited person; works once."}
    )
    expires_at = fields.DateTime(required=True)


class NewPasswordSchema(Schema):
    """An emailed link's token and the password its holder chooses."""

    token = _link_token()
    password = _password()


class InvitationAcceptSchema(NewPasswordSchema):
    name = SingleLineText(load_default=None, person=True)


class LinkStateQuerySchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["invitation", "reset"]))
    token = _link_token()


class LinkSenderSchema(Schema):
    name = fields.String(required=True)
    email = fields.String(required=True)


class LinkStateSchema(Schema):
    state = fields.String(
        required=True,
        validate=validate.OneOf(["valid", "expired", "used", "unknown"]),
        metadata={"description": "What the emailed link is now"},
    )
    name = fields.String(
        required=True, allow_none=True, metadata={"description": "The account's name, if valid"}
    )
    email = fields.String(
        required=True, allow_none=True, metadata={"description": "The account's email, if valid"}
    )
    ask = nullable_object(
        LinkSenderSchema, "Who sent the link, to ask for a new one; null: the manager"
    )
    body_names = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        allow_none=True,
        metadata={"description": "The account's body, in each language"},
    )
    expires_at = fields.DateTime(required=True, allow_none=True)
