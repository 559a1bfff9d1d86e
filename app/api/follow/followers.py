"""/api/v1/reports/<id>/followers: a resident asks to follow an open report instead of
repeating it; /api/v1/follow-confirmations/<token>: they confirm from the email's link.

The answer to a request is the same whether the address is new to the report, already
follows it, asked already or made it, so nobody learns from it who else follows a report.
Requests are limited per address and per client (app/api/follow/limits.py).
"""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.common import EmailAddress, request_language
from app.api.errors import problem_doc
from app.api.follow.limits import check_follow_request
from app.follow import followers as following
from app.i18n import LANGUAGES
from app.web import db_session

blp = Blueprint(
    "followers",
    __name__,
    url_prefix="/reports",
    description="Follow a report someone else made (no account needed)",
)
confirmations = Blueprint(
    "follow_confirmations",
    __name__,
    url_prefix="/follow-confirmations",
    description="Confirm a request to follow a report, from the link of its email",
)


class FollowRequestSchema(Schema):
    email = EmailAddress(required=True)
    language = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of the emails; Accept-Language otherwise"},
    )


class FollowAcceptedSchema(Schema):
    message = fields.String(required=True)


class FollowConfirmedSchema(Schema):
    token = fields.String(
        required=True,
        metadata={"description": "The follower's own follow link's token (/follow/<token>)"},
    )


@confirmations.after_request
def _private(response):
    # The token is in the address and in the answer: nothing on the way may keep either.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.route("/<uuid:report_id>/followers")
class ReportFollowers(MethodView):
    @blp.arguments(FollowRequestSchema)
    @blp.response(202, FollowAcceptedSchema)
    @blp.alt_response(404, **problem_doc("There is no such report"))
    @blp.alt_response(409, **problem_doc("The report is closed: make a new report instead"))
    @blp.alt_response(429, **problem_doc("Too many requests for this address or from this client"))
    def post(self, data, report_id: uuid.UUID):
        """Ask to follow a report: one email goes to the address, asking it to confirm"""
        check_follow_request(data["email"])
        session = db_session()
        language = data.get("language") or request_language() or "fr"
        following.request(session, report_id, data["email"], language)
        session.commit()
        return {
            "message": "Unless this address follows the report already, an email asks it to "
            f"confirm within {following.CONFIRM_HOURS} hours; nothing else is sent before."
        }


@confirmations.route("/<string:token>")
class FollowConfirmation(MethodView):
    @confirmations.response(201, FollowConfirmedSchema)
    @confirmations.alt_response(404, **problem_doc("Unknown or expired confirmation"))
    @confirmations.alt_response(
        409, **problem_doc("Confirmed already, or the report was closed in the meantime")
    )
    def post(self, token: str):
        """Confirm the request: the address follows the report, with a link of its own"""
        session = db_session()
        follow_token = following.confirm(session, token)
        session.commit()
        return {"token": follow_token}
