"""Erasing what links a person to a report, PRIVACY_RETENTION_DAYS after its ticket closed.

What goes: the reporter's name, email and phone; the creation's Idempotency-Key and request
fingerprint (a hash of the request, name and email included, that would confirm a guess);
the follow links and followers' addresses; every email the outbox kept about the report;
the phone's own ids of its photos (`client_photo_id`, made of the creation key). What stays
is the ticket itself, as open data and the statistics show it: its category, place, text,
photos, status history and audit trail. The audit log never held contact details (it records
what changed on the ticket) and stays append-only.

Whatever the ticket: a follow request nobody confirmed is erased once it expired, with its
confirmation email; the address was never the person's to give, and nothing else was sent to
it. Outside reports: emails sent with no report (digests, staff invitations) are erased once
as old as the period, and login throttle counters once they expire.

Only closed tickets are touched: an open one may still need its reporter. A ticket closed
since the period and reopened later is open again, so it is left alone. The purge works in
batches of reports, one transaction each, skipping rows another transaction holds: it can run
beside the web server and the worker, be stopped at any time, and be run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from app.reports.states import CLOSED_STATUSES

# The period's default: the follow link's own (FOLLOW_LINK_EXPIRY_DAYS), so that no link a
# resident may still use loses what it shows, and the 30 days to say "not fixed" are inside.
DEFAULT_RETENTION_DAYS = 180
BATCH_SIZE = 500
ERASED_PREFIX = "erased:"

# A closed report whose closing is older than the period and which still holds personal data.
# "Closed since" is its last move to its current status (or its last update, for an imported
# ticket without history). Later reports are locked, not waited for.
HOLDS_PERSONAL_DATA = """
    (r.reporter_name IS NOT NULL OR r.reporter_email IS NOT NULL
     OR r.reporter_phone IS NOT NULL OR r.idempotency_key IS NOT NULL
     OR r.request_fingerprint IS NOT NULL
     OR EXISTS (SELECT 1 FROM resident_follow_tokens t WHERE t.report_id = r.id)
     OR EXISTS (SELECT 1 FROM report_followers f WHERE f.report_id = r.id)
     OR EXISTS (SELECT 1 FROM outbox_messages m WHERE m.report_id = r.id)
     OR EXISTS (SELECT 1 FROM photos p WHERE p.report_id = r.id
                AND p.client_photo_id NOT LIKE 'erased:%'))
