"""The worker's heartbeat: one row per worker, written at every turn of its loop.

Readiness (`GET /api/v1/health/ready`) and `/metrics` read how long ago the freshest beat
was written. Both times come from the database's clock, so a web server and a worker on two
machines whose clocks differ still agree on an age.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from dataclasses import dataclass, field

from sqlalchemy import Integer, String, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class WorkerHeartbeat(Base):
    """When a worker last went round its loop (migration 0022)."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    beat_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime]
    pid: Mapped[int] = mapped_column(Integer)
    hostname: Mapped[str] = mapped_column(String(255))


BEAT_SQL = text(
    """
    INSERT INTO worker_heartbeats (name, beat_at, started_at, pid, hostname)
    VALUES (:name, clock_timestamp(), clock_timestamp(), :pid, :hostname)
    ON CONFLICT (name) DO UPDATE SET beat_at = EXCLUDED.beat_at,
        started_at = CASE WHEN worker_heartbeats.pid = EXCLUDED.pid
                           AND worker_heartbeats.hostname = EXCLUDED.hostname
                          THEN worker_heartbeats.started_at ELSE EXCLUDED.started_at END,
        pid = EXCLUDED.pid, hostname = EXCLUDED.hostname
    """
)
# Seconds since each worker's last beat, by the database's clock.
AGES_SQL = text(
    "SELECT name, extract(epoch FROM now() - beat_at)::float AS age_s "
    "FROM worker_heartbeats ORDER BY name"
)


def beat(db: Connection, name: str) -> None:
    """Write the worker's heartbeat now (in the caller's transaction)."""
    db.execute(BEAT_SQL, {"name": name, "pid": os.getpid(), "hostname": socket.gethostname()})


def ages(db: Connection) -> dict[str, float]:
    """Seconds since each worker's last beat, by name."""
    return {row.name: max(row.age_s, 0.0) for row in db.execute(AGES_SQL)}


def freshest_age(db: Connection) -> float | None:
    """Seconds since the most recent beat of any worker; None when no worker ever beat."""
    found = ages(db)
    return min(found.values()) if found else None


def default_name() -> str:
    return socket.gethostname()[:100]


@dataclass
class Heartbeat:
    """Beats at most every `every_s` seconds: at each turn of the loop, and between two
    messages of a long drain (a hundred messages to a slow SMTP server take minutes)."""

    engine: Engine
    name: str
    every_s: float = 5.0
    _last: float = field(default=float("-inf"), init=False)

    def beat(self) -> None:
        with self.engine.begin() as db:
            beat(db, self.name)
        self._last = time.monotonic()

    def beat_if_due(self) -> None:
        if time.monotonic() - self._last >= self.every_s:
            self.beat()
