"""Schemas of /api/v1/follow: what a resident sees through their link, and what they send."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.common import NO_NUL, not_blank, plain_text
from app.api.reports.schemas import ReportSchema
from app.reports.states import Status
from app.tickets.states import REPORTER_REOPEN_DAYS

COMMENT_MAX = 5000
STATUSES = [s.value for s in Status]
WHO = ["reporter", "follower", "staff"]
# How app.follow.links reads the times of updates and history (pave_public_time).
PUBLISHED_TIME = "Exact on the reporter's link; elsewhere as published (to the hour if sensitive)"


class FollowUpdateSchema(Schema):
    author = fields.String(
        required=True, validate=validate.OneOf(WHO), metadata={"description": "Never a name"}
    )
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True, metadata={"description": PUBLISHED_TIME})
    public = fields.Boolean(
        required=True,
        metadata={
            "description": "false: a comment of this link's person that staff have not "
            "published; nobody else reads it"
        },
    )


class FollowHistorySchema(Schema):
    from_status = fields.String(allow_none=True, validate=validate.OneOf(STATUSES))
    to_status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    at = fields.DateTime(required=True, metadata={"description": PUBLISHED_TIME})
    by = fields.String(required=True, validate=validate.OneOf(["reporter", "staff"]))
    reason = fields.String(
        allow_none=True,
        metadata={
            "description": "The reason of a rejection or transfer: always to the reporter, "
            "to a follower when staff made it public"
        },
    )
    planned_for = fields.Date(
        allow_none=True,
        metadata={"description": 'For when the work was planned, on a move to "planned"'},
    )


class FollowOriginalSchema(Schema):
    id = fields.UUID(required=True)
    reference = fields.String(
        required=True, metadata={"description": "Its short reference, as emails write it"}
    )


class FollowSchema(Schema):
    report = fields.Nested(ReportSchema, required=True)
    planned_for = fields.Date(
        allow_none=True,
        metadata={"description": 'For when the work is planned; null unless "planned"'},
    )
    subscribed = fields.Boolean(
        required=True, metadata={"description": "Whether emails about this report still come"}
    )
    emails = fields.Boolean(
        required=True,
        metadata={
            "description": "Whether this link's person gave an email: the app's link of a "
            "reporter who left none hears nothing by email"
        },
    )
    can_reopen = fields.Boolean(
        required=True, metadata={"description": 'Whether "it is not fixed" is possible now'}
    )
    reopen_until = fields.DateTime(
        allow_none=True,
        metadata={
            "description": f"{REPORTER_REOPEN_DAYS} days after it was resolved; null unless "
            "resolved, and on a follower's link"
        },
    )
    is_reporter = fields.Boolean(
        required=True,
        metadata={
            "description": "The reporter's link: it may say fixed or not fixed; a follower's "
            "may not"
        },
    )
    merged_into = fields.UUID(
        allow_none=True,
        metadata={
            "description": "The original this report was merged into, its emails coming from it; "
            "null for an original the public may not read (not published yet, or sensitive)"
        },
    )
    original = fields.Nested(
        FollowOriginalSchema,
        allow_none=True,
        metadata={
            "description": "The original of a duplicate, when it is public and not sensitive "
            "(generalised); null otherwise, and when the report is no duplicate"
        },
    )
    updates = fields.List(fields.Nested(FollowUpdateSchema), required=True)
    history = fields.List(fields.Nested(FollowHistorySchema), required=True)


class FollowCommentSchema(Schema):
    body = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=COMMENT_MAX),
            not_blank,
            NO_NUL,
            plain_text,
        ],
    )


class FollowSaySchema(Schema):
    comment = fields.String(validate=[validate.Length(max=COMMENT_MAX), NO_NUL, plain_text])
