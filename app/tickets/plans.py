"""For when each planning of a ticket was: the follow page's history says it.

`reports.planned_for` holds only the last date given, and stays when the ticket moves on; the
audit log holds every one. Each move to "planned" gets the date that held while the ticket
stayed planned (the last one, if a crew changed it meanwhile).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import text
from sqlalchemy.engine import Connection

# The audit rows that move the status or the planned date, oldest first. An audit row names
# only what changed: a ticket planned again for the same day names no date.
PLAN_AUDIT_SQL = text(
    "SELECT after FROM audit_log WHERE report_id = :id "
    "AND (after ? 'status' OR after ? 'planned_for') ORDER BY id"
)


def planned_dates(db: Connection, report_id: uuid.UUID) -> list[dt.date | None]:
    """The date of each move to "planned" of the report, in the order of the moves."""
    dates: list[str | None] = []
    current: str | None = None
    planned = False
    for (after,) in db.execute(PLAN_AUDIT_SQL, {"id": report_id}):
        if "planned_for" in after:
            current = after["planned_for"]
            if planned and "status" not in after:
                dates[-1] = current
        if "status" in after:
            planned = after["status"] == "planned"
            if planned:
                dates.append(current)
    return [dt.date.fromisoformat(day) if day else None for day in dates]
