"""add_photo and its "nothing half-written" rule, with failures injected in storage and database."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.media.errors import PhotoStorageError
from app.media.services import add_photo
from app.media.storage import LocalStorage
from tests.helpers import images
from tests.helpers.media import photo_rows, stored_files


class FailingStorage(LocalStorage):
    """Local storage whose disk fills up after `succeed` writes: a real failure mode."""

    def __init__(self, root, succeed: int):
        super().__init__(root)
        self.succeed = succeed

    def put(self, key, data, content_type):
        if self.succeed <= 0:
            raise OSError(28, "No space left on device")
        self.succeed -= 1
        return super().put(key, data, content_type)


def fail_inserts_into_photos(session) -> None:
    """A trigger that makes the database refuse the photo row (rolled back with the test)."""
    session.execute(
        text(
            "CREATE FUNCTION pave_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
        )
    )
    session.execute(
        text(
            "CREATE TRIGGER pave_test_refuse BEFORE INSERT ON photos "
            "FOR EACH ROW EXECUTE FUNCTION pave_test_refuse()"
        )
    )


def add(session, storage, report_id, data=None, key="photo-1"):
    data = data or images.jpeg(640, 480)
    return add_photo(session, storage, report_id, data, "upload", None, key)


def test_a_database_failure_after_storing_removes_the_files(session, storage, report_id, photo_dir):
    fail_inserts_into_photos(session)

    with pytest.raises(DBAPIError, match="injected failure"):
        add(session, storage, report_id)

    assert stored_files(photo_dir) == []
    assert photo_rows(session) == 0


def test_a_storage_failure_writes_no_row_and_removes_the_first_file(session, report_id, photo_dir):
    # The display image is written, then the disk is full for the thumbnail.
    storage = FailingStorage(photo_dir, succeed=1)

    with pytest.raises(PhotoStorageError):
        add(session, storage, report_id)

    assert photo_rows(session) == 0
    assert stored_files(photo_dir) == []


def test_a_rollback_of_the_callers_transaction_removes_the_files(
    session, storage, report_id, photo_dir
):
    added = add(session, storage, report_id)
    assert len(stored_files(photo_dir)) == 2
    assert added.replayed is False

    # For instance the report created in the same request could not be committed.
    session.rollback()

    assert stored_files(photo_dir) == []


def test_a_commit_keeps_the_files_and_a_later_rollback_leaves_them(
    session, storage, report_id, photo_dir
):
    add(session, storage, report_id)
    session.commit()
    session.rollback()

    assert len(stored_files(photo_dir)) == 2
    assert photo_rows(session, report_id) == 1


def test_files_shared_with_another_report_survive_a_failed_upload(
    session, storage, report_id, photo_dir
):
    from app.reports.services import PUBLIC_API, NewReport, ReportKey, create_report

    data = images.jpeg(640, 480)
    add(session, storage, report_id, data)
    session.commit()
    files = stored_files(photo_dir)
    other = create_report(
        session,
        NewReport(category="pothole", lon=4.35, lat=50.85),
        ReportKey.client(PUBLIC_API, "other"),
    )
    session.commit()

    add(session, storage, other.report_id, data)
    session.rollback()

    assert stored_files(photo_dir) == files
    assert photo_rows(session) == 1


def test_a_photo_for_a_missing_report_touches_no_storage(session, storage, photo_dir):
    from app.errors import NotFoundError

    with pytest.raises(NotFoundError):
        add(session, storage, uuid.uuid4())
    assert stored_files(photo_dir) == []


def test_the_caller_can_add_photos_in_the_transaction_that_creates_the_report(
    session, storage, photo_dir
):
    from app.reports.services import PUBLIC_API, NewReport, ReportKey, create_report

    created = create_report(
        session,
        NewReport(category="pothole", lon=4.35, lat=50.85),
        ReportKey.client(PUBLIC_API, "r"),
    )
    first = add(session, storage, created.report_id, images.jpeg(640, 480), "a")
    second = add(session, storage, created.report_id, images.png(300, 200), "b")
    session.commit()

    assert (first.photo.position, second.photo.position) == (0, 1)
    assert photo_rows(session, created.report_id) == 2
    assert len(stored_files(photo_dir)) == 4
