"""manifest.json: what a backup holds, and the SHA-256 of every file, checked before a restore."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from app.backup.errors import BackupError
from app.durable import fsync

FORMAT = "pave-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
PHOTOS = "photos"
S3_OBJECTS = "photos-s3.json"
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def entries(root: Path) -> dict[str, dict[str, Any]]:
    """Every file under root but the manifest, by its path relative to root."""
    return {
        path.relative_to(root).as_posix(): {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        for path in sorted(_files(root))
    }


def write(root: Path, manifest: dict[str, Any]) -> None:
    """Write manifest.json last, and flush everything, so that a backup with one is whole."""
    path = root / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    files = _files(root)
    for file in [*files, path]:
        fsync(file)
    for directory in {root, *(p.parent for p in files)}:
        fsync(directory)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p != root / MANIFEST]


def read_verified(root: Path) -> dict[str, Any]:
    """The manifest of the backup in root, once every file in it matches its SHA-256.

    Refused, naming the file: a missing manifest (not a backup, or one that never finished),
    a file listed but absent, a file present but not listed, a file whose bytes changed.
    """
    if not root.is_dir():
        raise BackupError(f"{root} is not a directory.")
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{root} has no {MANIFEST}: it is not a Pavé backup, or one that did not finish."
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{root / MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{root / MANIFEST} is not a manifest of format {FORMAT}.")
    listed: dict[str, dict[str, Any]] = manifest.get("files") or {}
    present = {p.relative_to(root).as_posix() for p in _files(root)}
    _refuse_any("is listed in manifest.json but missing", sorted(set(listed) - present))
    _refuse_any("is in the backup but not in manifest.json", sorted(present - set(listed)))
    for name in sorted(listed):
        if sha256_of(root / name) != listed[name].get("sha256"):
            raise BackupError(
                f"{name} does not match its SHA-256 in manifest.json: the backup is damaged "
                "or was changed. Nothing was restored."
            )
    return manifest


def _refuse_any(what: str, names: list[str]) -> None:
    if names:
        more = f" (and {len(names) - 1} other file(s))" if len(names) > 1 else ""
        raise BackupError(f"{names[0]} {what}{more}. Nothing was restored.")
