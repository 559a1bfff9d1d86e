"""Snapshot downloads: the whole anonymised dataset as four files that every GIS tool opens.

`flask opendata snapshot`, and the worker every night, write reports.csv, .geojson, .gpkg
and .fgb into SNAPSHOT_DIR, all four from one database snapshot (one REPEATABLE READ, READ
ONLY transaction), so they hold the same rows. CSV and GeoJSON are the exports' own bytes
(app.opendata.export, unfiltered); GeoPackage and FlatGeobuf are written by GDAL (pyogrio's
write_arrow) from Arrow record batches of BATCH_ROWS rows read through a server-side cursor:
the CSV, GeoJSON and GeoPackage writers keep memory flat whatever the number of reports;
GDAL's FlatGeobuf writer keeps one entry per feature to build its spatial index at the end
(measured: about 110 MB at 300,000 reports), the price of a file that GIS tools read by
bounding box over HTTP.

Everything is written in a private directory inside SNAPSHOT_DIR (GDAL's side files too),
then each file is renamed over the old one (app.opendata.snapshot_files): a download never
sees half a file, and a failure leaves the previous snapshot as it was and no scrap behind.
A lock on the directory keeps two writers (two workers, or the command beside a worker)
from writing at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import sessionmaker

from app.durable import fsync
from app.errors import PaveError
from app.opendata import records
from app.opendata.export import Export
from app.opendata.snapshot_arrow import SnapshotStoppedError, write_gdal
from app.opendata.snapshot_files import (
    FILES,
    SnapshotFile,
    describe,
    manifest_entries,
    read_manifest,
    write_manifest,
)

WORK_PREFIX = ".snapshot-"
GDAL_DRIVERS = {"gpkg": "GPKG", "fgb": "FlatGeobuf"}


class SnapshotBusyError(PaveError):
    """Another process is writing the snapshot in this directory right now."""


class SnapshotMismatchError(PaveError):
    """A file holds another number of features than the snapshot: none is published."""


@dataclass(frozen=True)
class Snapshot:
    taken_at: dt.datetime
    features: int
    files: dict[str, SnapshotFile]


@contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock on the directory itself (no lock file to leave behind)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SnapshotBusyError(f"A snapshot is being written in {directory} already.") from exc
        yield
    finally:
        os.close(fd)  # releases the lock


def remove_leftovers(directory: Path) -> None:
    """Scraps of a writer that died (killed, power cut): only ever removed under the lock."""
    for path in directory.iterdir():
        if path.name.startswith(WORK_PREFIX) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".") and path.name.endswith(".part"):
            path.unlink(missing_ok=True)


def _export_file(
    sessions: sessionmaker, fmt: str, path: Path, prefix: str, stopping: Callable[[], bool]
) -> int:
    """The unfiltered export of `fmt`, as GET /opendata/reports.<fmt> sends it, into `path`."""
    export = Export(sessions, fmt, records.RecordFilter(), prefix)
    try:
        with path.open("wb") as file:
            for chunk in export:
                if stopping():
                    raise SnapshotStoppedError("The snapshot was stopped midway.")
                file.write(chunk)
    finally:
        export.close()
    return export.rows


def _write_files(
    connection: Connection, work: Path, prefix: str, stopping: Callable[[], bool]
) -> dict[str, int]:
    """Every file into `work`, from the connection's snapshot; their feature counts."""
    # The exports open sessions of their own: here, savepoints in this one transaction.
    inner = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    counts = {}
    for fmt in ("csv", "geojson"):
        counts[fmt] = _export_file(inner, fmt, work / FILES[fmt], prefix, stopping)
    for fmt, driver in GDAL_DRIVERS.items():
        counts[fmt] = write_gdal(connection, work / FILES[fmt], driver, prefix, stopping)
    return counts


def write_snapshot(
    sessions: sessionmaker,
    directory: Path,
    photo_url_prefix: str,
    *,
    day: dt.date | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> Snapshot:
    """Write the four files and the manifest into `directory`, replacing the old ones.

    `day` is the local day the worker wrote it for (its schedule reads it back). `stopping`
    is asked between batches; when it says yes, SnapshotStoppedError, and nothing changed.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with directory_lock(directory):
        remove_leftovers(directory)
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=directory))
        try:
            with sessions() as session:
                connection = session.connection()
                # Inside a caller's transaction (the tests' savepoint) that transaction's view
                # is one snapshot already, and its isolation can no longer be set.
                if not connection.in_nested_transaction():
                    connection.exec_driver_sql(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                    )
                taken_at = connection.execute(text("SELECT now()")).scalar_one()
                total = connection.execute(*records.count()).scalar_one()
                counts = _write_files(connection, work, photo_url_prefix, stopping)
            wrong = {fmt: n for fmt, n in counts.items() if n != total}
            if wrong:
                raise SnapshotMismatchError(f"{total} reports, but the files hold {wrong}.")
            files = {fmt: describe(work / FILES[fmt], fmt, total, taken_at) for fmt in FILES}
            _publish(directory, work, files, taken_at, day)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return Snapshot(taken_at, total, files)


def _publish(
    directory: Path,
    work: Path,
    files: dict[str, SnapshotFile],
    taken_at: dt.datetime,
    day: dt.date | None,
) -> None:
    """Rename the files into place, with the manifest knowing them before and after."""
    old = read_manifest(directory)
    current = manifest_entries(old)
    old_taken_at = dt.datetime.fromisoformat(old["taken_at"]) if old else taken_at
    old_day = dt.date.fromisoformat(old["day"]) if old.get("day") else None
    write_manifest(directory, old_taken_at, old_day, files=current, pending=files)
    for fmt in FILES:
        os.replace(work / FILES[fmt], directory / FILES[fmt])
    fsync(directory)
    write_manifest(directory, taken_at, day, files=files, previous=current)
