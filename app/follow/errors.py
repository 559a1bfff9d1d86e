"""Errors of residents' follow links and requests; app/api/errors.py gives each its status."""

from __future__ import annotations

from app.accounts.login_throttle import ThrottleUnavailableError
from app.errors import PaveError
from app.problems import msg


class FollowLinkExpiredError(PaveError):
    code = "follow-link-expired"


class NotTheReporterError(PaveError):
    code = "not-the-reporter"


class AlreadyConfirmedError(PaveError):
    code = "follow-already-confirmed"


class FollowLimitsUnavailableError(ThrottleUnavailableError):
    """The counters of follow requests out of reach: those are refused, not logins."""

    code = "follow-limits-unavailable"

    def __init__(self):
        super().__init__(msg("limits.follow-unavailable"))


class CommentLimitsUnavailableError(ThrottleUnavailableError):
    """The counters of comments out of reach: those are refused, not logins."""

    code = "comment-limits-unavailable"

    def __init__(self):
        super().__init__(msg("limits.comment-unavailable"))
