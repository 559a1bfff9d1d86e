"""What a backup is made from and a restore writes into: one Pavé's database and photos."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import URL, Engine

from app.media.storage import PhotoStorage

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class Installation:
    """The database (its engine, and its URL for pg_dump and pg_restore) and the photo storage
    of one Pavé. `pg_bin` is the directory of the PostgreSQL client programs ("": Debian's for
    the server's major version, see app.backup.postgres); `progress` is told each step as it
    begins.
    """

    engine: Engine
    database_url: str | URL
    storage: PhotoStorage
    pg_bin: str = ""
    progress: Progress = _quiet
