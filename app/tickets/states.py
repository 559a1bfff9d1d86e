"""The ticket lifecycle: which status may follow which, and how each maps to Open311 and OSLO."""

from __future__ import annotations

from dataclasses import dataclass

from app.reports.states import Status, open311_status

# Statuses a crew may move a ticket to while someone is working on it. A transferred or
# reopened ticket lands with a body that must triage it again, so it offers the same moves.
_WORKING = frozenset(
    {
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.REJECTED,
        Status.DUPLICATE,
        Status.TRANSFERRED,
    }
)
_TRIAGE = frozenset({Status.ACKNOWLEDGED, Status.REJECTED, Status.DUPLICATE, Status.TRANSFERRED})

# The transition table: current status → statuses a member of staff may set next.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: _TRIAGE,
    Status.ACKNOWLEDGED: _WORKING,
    Status.PLANNED: _WORKING - {Status.PLANNED},
    Status.IN_PROGRESS: frozenset(
        {Status.PLANNED, Status.RESOLVED, Status.REJECTED, Status.TRANSFERRED}
    ),
    Status.RESOLVED: frozenset({Status.REOPENED}),
    Status.REJECTED: frozenset({Status.REOPENED}),
    Status.DUPLICATE: frozenset({Status.REOPENED}),
    Status.TRANSFERRED: _TRIAGE | _WORKING,
    Status.REOPENED: _TRIAGE | _WORKING,
}

# What a reporter may do without an account, through their private link: only say that a
# resolved problem is not fixed, and only for a while after it was resolved.
REPORTER_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RESOLVED: frozenset({Status.REOPENED}),
}
REPORTER_REOPEN_DAYS = 30

# Statuses whose change needs a reason that the resident will read.
REASON_REQUIRED = frozenset({Status.REJECTED, Status.TRANSFERRED})

# The order in which allowed transitions are listed: the lifecycle's own order.
_ORDER = list(Status)


def allowed_transitions(status: Status | str, *, by_reporter: bool = False) -> list[Status]:
    """The statuses that may follow `status`, in lifecycle order."""
    table = REPORTER_TRANSITIONS if by_reporter else TRANSITIONS
    allowed = table.get(Status(status), frozenset())
    return sorted(allowed, key=_ORDER.index)


def is_allowed(
    from_status: Status | str, to_status: Status | str, *, by_reporter: bool = False
) -> bool:
    return Status(to_status) in allowed_transitions(from_status, by_reporter=by_reporter)


@dataclass(frozen=True)
class OsloStatus:
    """A concept of the Flemish OSLO code list MeldingStatuswaarde."""

    uri: str
    label_nl: str


_OSLO = "https://data.vlaanderen.be/id/concept/MeldingStatuswaarde/"
INGEDIEND = OsloStatus(_OSLO + "511", "Ingediend")
TOEGEWEZEN = OsloStatus(_OSLO + "557", "Toegewezen aan")
IN_ONDERZOEK = OsloStatus(_OSLO + "496", "In onderzoek")
OPGELOST = OsloStatus(_OSLO + "133", "Opgelost")
AFGEWEZEN = OsloStatus(_OSLO + "475", "Afgewezen")
GESLOTEN = OsloStatus(_OSLO + "250", "Gesloten")
HERINGEDIEND = OsloStatus(_OSLO + "647", "Heringediend")

# OSLO has no "planned" or "in progress": both mean the handler is dealing with it ("In
# onderzoek"). A duplicate is closed without being handled on its own ("Gesloten"); a
# transfer assigns the ticket to another handler ("Toegewezen aan"); a reopened ticket was
# submitted again ("Heringediend"), which is what the reporter's "not fixed" does.
OSLO_STATUS: dict[Status, OsloStatus] = {
    Status.NEW: INGEDIEND,
    Status.ACKNOWLEDGED: TOEGEWEZEN,
    Status.PLANNED: IN_ONDERZOEK,
    Status.IN_PROGRESS: IN_ONDERZOEK,
    Status.RESOLVED: OPGELOST,
    Status.REJECTED: AFGEWEZEN,
    Status.DUPLICATE: GESLOTEN,
    Status.TRANSFERRED: TOEGEWEZEN,
    Status.REOPENED: HERINGEDIEND,
}


def oslo_status(status: Status | str) -> OsloStatus:
    return OSLO_STATUS[Status(status)]


__all__ = [
    "OSLO_STATUS",
    "REASON_REQUIRED",
    "REPORTER_REOPEN_DAYS",
    "TRANSITIONS",
    "OsloStatus",
    "allowed_transitions",
    "is_allowed",
    "open311_status",
    "oslo_status",
]
