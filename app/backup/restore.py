"""`backup restore`: every check first, then the photos and the database, or nothing at all.

Refused before anything changes: a file of the backup that does not match its SHA-256 (or is
missing, or was added), a schema revision newer than this code knows, a target database that
holds any table, a photo storage that holds any file (or, for a backup of S3 storage, a bucket
that lacks objects the backup's rows name).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from app.backup import manifest, photos, postgres
from app.backup.errors import BackupError
from app.backup.installation import Installation
from app.media.storage import KEY_PATTERN, PhotoStorage, S3Storage
from app.schema_state import script_directory


@dataclass(frozen=True)
class RestoreResult:
    revisions: tuple[str, ...]
    at_head: bool
    photos: int


@dataclass(frozen=True)
class Verified:
    """A backup whose files all match their SHA-256, of a schema this code can restore."""

    files: int
    created_at: str
    revisions: tuple[str, ...]
    at_head: bool
    photo_storage: str


def verify_backup(source: Path) -> Verified:
    """Every check of a restore that needs no database: files, checksums, schema version."""
    content = manifest.read_verified(Path(source).absolute())
    revisions, at_head = _check_schema(content)
    return Verified(
        len(content["files"]),
        str(content.get("created_at")),
        revisions,
        at_head,
        str(content.get("photos", {}).get("storage")),
    )


def restore_backup(installation: Installation, source: Path) -> RestoreResult:
    """Restore the backup in `source` into the installation's database and photo storage,
    both empty."""
    engine, storage, progress = installation.engine, installation.storage, installation.progress
    source = Path(source).absolute()
    progress("checking the SHA-256 of every file")
    content = manifest.read_verified(source)
    revisions, at_head = _check_schema(content)
    if manifest.DUMP not in content["files"]:
        raise BackupError(f"the backup has no {manifest.DUMP}. Nothing was restored.")
    with postgres.connected(engine) as conn:
        major, _ = postgres.server_version(conn)
        _check_empty_database(conn)
        installed = postgres.installed_extensions(conn)
    server = postgres.server_for(installation.database_url, major, installation.pg_bin)
    names = sorted(n for n in content["files"] if n.startswith(f"{manifest.PHOTOS}/"))
    strange = [n for n in names if not KEY_PATTERN.fullmatch(Path(n).name)]
    if strange:
        raise BackupError(f"{strange[0]} is no photo file of Pavé. Nothing was restored.")
    _check_storage(storage, content, source)
    progress(f"copying {len(names)} photo files")
    try:
        written = photos.put_all(storage, source, names)
    except OSError as exc:
        raise BackupError(f"could not store the photo files, nothing was restored: {exc}") from None
    try:
        progress("restoring the database (pg_restore, one transaction)")
        with tempfile.TemporaryDirectory(prefix="pave-restore-") as workdir:
            postgres.restore(server, source / manifest.DUMP, installed, Path(workdir))
    except BaseException:
        photos.remove(storage, written)
        raise
    return RestoreResult(revisions, at_head, len(names))


def _check_schema(content: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    """The backup's revisions, and whether they are this code's head; refused if newer."""
    script = script_directory()
    known = {rev.revision for rev in script.walk_revisions()}
    revisions = tuple(content.get("schema", {}).get("revisions") or ())
    unknown = [rev for rev in revisions if rev not in known]
    if unknown:
        raise BackupError(
            f"the backup's schema revision {unknown[0]} is newer than this version of Pavé "
            f"knows (its head is {', '.join(script.get_heads())}): restore it with the "
            f"release that made it ({content.get('pave_version', 'unknown')}) or a later one."
        )
    return revisions, set(revisions) == set(script.get_heads())


def _check_empty_database(conn: Connection) -> None:
    found = postgres.user_relations(conn)
    if found:
        more = f" and {len(found) - 1} more" if len(found) > 1 else ""
        raise BackupError(
            f"the target database is not empty (it has {found[0]}{more}): restore into a new "
            "database (createdb, then CREATE EXTENSION postgis). Nothing was restored."
        )


def _check_storage(storage: PhotoStorage, content: dict[str, Any], source: Path) -> None:
    if content.get("photos", {}).get("storage") == "s3":
        if not isinstance(storage, S3Storage):
            raise BackupError(
                "the photos of this backup stayed in their S3 bucket (see "
                f"{manifest.S3_OBJECTS}): restore it with PHOTO_STORAGE=s3 and that bucket."
            )
        _check_bucket_holds(storage, source / content["photos"]["objects"])
    elif not photos.is_empty(storage):
        where = getattr(storage, "root", None) or getattr(storage, "bucket", "")
        raise BackupError(
            f"the photo storage is not empty ({where} holds files): restore into an empty "
            "PHOTO_DIR (or bucket). Nothing was restored."
        )


def _check_bucket_holds(storage: S3Storage, objects_file: Path) -> None:
    """The photos of an S3 backup stayed in their bucket: they must all be there still."""
    wanted: dict[str, dict[str, Any]] = json.loads(objects_file.read_text())["objects"]
    stored = photos.stored_objects(storage)
    absent = sorted(k for k, o in wanted.items() if stored.get(k, {}).get("bytes") != o["bytes"])
    if absent:
        raise BackupError(
            f"{len(absent)} photo object(s) of the backup are not in s3://{storage.bucket}/"
            f"{storage.prefix} (first: {absent[0]}); restore them from the bucket's versions "
            "or replica first. Nothing was restored."
        )
