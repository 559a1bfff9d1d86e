"""`backup create`: one snapshot of the database, the photo files its rows name, a manifest.

The dump and the list of photos come from one exported snapshot (REPEATABLE READ and
pg_export_snapshot, which pg_dump --snapshot joins), so they agree with each other whatever is
written meanwhile. Everything is written into a hidden directory beside DIR and renamed to DIR
once whole: a failed backup leaves nothing that looks like a backup.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import text

from app.backup import manifest, photos, postgres
from app.backup.errors import BackupError
from app.backup.installation import Installation
from app.media.storage import LocalStorage, PhotoStorage, S3Storage
from app.schema_state import schema_state

NOT_INCLUDED = {
    "snapshots": "The open-data snapshot files (SNAPSHOT_DIR) are made again from the "
    "database: `flask --app app opendata snapshot`, or the worker's next nightly run.",
    "secret_key": "SECRET_KEY is not in the backup: keep it apart (it derives the reports' "
    "photo tokens and signs the staff sessions).",
}


@dataclass(frozen=True)
class BackupResult:
    path: Path
    revisions: tuple[str, ...]
    photos: int
    missing_photos: tuple[str, ...]


def create_backup(installation: Installation, target: Path) -> BackupResult:
    """Back up the installation's database and photos into `target`, a new or empty directory."""
    target = Path(target).absolute()
    _check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    except OSError as exc:
        raise BackupError(f"cannot write into {target.parent}: {exc.strerror}") from None
    try:
        content = _write(installation, work)
        manifest.write(work, content)
        # rename(2) puts a directory in place of a missing or empty one, atomically.
        os.rename(work, target)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(f"the backup failed, nothing was kept: {exc}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    photo_part = content["photos"]
    return BackupResult(
        target,
        tuple(content["schema"]["revisions"]),
        photo_part["count"],
        tuple(photo_part["missing"]),
    )


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise BackupError(f"{target} is a file: a backup goes into a new or empty directory.")
    if target.is_dir() and any(target.iterdir()):
        raise BackupError(
            f"{target} is not empty: a backup goes into a new or empty directory "
            "(it never mixes with or overwrites another)."
        )


def _write(installation: Installation, work: Path) -> dict[str, Any]:
    progress = installation.progress
    with postgres.connected(installation.engine) as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            major, server_version = postgres.server_version(conn)
            state = schema_state(conn)
            keys = photos.referenced_keys(conn)
            progress(f"dumping the database (PostgreSQL {server_version})")
            server = postgres.server_for(installation.database_url, major, installation.pg_bin)
            postgres.dump(server, snapshot, work / manifest.DUMP)
    progress(f"database dumped; copying the {len(keys)} photo files its rows name")
    photo_part = _photos(installation.storage, keys, work)
    progress("writing the checksums")
    return {
        "format": manifest.FORMAT,
        "pave_version": version("pave"),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "schema": {"revisions": list(state.current), "at_head": state.at_head},
        "database": {"file": manifest.DUMP, "format": "custom", "server_version": server_version},
        "photos": photo_part,
        "not_included": NOT_INCLUDED,
        "files": manifest.entries(work),
    }


def _photos(storage: PhotoStorage, keys: list[str], work: Path) -> dict[str, Any]:
    if isinstance(storage, LocalStorage):
        copied = photos.copy_local(storage, keys, work)
        return {"storage": "local", "count": len(copied.keys), "missing": copied.missing}
    if isinstance(storage, S3Storage):
        listed = photos.list_s3(storage, keys)
        (work / manifest.S3_OBJECTS).write_text(
            json.dumps(
                {"bucket": storage.bucket, "prefix": storage.prefix, "objects": listed.objects},
                indent=2,
                sort_keys=True,
            )
        )
        return {
            "storage": "s3",
            "objects": manifest.S3_OBJECTS,
            "count": len(listed.keys),
            "missing": listed.missing,
        }
    raise BackupError(f"cannot back up the photos of {type(storage).__name__}")
