"""Fixtures of the photo tests: a fresh photo directory per test and a report to attach to."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from app.media.capability import photo_token
from app.media.storage import LocalStorage
from app.reports.services import PUBLIC_API, NewReport, ReportKey, create_report


@pytest.fixture
def photo_dir(tmp_path) -> Path:
    path = tmp_path / "photos"
    path.mkdir()
    return path


@pytest.fixture
def storage(photo_dir) -> LocalStorage:
    return LocalStorage(photo_dir)


@pytest.fixture
def photo_app(app, photo_dir):
    """The test app, storing photos in this test's own directory."""
    app.config["PHOTO_DIR"] = str(photo_dir)
    return app


@pytest.fixture
def photo_client(photo_app):
    return photo_app.test_client()


# The Idempotency-Key the `report_id` report was created with (not a credential any more).
REPORT_KEY = "report-creation-key"


def token_for(app, report_id) -> str:
    """The report's photo token, as its creation answered it: its author's Report-Key."""
    return photo_token(app.config["SECRET_KEY"], uuid.UUID(str(report_id)))


@pytest.fixture
def report_id(session) -> uuid.UUID:
    created = create_report(
        session,
        NewReport(category="pothole", lon=4.3525, lat=50.8467),
        ReportKey.client(PUBLIC_API, REPORT_KEY),
    )
    session.commit()
    return created.report_id


def stored_files(photo_dir: Path) -> list[Path]:
    """Every file under the photo directory, temporary ones included."""
    return sorted(p for p in photo_dir.rglob("*") if p.is_file())


def photo_rows(session, report_id: uuid.UUID | None = None) -> int:
    if report_id is None:
        return session.execute(text("SELECT count(*) FROM photos")).scalar()
    return session.execute(
        text("SELECT count(*) FROM photos WHERE report_id = :id"), {"id": report_id}
    ).scalar()


S3_BUCKET = "pave-photos"


@pytest.fixture
def s3(monkeypatch):
    """moto's in-process stand-in for S3 (the outside world), with the bucket S3_BUCKET."""
    import boto3
    import moto

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with moto.mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        yield client
