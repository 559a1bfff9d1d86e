"""/api/v1/follow/<token>: a resident follows their report, comments, reopens, unsubscribes.

The token is the credential: a forged or unknown one is a 404, one whose report was closed
too long ago a 410. Nothing here needs a login, so nothing here shows more than the public,
besides what the link's own person wrote (comments not yet published) and, to the reporter,
their report as they sent it and the reasons staff gave them. Only the reporter's link says
fixed or not fixed (403 for a follower's).
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import request_language, stacked
from app.api.errors import problem_doc
from app.api.follow.limits import check_comment
from app.api.follow.schemas import (
    FollowCommentSchema,
    FollowSaySchema,
    FollowSchema,
    FollowUpdateSchema,
)
from app.api.photos.setup import photo_url
from app.api.reports.routes import report_view
from app.follow import links as resident
from app.media.views import photos_for_report
from app.reports.queries import get_own_report, get_report
from app.web import db_session

blp = Blueprint(
    "follow",
    __name__,
    url_prefix="/follow",
    description="A resident's private link to their report (no account needed)",
)

NOT_FOUND = problem_doc("The link is not valid")
TOO_MANY_COMMENTS = problem_doc("Too many comments on this report from this address")
EXPIRED = problem_doc("The report was closed too long ago: the link has expired")
NOT_REPORTER = problem_doc("A follower's link: only the reporter's may do this")


@blp.after_request
def _private(response):
    # The token is in the address: no shared cache may keep the page, no link may leak it.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _follower(session, token: str) -> resident.Follower:
    days = current_app.config["FOLLOW_LINK_EXPIRY_DAYS"]
    return resident.find(session, token, expiry_days=days)


def _who(author: str) -> str:
    # Staff sign with their account or system name; never shown to residents.
    return author if author in ("reporter", "follower") else "staff"


def _update(update) -> dict:
    return {
        "author": _who(update.author),
        "body": update.body,
        "created_at": update.created_at,
        "public": update.public,
    }


def follow_view(session, token: str) -> dict:
    """The follow page's data: the report and its public timeline.

    The reporter reads their report as they sent it (exact place and times, their own text,
    published or not); anyone else who follows it reads the public projection, as published.
    """
    follower = _follower(session, token)
    if follower.is_reporter:
        report = get_own_report(session, follower.report_id)
    else:
        report = get_report(session, follower.report_id)
    photos = photos_for_report(session, follower.report_id, photo_url)
    timeline = resident.timeline(session, follower)
    plans = iter(timeline.plans)
    original = resident.public_original(session, follower)
    return {
        "report": report_view(report, request_language(), photos),
        "planned_for": follower.planned_for,
        "subscribed": not follower.unsubscribed,
        # The phone's own link of a reporter who left no email (app.follow.phone_link).
        "emails": bool(follower.email),
        "can_reopen": follower.can_reopen and follower.is_reporter,
        # Counted from the exact moment it was resolved: the reporter's to know, no one else's.
        "reopen_until": follower.reopen_until if follower.is_reporter else None,
        # Never the id of an original the public may not read (hidden, or generalised).
        "merged_into": original,
        "original": original and {"id": original, "reference": str(original)[:8]},
        "is_reporter": follower.is_reporter,
        "updates": [_update(u) for u in timeline.updates],
        "history": [
            {
                "from_status": h.from_status,
                "to_status": h.to_status,
                "at": h.at,
                "by": "reporter" if h.by_reporter else "staff",
                "reason": h.reason,
                "planned_for": next(plans, None) if h.to_status == "planned" else None,
            }
            for h in timeline.history
        ],
    }


def _say(token: str, data: dict, say) -> dict:
    """The reporter says fixed or not fixed (`say`), with an optional comment."""
    session = db_session()
    follower = _follower(session, token)
    if data.get("comment"):
        check_comment(follower.report_id, follower.email)
    say(session, follower, data.get("comment"))
    session.commit()
    return follow_view(session, token)


def _saying(*problems):
    """What fixed and not fixed declare alike: the optional comment, the follow view as the
    answer, and the problems of the reporter's link (and `problems`, their own)."""
    return stacked(
        blp.arguments(FollowSaySchema, required=False),
        blp.response(200, FollowSchema),
        blp.alt_response(403, **NOT_REPORTER),
        blp.alt_response(404, **NOT_FOUND),
        *problems,
        blp.alt_response(410, **EXPIRED),
        blp.alt_response(429, **TOO_MANY_COMMENTS),
    )


@blp.route("/<string:token>")
class Follow(MethodView):
    @blp.response(200, FollowSchema)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(410, **EXPIRED)
    def get(self, token: str):
        """The resident's report: its public view, public updates and status history"""
        return follow_view(db_session(), token)


@blp.route("/<string:token>/comments")
class FollowComments(MethodView):
    @blp.arguments(FollowCommentSchema)
    @blp.response(201, FollowUpdateSchema)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(410, **EXPIRED)
    @blp.alt_response(429, **TOO_MANY_COMMENTS)
    def post(self, data, token: str):
        """Add a comment for staff, who may publish it; until then only its author reads it"""
        session = db_session()
        follower = _follower(session, token)
        check_comment(follower.report_id, follower.email)
        body = data["body"].strip()
        update_id = resident.comment(session, follower, body)
        (update,) = [u for u in resident.timeline(session, follower).updates if u.id == update_id]
        session.commit()
        return _update(update)


@blp.route("/<string:token>/fixed")
class FollowFixed(MethodView):
    @_saying()
    def post(self, data, token: str):
        """Say that the problem is fixed (the reporter's link only)"""
        return _say(token, data, resident.say_fixed)


@blp.route("/<string:token>/not-fixed")
class FollowNotFixed(MethodView):
    @_saying(
        blp.alt_response(409, **problem_doc("The report is not resolved, so it cannot reopen")),
        blp.alt_response(
            422, **problem_doc("Resolved over 30 days ago: too late to reopen, make a new report")
        ),
    )
    def post(self, data, token: str):
        """Say that the problem is not fixed: reopens a report resolved in the last 30 days"""
        return _say(token, data, resident.say_not_fixed)


@blp.route("/<string:token>/unsubscribe")
class FollowUnsubscribe(MethodView):
    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(410, **EXPIRED)
    def post(self, token: str):
        """Receive no more emails about this report (the link keeps working)"""
        session = db_session()
        resident.unsubscribe(session, _follower(session, token))
        session.commit()
