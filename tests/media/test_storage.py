"""Storage backends: content-addressed keys, no client path on disk, and the S3 backend."""

from __future__ import annotations

import hashlib

import pytest

from app.errors import NotFoundError
from app.media.storage import LocalStorage, S3Storage, content_key, storage_from_settings
from tests.helpers.media import S3_BUCKET

DATA = b"pretend these are the bytes of a WebP image"
KEY = f"{hashlib.sha256(DATA).hexdigest()}.webp"


def test_keys_are_the_sha256_of_the_bytes():
    assert content_key(DATA, "webp") == KEY


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "x.webp", KEY.replace(".webp", ".svg"), KEY.upper(), f"/{KEY}"]
)
def test_anything_but_a_content_key_is_refused_before_touching_the_disk(tmp_path, key):
    storage = LocalStorage(tmp_path)

    with pytest.raises(ValueError):
        storage.put(key, DATA, "image/webp")
    with pytest.raises(ValueError):
        storage.get(key)
    assert list(tmp_path.iterdir()) == []


def test_local_storage_writes_once_and_reads_back(tmp_path):
    storage = LocalStorage(tmp_path)

    assert storage.put(KEY, DATA, "image/webp") is True
    assert storage.put(KEY, DATA, "image/webp") is False
    assert storage.get(KEY) == DATA
    assert (tmp_path / KEY[:2] / KEY).read_bytes() == DATA
    storage.delete(KEY)
    assert not storage.exists(KEY)
    with pytest.raises(NotFoundError):
        storage.get(KEY)


def test_the_backend_is_chosen_by_setting(tmp_path):
    assert isinstance(storage_from_settings({"PHOTO_DIR": str(tmp_path)}), LocalStorage)
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        storage_from_settings({"PHOTO_STORAGE": "s3", "S3_BUCKET": ""})
    with pytest.raises(RuntimeError, match="local or s3"):
        storage_from_settings({"PHOTO_STORAGE": "ftp"})


def test_s3_storage_names_objects_by_hash_under_the_prefix(s3):
    storage = S3Storage(S3_BUCKET, "photos/", client=s3)

    assert storage.put(KEY, DATA, "image/webp") is True
    assert storage.put(KEY, DATA, "image/webp") is False
    stored = s3.get_object(Bucket=S3_BUCKET, Key=f"photos/{KEY}")
    assert stored["ContentType"] == "image/webp"
    assert stored["CacheControl"] == "public, max-age=300"
    assert storage.get(KEY) == DATA
    storage.delete(KEY)
    assert not storage.exists(KEY)
    with pytest.raises(NotFoundError):
        storage.get(KEY)
