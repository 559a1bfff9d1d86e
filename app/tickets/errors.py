"""Errors of the ticket lifecycle; the API maps them to 409, 412 or 422 problems."""

from __future__ import annotations

from app.errors import PaveError


class InvalidTransitionError(PaveError):
    """The status cannot follow the current one; `extra["allowed"]` lists those that can."""

    code = "invalid-transition"

    def __init__(self, detail: str, *, current: str, allowed: list[str]):
        super().__init__(detail, current=current, allowed=allowed)
        self.current = current
        self.allowed = allowed


class StaleVersionError(PaveError):
    """The client edited an older version of the ticket than the one stored."""

    code = "stale-version"

    def __init__(self, detail: str, *, current_version: int | None):
        super().__init__(detail, current_version=current_version)
        self.current_version = current_version


class MissingReasonError(PaveError):
    code = "missing-reason"


class MissingPlannedDateError(PaveError):
    code = "missing-planned-date"


class InvalidDuplicateError(PaveError):
    code = "invalid-duplicate"


class InvalidTransferError(PaveError):
    code = "invalid-transfer"


class ReopenWindowClosedError(PaveError):
    code = "reopen-window-closed"


class InvalidPriorityError(PaveError):
    code = "invalid-priority"


class UnknownReferenceError(InvalidDuplicateError):
    """A short reference typed by hand that names no ticket the caller may read."""

    code = "unknown-reference"


class AmbiguousReferenceError(InvalidDuplicateError):
    """A short reference that several tickets the caller may read start with."""

    code = "ambiguous-reference"


class InvalidAssigneeError(PaveError):
    """Someone a ticket may not be assigned to: not an active member of its body's crews."""

    code = "invalid-assignee"