"""
DUE = (
    """
    FROM reports r
    WHERE r.status = ANY(:closed)
      AND coalesce((SELECT max(h.at) FROM report_status_changes h
                    WHERE h.report_id = r.id AND h.to_status = r.status), r.updated_at)
          < now() - make_interval(days => :days)
      AND """
    + HOLDS_PERSONAL_DATA
)
DUE_BATCH_SQL = text(
    "SELECT r.id " + DUE + " ORDER BY r.id LIMIT :batch FOR UPDATE OF r SKIP LOCKED"
)
COUNTS_SQL = text(
    f"""
    WITH due AS (SELECT r.id {DUE})
    SELECT
      (SELECT count(*) FROM due) AS reports,
      (SELECT count(*) FROM resident_follow_tokens WHERE report_id IN (SELECT id FROM due))
        AS follow_links,
      (SELECT count(*) FROM report_followers WHERE report_id IN (SELECT id FROM due))
        AS followers,
      (SELECT count(*) FROM outbox_messages WHERE report_id IN (SELECT id FROM due))
        AS report_emails,
      (SELECT count(*) FROM photos WHERE report_id IN (SELECT id FROM due)
         AND client_photo_id NOT LIKE 'erased:%') AS photo_ids,
      (SELECT count(*) FROM outbox_messages WHERE report_id IS NULL
         AND coalesce(sent_at, failed_at) < now() - make_interval(days => :days))
        AS other_emails,
      (SELECT count(*) FROM report_followers WHERE confirmed_at IS NULL
         AND confirm_expires_at < now()) AS unconfirmed_followers,
      (SELECT count(*) FROM login_throttle WHERE expires_at < now()) AS login_counters
    """
)

ERASE_SQL = [
    text(
        "UPDATE reports SET reporter_name = NULL, reporter_email = NULL, reporter_phone = NULL, "
        "idempotency_key = NULL, request_fingerprint = NULL WHERE id = ANY(:ids)"
    ),
    text("DELETE FROM resident_follow_tokens WHERE report_id = ANY(:ids)"),
    text("DELETE FROM report_followers WHERE report_id = ANY(:ids)"),
    text("DELETE FROM outbox_messages WHERE report_id = ANY(:ids)"),
    # Kept unique per report (the constraint), and no longer the phone's own id.
    text(
        "UPDATE photos SET client_photo_id = 'erased:' || id "
        "WHERE report_id = ANY(:ids) AND client_photo_id NOT LIKE 'erased:%'"
    ),
]
OTHER_EMAILS_SQL = text(
    """
    DELETE FROM outbox_messages WHERE id IN (
        SELECT id FROM outbox_messages WHERE report_id IS NULL
          AND coalesce(sent_at, failed_at) < now() - make_interval(days => :days)
        ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED)
    """
)
# Expired requests that were never confirmed, and the confirmation emails sent for them.
UNCONFIRMED_FOLLOWERS_SQL = text(
    """
    WITH gone AS (
        DELETE FROM report_followers WHERE id IN (
            SELECT id FROM report_followers
             WHERE confirmed_at IS NULL AND confirm_expires_at < now()
             ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED)
        RETURNING report_id, email)
    , emails AS (
        DELETE FROM outbox_messages m USING gone
         WHERE m.report_id = gone.report_id AND lower(m.recipient) = gone.email
           AND m.kind = 'resident_follow_confirm'
        RETURNING m.id)
    SELECT count(*) FROM gone
    """
)
LOGIN_COUNTERS_SQL = text(
    """
    DELETE FROM login_throttle WHERE key IN (
        SELECT key FROM login_throttle WHERE expires_at < now()
        ORDER BY key LIMIT :batch FOR UPDATE SKIP LOCKED)
    """
)


@dataclass
class PurgeCounts:
    """What a purge erased, or with --dry-run what it would erase."""

    reports: int = 0
    follow_links: int = 0
    followers: int = 0
    report_emails: int = 0
    photo_ids: int = 0
    other_emails: int = 0
    unconfirmed_followers: int = 0
    login_counters: int = 0

    def lines(self) -> list[str]:
        return [f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}" for f in fields(self)]


def _closed() -> list[str]:
    return sorted(status.value for status in CLOSED_STATUSES)


def due_counts(db: Connection, days: int) -> PurgeCounts:
    """What a purge would erase now, without erasing it (--dry-run)."""
    row = db.execute(COUNTS_SQL, {"closed": _closed(), "days": days}).one()
    return PurgeCounts(**row._asdict())


def purge(
    engine: Engine,
    days: int,
    *,
    batch: int = BATCH_SIZE,
    progress: Callable[[PurgeCounts], None] = lambda counts: None,
) -> PurgeCounts:
    """Erase what is due, batch by batch, each in its own transaction; what was erased."""
    if days < 0:
        raise ValueError("The retention period is a number of days, 0 or more.")
    total = PurgeCounts()
    params = {"closed": _closed(), "days": days, "batch": batch}
    seen: set = set()
    while True:
        with engine.begin() as db:
            ids = list(db.execute(DUE_BATCH_SQL, params).scalars())
            # A report erased already and due again was given new data meanwhile (an email
            # queued by a concurrent change): the next run takes it, this one ends.
            if not ids or seen.issuperset(ids):
                break
            seen.update(ids)
            counts = [db.execute(sql, {"ids": ids}).rowcount for sql in ERASE_SQL]
        total.reports += len(ids)
        total.follow_links += counts[1]
        total.followers += counts[2]
        total.report_emails += counts[3]
        total.photo_ids += counts[4]
        progress(total)
    steps = (
        (OTHER_EMAILS_SQL, "other_emails"),
        (UNCONFIRMED_FOLLOWERS_SQL, "unconfirmed_followers"),
        (LOGIN_COUNTERS_SQL, "login_counters"),
    )
    for sql, name in steps:
        while True:
            with engine.begin() as db:
                result = db.execute(sql, params)
                erased = result.scalar_one() if result.returns_rows else result.rowcount
            setattr(total, name, getattr(total, name) + erased)
            if erased < batch:
                break
    return total


@dataclass
class DailyPurge:
    """When a worker purges: on its first turn, then once each (UTC) day. Two workers, or a
    restart, may purge twice in a day: harmless, the second finds nothing due."""

    days: int
    done_for: dt.date | None = None

    def run(self, engine: Engine, today: dt.date | None = None) -> PurgeCounts | None:
        """Purge if not done today; what was erased, or None when it was not due."""
        today = today or dt.datetime.now(dt.UTC).date()
        if today == self.done_for:
            return None
        counts = purge(engine, self.days)
        self.done_for = today
        return counts
