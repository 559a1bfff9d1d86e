"""Waking the worker as soon as something is queued: PostgreSQL's LISTEN/NOTIFY.

A transaction that queues an email or a send to a body's system also runs
`pg_notify('pave_outbox', '')`; PostgreSQL delivers the notification when that transaction
commits, and never for one rolled back. The worker listens on a connection of its own and,
between two turns, waits for a notification or its poll interval, whichever comes first. So a
report reaches its body's system in the time of a send, not of a poll; the interval only bounds
how late a retry whose backoff ends, or a missed notification, is looked at.

Without that connection (the database down or restarting) the worker sleeps its interval as
before and connects again at the next wait.
"""

from __future__ import annotations

import contextlib
import threading
import time

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection

CHANNEL = "pave_outbox"
NOTIFY_SQL = text(f"SELECT pg_notify('{CHANNEL}', '')")
# How long one wait on the socket lasts at most, so that a stop request is seen promptly.
SLICE_S = 1.0


def notify(db: Connection) -> None:
    """Wake the workers when the caller's transaction commits."""
    db.execute(NOTIFY_SQL)


class Wakeup:
    """The worker's listening connection (libpq's, outside SQLAlchemy's pool)."""

    def __init__(self, url: URL):
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection: psycopg.Connection | None = None

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        """Return True when woken by a notification, False after `timeout` or a stop."""
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                connection = self._listening()
                for _ in connection.notifies(timeout=min(left, SLICE_S), stop_after=1):
                    return True
            except psycopg.Error:
                self.close()
                stop.wait(min(left, SLICE_S))
        return False

    def _listening(self) -> psycopg.Connection:
        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
            self.connection.execute(f"LISTEN {CHANNEL}")
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(psycopg.Error):
                self.connection.close()
            self.connection = None
