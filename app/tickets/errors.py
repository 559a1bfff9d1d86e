"""Errors of the ticket lifecycle; the API maps them to 409, 412 or 422 problems."""

from __future__ import annotations

from app.errors import PaveError


class InvalidTransitionError(PaveError):
    """The status cannot follow the current one; `extra["allowed"]` lists those that can."""

    code = "invalid-transition"
    title = "Status change not allowed"

    def __init__(self, detail: str, *, current: str, allowed: list[str]):
        super().__init__(detail, current=current, allowed=allowed)
        self.current = current
        self.allowed = allowed


class StaleVersionError(PaveError):
    """The client edited an older version of the ticket than the one stored."""

    code = "stale-version"
    title = "The ticket was changed by someone else"

    def __init__(self, detail: str, *, current_version: int | None):
        super().__init__(detail, current_version=current_version)
        self.current_version = current_version


class MissingReasonError(PaveError):
    code = "missing-reason"
    title = "A reason is required"


class MissingPlannedDateError(PaveError):
    code = "missing-planned-date"
    title = "A planned date is required"


class InvalidDuplicateError(PaveError):
    code = "invalid-duplicate"
    title = "Not a valid original report"


class InvalidTransferError(PaveError):
    code = "invalid-transfer"
    title = "Not a valid body to transfer to"


class ReopenWindowClosedError(PaveError):
    code = "reopen-window-closed"
    title = "Too late to reopen"


class InvalidPriorityError(PaveError):
    code = "invalid-priority"
    title = "Unknown priority"


class UnknownReferenceError(InvalidDuplicateError):
    """A short reference typed by hand that names no ticket the caller may read."""

    code = "unknown-reference"
    title = "No ticket with this reference"


class AmbiguousReferenceError(InvalidDuplicateError):
    """A short reference that several tickets the caller may read start with."""

    code = "ambiguous-reference"
    title = "Several tickets have this reference"


class InvalidAssigneeError(PaveError):
    """Someone a ticket may not be assigned to: not an active member of its body's crews."""

    code = "invalid-assignee"
    title = "Not someone who may work on this ticket"
