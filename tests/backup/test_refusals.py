"""A restore refuses a damaged or foreign backup and a target that is not empty, before it
changes anything; a backup refuses a directory that is not new or empty, and a failed one
leaves nothing behind that looks like a backup."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from app.backup.create import create_backup
from app.backup.errors import BackupError
from app.backup.postgres import user_relations
from app.backup.restore import restore_backup
from app.media.storage import LocalStorage
from tests.helpers.backup import Pave, stored_files, table_rows


@pytest.fixture
def copy(backup, tmp_path) -> Path:
    """A copy of the module's backup that the test may damage."""
    return Path(shutil.copytree(backup, tmp_path / "copy"))


def restore(backup, target):
    return restore_backup(target.installation(), backup)


def assert_untouched(target):
    with target.engine.connect() as db:
        assert user_relations(db) == []
    assert not target.photo_dir.exists() or stored_files(target.photo_dir) == {}


def a_photo(backup: Path) -> Path:
    return sorted((backup / "photos").rglob("*.jpg"))[0]


def flip_one_byte(path: Path, at: int = 1000) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_photo_changed_by_one_byte_is_refused_and_nothing_restored(copy, empty_target):
    photo = a_photo(copy)
    flip_one_byte(photo)

    with pytest.raises(BackupError) as refused:
        restore(copy, empty_target)

    name = photo.relative_to(copy).as_posix()
    assert str(refused.value).startswith(f"{name} does not match its SHA-256")
    assert_untouched(empty_target)


def test_a_damaged_dump_is_refused_and_nothing_restored(copy, empty_target):
    flip_one_byte(copy / "database.dump", at=5000)

    with pytest.raises(BackupError, match=r"^database\.dump does not match its SHA-256"):
        restore(copy, empty_target)
    assert_untouched(empty_target)


def test_a_missing_file_is_refused(copy, empty_target):
    photo = a_photo(copy)
    photo.unlink()

    with pytest.raises(BackupError) as refused:
        restore(copy, empty_target)
    assert str(refused.value).startswith(
        f"{photo.relative_to(copy).as_posix()} is listed in manifest.json but missing"
    )
    assert_untouched(empty_target)


def test_a_file_added_to_the_backup_is_refused(copy, empty_target):
    (copy / "photos" / "notes.txt").write_text("not part of the backup")

    with pytest.raises(BackupError, match=r"^photos/notes\.txt is in the backup but not in"):
        restore(copy, empty_target)
    assert_untouched(empty_target)


def test_a_backup_without_its_manifest_is_no_backup(copy, empty_target):
    (copy / "manifest.json").unlink()

    with pytest.raises(
        BackupError, match=r"has no manifest\.json: it is not a Pavé backup, or one"
    ):
        restore(copy, empty_target)
    assert_untouched(empty_target)


def test_a_backup_of_a_newer_schema_is_refused(copy, empty_target):
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["schema"]["revisions"] = ["9999"]
    (copy / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="schema revision 9999 is newer than this version"):
        restore(copy, empty_target)
    assert_untouched(empty_target)


def test_a_database_that_is_not_empty_is_refused(backup, empty_target, tmp_path):
    restore(backup, empty_target)
    before = table_rows(empty_target.engine)
    again = Pave(empty_target.engine, tmp_path / "other-photos", empty_target.app)

    with pytest.raises(BackupError, match="the target database is not empty"):
        restore(backup, again)
    assert table_rows(empty_target.engine) == before
    assert not again.photo_dir.exists()


def test_a_photo_directory_that_is_not_empty_is_refused(backup, empty_target):
    (empty_target.photo_dir / "ab").mkdir(parents=True)
    (empty_target.photo_dir / "ab" / "left-over.jpg").write_bytes(b"an old photo")

    with pytest.raises(BackupError, match="the photo storage is not empty"):
        restore(backup, empty_target)
    with empty_target.engine.connect() as db:
        assert user_relations(db) == []
    assert stored_files(empty_target.photo_dir) == {"ab/left-over.jpg": b"an old photo"}


def test_a_restore_failing_half_way_leaves_no_row_and_no_photo(backup, empty_target):
    # Not a table, so the emptiness check lets it by; pg_restore then meets the dump's own
    # function of that name and stops.
    with empty_target.engine.begin() as db:
        db.execute(
            text(
                "CREATE FUNCTION pave_dashboard_hours(interval) RETURNS int AS 'SELECT 1' LANGUAGE sql"
            )
        )

    with pytest.raises(BackupError, match=r"^pg_restore failed: .*pave_dashboard_hours"):
        restore(backup, empty_target)
    assert_untouched(empty_target)


def test_a_backup_goes_only_into_a_new_or_empty_directory(source, tmp_path):
    storage = LocalStorage(source.photo_dir)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "older-backup.txt").write_text("keep me")

    with pytest.raises(BackupError, match="taken is not empty: a backup goes into a new or empty"):
        create_backup(source.installation(storage), taken)
    assert [p.name for p in taken.iterdir()] == ["older-backup.txt"]
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    with pytest.raises(BackupError, match="a-file is a file"):
        create_backup(source.installation(storage), a_file)

    empty = tmp_path / "empty"
    empty.mkdir()
    create_backup(source.installation(storage), empty)
    assert (empty / "manifest.json").exists()


def test_a_failed_backup_leaves_nothing_behind(source, tmp_path):
    parent = tmp_path / "backups"
    parent.mkdir()

    with pytest.raises(BackupError, match="pg_dump is missing: /nowhere/pg_dump does not exist"):
        create_backup(source.installation(pg_bin="/nowhere"), parent / "b")
    assert list(parent.iterdir()) == []


def test_a_backup_where_no_directory_can_be_made_is_refused_clearly(source, tmp_path):
    (tmp_path / "a-file").write_text("")

    with pytest.raises(BackupError, match=r"cannot write into .*a-file: File exists"):
        create_backup(source.installation(), tmp_path / "a-file" / "b")


def test_a_manifest_naming_a_file_no_photo_could_have_is_refused(copy, empty_target):
    (copy / "photos" / "evil.sh").write_text("#!/bin/sh\n")
    content = json.loads((copy / "manifest.json").read_text())
    content["files"]["photos/evil.sh"] = {
        "sha256": hashlib.sha256(b"#!/bin/sh\n").hexdigest(),
        "bytes": 10,
    }
    (copy / "manifest.json").write_text(json.dumps(content))

    with pytest.raises(BackupError, match=r"^photos/evil\.sh is no photo file of Pavé"):
        restore(copy, empty_target)
    assert_untouched(empty_target)
