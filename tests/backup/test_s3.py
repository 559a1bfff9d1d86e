"""Photos in S3 storage: the backup lists the objects (they stay in the bucket, which keeps
its own versions); a restore checks the bucket still holds them all."""

from __future__ import annotations

import json

import pytest

from app.backup.create import create_backup
from app.backup.errors import BackupError
from app.backup.postgres import user_relations
from app.backup.restore import restore_backup
from app.media.storage import S3Storage
from tests.helpers.backup import stored_files, table_rows
from tests.helpers.media import S3_BUCKET


@pytest.fixture
def bucket(s3, source) -> S3Storage:
    """The source's photos, as an installation with PHOTO_STORAGE=s3 keeps them."""
    storage = S3Storage(S3_BUCKET, "photos/", client=s3)
    for name, data in stored_files(source.photo_dir).items():
        storage.put(name.split("/")[1], data, "image/jpeg")
    return storage


def test_the_backup_lists_the_objects_and_the_restore_finds_them(
    source, bucket, empty_target, tmp_path
):
    backup = tmp_path / "backup"
    result = create_backup(source.installation(bucket), backup)

    assert result.photos == 6
    assert not (backup / "photos").exists()
    listed = json.loads((backup / "photos-s3.json").read_text())
    assert (listed["bucket"], listed["prefix"]) == (S3_BUCKET, "photos/")
    sizes = {name.split("/")[1]: len(data) for name, data in stored_files(source.photo_dir).items()}
    assert {key: o["bytes"] for key, o in listed["objects"].items()} == sizes

    restore_backup(empty_target.installation(bucket), backup)
    assert table_rows(empty_target.engine) == table_rows(source.engine)


def test_a_restore_is_refused_when_the_bucket_lost_an_object(
    source, bucket, empty_target, tmp_path
):
    backup = tmp_path / "backup"
    create_backup(source.installation(bucket), backup)
    lost = sorted(json.loads((backup / "photos-s3.json").read_text())["objects"])[0]
    bucket.delete(lost)

    with pytest.raises(
        BackupError, match=f"1 photo object.* not in s3://{S3_BUCKET}/photos/ .*{lost}"
    ):
        restore_backup(empty_target.installation(bucket), backup)
    with empty_target.engine.connect() as db:
        assert user_relations(db) == []


def test_a_local_backup_restored_into_an_empty_bucket_fills_it(source, backup, s3, empty_target):
    storage = S3Storage(S3_BUCKET, "photos/", client=s3)

    restore_backup(empty_target.installation(storage), backup)

    for name, data in stored_files(source.photo_dir).items():
        assert storage.get(name.split("/")[1]) == data


def test_an_s3_backup_is_not_restored_into_local_storage(source, bucket, empty_target, tmp_path):
    backup = tmp_path / "backup"
    create_backup(source.installation(bucket), backup)

    with pytest.raises(BackupError, match="stayed in their S3 bucket"):
        restore_backup(empty_target.installation(), backup)
