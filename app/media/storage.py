"""Where photo files live: a small interface, the local filesystem, and S3-compatible storage."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from app.errors import NotFoundError

# Every key is the SHA-256 of the stored bytes plus a fixed extension; nothing a client
# sends (filename, content type, path) ever becomes part of a path or an object name.
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}\.(webp|jpg)$")
# Content-addressed, so a photo never changes; but staff may hide one (a face, a number plate),
# and a year in browsers' and proxies' caches would keep showing it. Five minutes, then the
# ETag revalidates it: a 304 while it is shown, the 404 once it is hidden.
CACHE_CONTROL = "public, max-age=300"


def content_key(data: bytes, extension: str) -> str:
    key = f"{hashlib.sha256(data).hexdigest()}.{extension}"
    check_key(key)
    return key


def check_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"not a photo key: {key!r}")
    return key


class PhotoStorage(Protocol):
    """Content-addressed blobs; `put` says whether it wrote the blob or found it already there."""

    def put(self, key: str, data: bytes, content_type: str) -> bool: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files under one directory, fanned out by the first two hex digits of their hash."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        path = self.path(key)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed, so a reader or a crash never sees half a
        # file under the final name.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"There is no photo {key}.") from exc

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).exists()


class S3Storage:
    """Objects in an S3-compatible bucket (AWS, MinIO, Ceph, Scaleway…) under a prefix."""

    def __init__(self, bucket: str, prefix: str = "", client=None, endpoint_url: str | None = None):
        if client is None:
            import boto3

            client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def object_name(self, key: str) -> str:
        return f"{self.prefix}{check_key(key)}"

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        if self.exists(key):
            return False
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.object_name(key),
            Body=data,
            ContentType=content_type,
            CacheControl=CACHE_CONTROL,
        )
        return True

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_name(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise NotFoundError(f"There is no photo {key}.") from exc
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True


def storage_from_settings(settings: Mapping) -> PhotoStorage:
    """The backend that PHOTO_STORAGE names: `local` (PHOTO_DIR) or `s3` (S3_* settings)."""
    kind = settings.get("PHOTO_STORAGE", "local")
    if kind == "local":
        return LocalStorage(settings["PHOTO_DIR"])
    if kind == "s3":
        if not settings.get("S3_BUCKET"):
            raise RuntimeError("PHOTO_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL off AWS)")
        return S3Storage(
            settings["S3_BUCKET"],
            settings.get("S3_PREFIX", ""),
            endpoint_url=settings.get("S3_ENDPOINT_URL") or None,
        )
    raise RuntimeError(f"PHOTO_STORAGE must be local or s3, not {kind!r}")
