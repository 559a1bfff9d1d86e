"""Fixtures of the photo tests: a photo directory of the test's own, and a report to add to."""

from tests.helpers.media import (  # noqa: F401  (fixtures)
    photo_app,
    photo_client,
    photo_dir,
    report_id,
    s3,
    storage,
)
