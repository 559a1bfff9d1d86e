"""/api/v1/reports/<id>/followers: a resident follows an open report instead of repeating it.

The answer is the same whether the address is new to the report, already follows it or made
it, so nobody learns from it who else follows a report.
"""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import db_session
from app.api.common import EmailAddress, request_language
from app.api.errors import problem, problem_doc
from app.i18n import LANGUAGES
from app.tickets import resident

blp = Blueprint(
    "followers",
    __name__,
    url_prefix="/reports",
    description="Follow a report someone else made (no account needed)",
)


class FollowRequestSchema(Schema):
    email = EmailAddress(required=True)
    language = fields.String(
        validate=validate.OneOf(LANGUAGES),
        metadata={"description": "Language of the emails; Accept-Language otherwise"},
    )


class FollowAcceptedSchema(Schema):
    message = fields.String(required=True)


@blp.errorhandler(resident.ReportClosedError)
def _closed(error: resident.ReportClosedError):
    return problem(409, error.title, error.detail, "report-closed")


@blp.route("/<uuid:report_id>/followers")
class ReportFollowers(MethodView):
    @blp.arguments(FollowRequestSchema)
    @blp.response(202, FollowAcceptedSchema)
    @blp.alt_response(404, **problem_doc("There is no such report"))
    @blp.alt_response(409, **problem_doc("The report is closed: make a new report instead"))
    def post(self, data, report_id: uuid.UUID):
        """Follow a report: an email with a private follow link goes to the address, once"""
        session = db_session()
        language = data.get("language") or request_language() or "fr"
        resident.follow(session, report_id, data["email"], language)
        session.commit()
        return {"message": "An email goes to this address unless it follows the report already."}
