"""Report statuses and priorities, and how statuses map to Open311's open/closed."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    TRANSFERRED = "transferred"
    REOPENED = "reopened"


CLOSED_STATUSES = frozenset({Status.RESOLVED, Status.REJECTED, Status.DUPLICATE})
OPEN_STATUSES = frozenset(Status) - CLOSED_STATUSES


def open311_status(status: Status | str) -> str:
    """Open311 GeoReport v2 only knows 'open' and 'closed'."""
    return "closed" if Status(status) in CLOSED_STATUSES else "open"


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
