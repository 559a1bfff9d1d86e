"""A backup restored into a new, empty database and photo directory is the same Pavé."""

from __future__ import annotations

import json

from sqlalchemy import text

from app.backup.restore import restore_backup
from tests.helpers.backup import follow_tokens, stored_files, table_rows


def restore(backup, target):
    return restore_backup(target.installation(), backup)


def test_every_row_and_every_photo_comes_back(source, backup, empty_target):
    result = restore(backup, empty_target)

    assert result.at_head
    assert table_rows(empty_target.engine) == table_rows(source.engine)
    restored = stored_files(empty_target.photo_dir)
    assert restored == stored_files(source.photo_dir)
    # Three photos, a display rendition and a thumbnail each.
    assert len(restored) == 6


def test_a_database_without_postgis_gets_it_from_the_dump(source, backup, bare_target):
    restore(backup, bare_target)

    assert table_rows(bare_target.engine) == table_rows(source.engine)
    with bare_target.engine.connect() as db:
        assert db.execute(
            text("SELECT extname FROM pg_extension WHERE extname = 'postgis'")
        ).scalar()


def test_the_owner_of_the_database_restores_it_without_being_superuser(
    source, backup, owned_target
):
    restore(backup, owned_target)

    assert table_rows(owned_target.engine) == table_rows(source.engine)
    with owned_target.engine.connect() as db:
        owners = db.execute(
            text(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'"
            )
        )
        assert owners.scalars().all() == [owned_target.engine.url.username]


def test_the_data_restored_holds_what_was_made(source, backup, empty_target):
    restore(backup, empty_target)
    rows = table_rows(empty_target.engine)

    assert len(rows["public.reports"]) == 3
    assert len(rows["public.photos"]) == 3
    assert len(rows["public.users"]) == 2
    assert len(rows["public.report_status_changes"]) >= 3
    assert rows["public.outbox_messages"]
    assert rows["public.resident_follow_tokens"]
    assert rows["public.report_followers"]
    assert rows["public.role_grants"]


def test_the_restored_pave_serves_the_photos_and_the_follow_links(source, backup, empty_target):
    restore(backup, empty_target)
    client = empty_target.client

    for report in source.reports:
        public = client.get(f"/api/v1/reports/{report['id']}")
        assert public.status_code == 200
        for photo in public.get_json()["photos"]:
            served = client.get(photo["url"])
            assert served.status_code == 200
            assert served.data == source.client.get(photo["url"]).data
    tokens = follow_tokens(empty_target.engine)
    assert tokens
    for token in tokens:
        assert client.get(f"/api/v1/follow/{token}").status_code == 200


def test_the_manifest_says_what_the_backup_holds(backup):
    manifest = json.loads((backup / "manifest.json").read_text())

    assert manifest["schema"] == {
        "revisions": [manifest["schema"]["revisions"][0]],
        "at_head": True,
    }
    assert manifest["photos"] == {"storage": "local", "count": 6, "missing": []}
    assert set(manifest["files"]) == {
        p.relative_to(backup).as_posix()
        for p in backup.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert "snapshots" in manifest["not_included"]
