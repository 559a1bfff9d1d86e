"""The nightly snapshot: the worker writes the snapshot files once a day from SNAPSHOT_HOUR.

The day written is read back from the manifest (its `day`), not kept in memory: a worker that
restarts at 05:00 does not write the day's snapshot again, and one that was down at the hour
writes it when it comes back. A failed snapshot is tried again an hour later, not every turn.

The work takes minutes at national scale (at 300,000 reports: about two minutes, mostly
PostgreSQL building the anonymised rows), so the worker runs it in a thread of its own
(`NightlySnapshots`) and goes on draining the outbox meanwhile: the thread mostly waits for
PostgreSQL and GDAL writes in C, so both share the process' GIL without slowing each other
much, and an email queued at 03:01 still leaves within seconds. A lock on the directory (in
app.opendata.snapshot) keeps two workers from writing at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

from app.opendata.snapshot import Snapshot, write_snapshot
from app.opendata.snapshot_files import read_manifest

RETRY_AFTER = dt.timedelta(hours=1)


@dataclass
class DailySnapshots:
    """When the snapshot is due: from `hour` o'clock in `timezone`, once per local day."""

    directory: Path
    hour: int
    timezone: str = "Europe/Brussels"
    failed_at: dt.datetime | None = None

    def due(self, now: dt.datetime | None = None) -> dt.date | None:
        """The local day whose snapshot is due at `now` (default: now), or None."""
        now = now or dt.datetime.now(dt.UTC)
        local = now.astimezone(ZoneInfo(self.timezone))
        if local.hour < self.hour:
            return None
        if self.failed_at is not None and now - self.failed_at < RETRY_AFTER:
            return None
        written = read_manifest(self.directory).get("day")
        if written and dt.date.fromisoformat(written) >= local.date():
            return None
        return local.date()


@dataclass
class NightlySnapshots:
    """The worker's side: starts the day's snapshot in a thread when it is due.

    `poll()` is called on each turn of the worker's loop and returns at once; `report` hears
    of each finished snapshot (a Snapshot, or the exception that stopped it).
    """

    app: Flask
    schedule: DailySnapshots
    stopping: Callable[[], bool]
    report: Callable[[Snapshot | BaseException], None]
    thread: threading.Thread | None = field(default=None, init=False)

    def poll(self, now: dt.datetime | None = None) -> bool:
        """Start the snapshot if it is due and none is being written; True if started."""
        if self.thread is not None and self.thread.is_alive():
            return False
        day = self.schedule.due(now)
        if day is None:
            return False
        self.thread = threading.Thread(
            target=self._write, args=(day, now), name="nightly-snapshot", daemon=True
        )
        self.thread.start()
        return True

    def join(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    def _write(self, day: dt.date, now: dt.datetime | None) -> None:
        from app.urls import photo_url_prefix
        from app.web import read_database

        try:
            with self.app.app_context():
                written = write_snapshot(
                    read_database().sessionmaker,
                    self.schedule.directory,
                    photo_url_prefix(),
                    day=day,
                    stopping=self.stopping,
                )
        except Exception as exc:
            # SnapshotBusyError too: another worker writes it now, and its manifest will say
            # so when it is done; look again in an hour either way.
            self.schedule.failed_at = now or dt.datetime.now(dt.UTC)
            self.report(exc)
        else:
            self.report(written)
