"""A throwaway PostgreSQL primary and its streaming replica, for the tests of DATABASE_READ_URL.

Both clusters live in a temporary directory of their own, socket-only, made and started by
scripts/localdb.py's functions (as the postgres user when the tests run as root, as in CI),
so neither touches the cluster of DATABASE_URL. The replica is a `pg_basebackup -R` of the
primary: a hot standby that streams the primary's WAL, as a production replica would.
Both servers are stopped and their directory removed at the end, whatever happened.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url

_PATH = Path(__file__).resolve().parents[2] / "scripts" / "localdb.py"
_spec = importlib.util.spec_from_file_location("localdb_for_replica", _PATH)
assert _spec is not None and _spec.loader is not None
localdb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(localdb)

# How long a test waits for the replica to replay what the primary wrote.
REPLAY_TIMEOUT_S = 15.0


@dataclass
class Replication:
    """The two clusters' directories, and an admin engine on each (database `postgres`)."""

    primary_dir: Path
    replica_dir: Path
    _engines: dict[str, Engine] = field(default_factory=dict)

    def url(self, which: str, dbname: str = "postgres") -> URL:
        """The URL of `dbname` on the "primary" or the "replica"."""
        pg_dir = self.primary_dir if which == "primary" else self.replica_dir
        return make_url(localdb.url(dbname, localdb.cluster_paths(pg_dir)[1]))

    def scalar(self, which: str, sql: str):
        if which not in self._engines:
            self._engines[which] = create_engine(self.url(which), isolation_level="AUTOCOMMIT")
        with self._engines[which].connect() as conn:
            return conn.execute(text(sql)).scalar()

    def wait_replayed(self) -> None:
        """Wait until the replica has replayed all the primary wrote so far (bounded)."""
        lsn = self.scalar("primary", "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + REPLAY_TIMEOUT_S
        caught_up = f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"
        while not self.scalar("replica", caught_up):
            if time.monotonic() > deadline:
                raise AssertionError(f"the replica did not replay {lsn} in {REPLAY_TIMEOUT_S}s")
            time.sleep(0.05)

    def pause_replay(self) -> None:
        """Stop applying the primary's WAL (it still arrives): the replica's data stands still."""
        self.wait_replayed()
        self.scalar("replica", "SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + REPLAY_TIMEOUT_S
        while self.scalar("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise AssertionError("the replica's replay did not pause")
            time.sleep(0.05)

    def resume_replay(self) -> None:
        self.scalar("replica", "SELECT pg_wal_replay_resume()")
        self.wait_replayed()

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()


def _base_backup(primary_dir: Path, replica_dir: Path) -> None:
    """The replica's data directory: a copy of the primary's, set to stream from it (-R)."""
    data = localdb.cluster_paths(replica_dir)[0]
    primary_socket = localdb.cluster_paths(primary_dir)[1]
    command = [localdb.PG_BIN / "pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast"]
    localdb._run(
        [*command, "-h", primary_socket, "-p", localdb.PORT, "-U", "postgres"], as_postgres=True
    )


@contextmanager
def streaming_replica() -> Iterator[Replication]:
    """A started primary and a hot standby streaming from it; both gone at the end."""
    localdb._ensure_packages()
    # In /tmp rather than $TMPDIR: socket paths must stay under 108 bytes, and the postgres
    # user must be able to reach the directory (localdb adds o+x to the ancestors lacking it).
    base = Path(tempfile.mkdtemp(prefix="pave-replica-", dir="/tmp"))
    primary_dir, replica_dir = base / "primary", base / "replica"
    replication = Replication(primary_dir, replica_dir)
    try:
        for pg_dir in (primary_dir, replica_dir):
            pg_dir.mkdir()
            localdb._prepare_dirs(pg_dir)
        # PostgreSQL 15's defaults already suit a primary (wal_level = replica, 10 WAL
        # senders, and initdb's pg_hba lets local connections replicate).
        localdb._start(primary_dir)
        _base_backup(primary_dir, replica_dir)
        localdb._start(replica_dir)
        yield replication
    finally:
        replication.dispose()
        for pg_dir in (replica_dir, primary_dir):
            # A failure to stop one must not keep the other running.
            with suppress(subprocess.CalledProcessError):
                localdb.stop(pg_dir)
        shutil.rmtree(base, ignore_errors=True)
