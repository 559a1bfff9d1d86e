"""The snapshot files on disk: their names, the manifest that describes them, atomic writes.

A snapshot is four files in SNAPSHOT_DIR (reports.csv, .geojson, .gpkg, .fgb) and one
manifest.json that gives, for each, its size, sha256, modification time and feature count.
A file is never written under its own name: it is written elsewhere in the same directory,
fsynced, then renamed over the old one, so a reader sees the old file whole or the new one
whole. A reader that opened the old file keeps reading it (the inode lives until it is
closed).

The file and the manifest are two renames, so a reader could open a new file and read the
old manifest. Entries therefore name their file's inode, size and mtime (what `os.fstat` of
the open descriptor says), and the manifest keeps the files being renamed in (`pending`) and
the ones they replace (`previous`) beside the `files` under their names now: whatever a reader
opened, `open_snapshot` finds the entry of exactly that file, so a download's ETag and length
are always those of its bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from app.durable import fsync
from app.errors import NotFoundError
from app.problems import msg

MANIFEST = "manifest.json"
# The formats, their file names and media types (the served Content-Type).
FILES = {
    "csv": "reports.csv",
    "geojson": "reports.geojson",
    "gpkg": "reports.gpkg",
    "fgb": "reports.fgb",
}
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8; header=present",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "fgb": "application/flatgeobuf",
}
# Where the manifest looks for a file's entry: the files under their names, those being
# renamed in, and those they replaced (still open by a reader who started before).
GENERATIONS = ("files", "pending", "previous")
# A reader that opened a file between two renames tries again this many times.
OPEN_ATTEMPTS = 5
HASH_CHUNK = 1024 * 1024


class SnapshotMissingError(NotFoundError):
    """No snapshot file of this format has been written yet (or its manifest is gone)."""

    code = "snapshot-missing"


@dataclass(frozen=True)
class SnapshotFile:
    """What the manifest says of one file: enough to serve it and describe it in DCAT."""

    format: str
    name: str
    size: int
    sha256: str
    # The file's modification time (UTC) and when the database snapshot was taken.
    modified: str
    taken_at: str
    features: int
    inode: int
    mtime_ns: int

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def modified_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.modified)

    def matches(self, stat: os.stat_result) -> bool:
        return (self.inode, self.size, self.mtime_ns) == (
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
        )


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` under `path` all at once, as far as any reader can tell."""
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with scratch.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
    fsync(path.parent)


def describe(path: Path, fmt: str, features: int, taken_at: dt.datetime) -> SnapshotFile:
    """The entry of the finished file at `path`: fsynced, hashed, stat'ed once opened."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        os.fsync(file.fileno())
        while chunk := file.read(HASH_CHUNK):
            digest.update(chunk)
        stat = os.fstat(file.fileno())
    modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(microsecond=0)
    return SnapshotFile(
        format=fmt,
        name=FILES[fmt],
        size=stat.st_size,
        sha256=digest.hexdigest(),
        modified=modified.isoformat(),
        taken_at=taken_at.astimezone(dt.UTC).isoformat(),
        features=features,
        inode=stat.st_ino,
        mtime_ns=stat.st_mtime_ns,
    )


def read_manifest(directory: Path) -> dict:
    """The manifest as written (empty when there is none, or it cannot be read)."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def manifest_entries(manifest: dict, generation: str = "files") -> dict[str, SnapshotFile]:
    return {fmt: SnapshotFile(**entry) for fmt, entry in (manifest.get(generation) or {}).items()}


def write_manifest(directory: Path, taken_at: dt.datetime, day: dt.date | None, **entries) -> None:
    """Write the manifest: `files`, `pending` and `previous`, each {format: SnapshotFile}."""
    body = {
        "taken_at": taken_at.astimezone(dt.UTC).isoformat(),
        "day": day.isoformat() if day else None,
        **{
            generation: {fmt: asdict(entry) for fmt, entry in files.items()}
            for generation, files in entries.items()
        },
    }
    write_atomic(directory / MANIFEST, json.dumps(body, indent=2).encode())


def _entry_for(manifest: dict, fmt: str, stat: os.stat_result) -> SnapshotFile | None:
    for generation in GENERATIONS:
        entry = manifest_entries(manifest, generation).get(fmt)
        if entry is not None and entry.matches(stat):
            return entry
    return None


def open_snapshot(directory: Path, fmt: str) -> tuple[BinaryIO, SnapshotFile]:
    """The snapshot file of `fmt`, opened, and the manifest's entry of exactly that file.

    Raises SnapshotMissingError when there is none. The caller closes the file.
    """
    name = FILES[fmt]
    for attempt in range(OPEN_ATTEMPTS):
        try:
            file = (directory / name).open("rb")
        except FileNotFoundError:
            break
        entry = _entry_for(read_manifest(directory), fmt, os.fstat(file.fileno()))
        if entry is not None:
            return file, entry
        # Renamed in before its manifest entry was written (by hand), or the manifest is
        # being replaced: look again in a moment.
        file.close()
        time.sleep(0.02 * (attempt + 1))
    raise SnapshotMissingError(msg("opendata.snapshot-missing", file=name))


def current_snapshots(directory: Path) -> dict[str, SnapshotFile]:
    """Each format's entry of the file under its name now (for the catalogue)."""
    found = {}
    for fmt in FILES:
        try:
            file, entry = open_snapshot(directory, fmt)
        except SnapshotMissingError:
            continue
        file.close()
        found[fmt] = entry
    return found
