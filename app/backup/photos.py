"""The photo files of a backup: those the dumped rows name, copied whole (local) or listed (S3).

Files are written before the row that names them is committed, and under their final name
only once whole (app/media/storage.py). So the files the rows of the dump's snapshot name
exist, whole, when the copy starts: a photo written during the backup is out of it with its
row, a temporary half file is never copied, and no file without a row is carried along.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.backup.errors import BackupError
from app.backup.manifest import PHOTOS, sha256_of
from app.media.models import Photo
from app.media.storage import LocalStorage, PhotoStorage, S3Storage, check_key

CONTENT_TYPES = {"jpg": "image/jpeg", "webp": "image/webp"}


@dataclass
class PhotoCopy:
    """What went into the backup of the photos, and what the rows name but was not found."""

    keys: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)


def referenced_keys(connection: Connection) -> list[str]:
    """Every file key (display and thumbnail) the photo rows visible to `connection` name."""
    keys: set[str] = set()
    for display, thumbnail, content_type in connection.execute(
        select(Photo.display_sha256, Photo.thumbnail_sha256, Photo.content_type)
    ):
        row = Photo(display_sha256=display, thumbnail_sha256=thumbnail, content_type=content_type)
        keys.update((row.display_key, row.thumbnail_key))
    return sorted(keys)


def backup_path(root: Path, key: str) -> Path:
    return root / PHOTOS / key[:2] / key


def copy_local(storage: LocalStorage, keys: Iterable[str], root: Path) -> PhotoCopy:
    """Copy each file into root/photos/ab/<key>; a file that is gone or whose bytes no longer
    match its name (damaged on disk) is left out and reported."""
    copied = PhotoCopy()
    for key in keys:
        source, target = storage.path(key), backup_path(root, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, target)
        except FileNotFoundError:
            copied.missing.append(key)
            continue
        if sha256_of(target) != key.split(".", 1)[0]:
            target.unlink()
            copied.missing.append(key)
            continue
        copied.keys.append(key)
    return copied


def list_s3(storage: S3Storage, keys: Iterable[str]) -> PhotoCopy:
    """The size and ETag of each object the rows name; the objects stay in the bucket."""
    stored = stored_objects(storage)
    listed = PhotoCopy()
    for key in keys:
        if key in stored:
            listed.keys.append(key)
            listed.objects[key] = stored[key]
        else:
            listed.missing.append(key)
    return listed


def stored_objects(storage: S3Storage) -> dict[str, dict[str, Any]]:
    pages = storage.client.get_paginator("list_objects_v2").paginate(
        Bucket=storage.bucket, Prefix=storage.prefix
    )
    found: dict[str, dict[str, Any]] = {}
    for page in pages:
        for item in page.get("Contents", []):
            key = item["Key"][len(storage.prefix) :]
            found[key] = {"bytes": item["Size"], "etag": item["ETag"].strip('"')}
    return found


def is_empty(storage: PhotoStorage) -> bool:
    if isinstance(storage, LocalStorage):
        return not storage.root.exists() or not any(p.is_file() for p in storage.root.rglob("*"))
    if isinstance(storage, S3Storage):
        return not stored_objects(storage)
    raise BackupError(f"cannot tell whether {type(storage).__name__} is empty")


def put_all(storage: PhotoStorage, root: Path, names: Iterable[str]) -> list[str]:
    """Store every photo file of the backup; on any failure remove those stored and raise."""
    written: list[str] = []
    try:
        for name in names:
            key = check_key(Path(name).name)
            data = (root / name).read_bytes()
            if storage.put(key, data, CONTENT_TYPES[key.rsplit(".", 1)[1]]):
                written.append(key)
    except Exception:
        remove(storage, written)
        raise
    return written


def remove(storage: PhotoStorage, keys: Iterable[str]) -> None:
    for key in keys:
        storage.delete(key)
