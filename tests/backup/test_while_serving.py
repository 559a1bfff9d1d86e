"""A backup taken while Pavé serves: what is written meanwhile is either wholly in or out."""

from __future__ import annotations

from sqlalchemy import text

from app.backup.create import create_backup
from app.backup.restore import restore_backup
from tests.helpers import images
from tests.helpers.backup import add_photo, stored_files, table_rows


def photo_keys(engine) -> set[str]:
    with engine.connect() as db:
        rows = db.execute(text("SELECT display_sha256, thumbnail_sha256 FROM photos")).all()
    return {f"{sha[:2]}/{sha}.jpg" for row in rows for sha in row}


def test_a_photo_added_during_the_backup_is_out_with_its_row(own_source, empty_target, tmp_path):
    source = own_source
    before = table_rows(source.engine)
    # A photo being written by another process, not yet under its final name.
    (source.photo_dir / "ab").mkdir(exist_ok=True)
    (source.photo_dir / "ab" / ".tmp-half-written").write_bytes(b"\xff\xd8 half a photo")
    added = []

    def meanwhile(stage: str) -> None:
        # Once the database is dumped, a resident adds a photo: its row and files land.
        if stage.startswith("database dumped"):
            added.append(add_photo(source.client, source.reports[2]["id"], images.jpeg(640, 480)))

    backup = tmp_path / "backup"
    result = create_backup(source.installation(progress=meanwhile), backup)
    assert added and result.photos == 6

    restore_backup(empty_target.installation(), backup)
    assert table_rows(empty_target.engine) == before
    restored = stored_files(empty_target.photo_dir)
    # Exactly the files the restored rows name, byte for byte; no half file, no newer photo.
    assert set(restored) == photo_keys(empty_target.engine)
    assert all(restored[name] == (source.photo_dir / name).read_bytes() for name in restored)
    assert len(photo_keys(source.engine)) == len(restored) + 2


def test_a_photo_file_lost_from_disk_is_reported_and_the_rest_backed_up(own_source, tmp_path):
    source = own_source
    lost = sorted(photo_keys(source.engine))[0]
    (source.photo_dir / lost).unlink()

    result = create_backup(source.installation(), tmp_path / "backup")

    assert result.missing_photos == (lost.split("/")[1],)
    assert result.photos == 5
