"""Fixtures of the follow tests: reports made over HTTP by residents, and staff to act."""

from tests.helpers.follow import (  # noqa: F401  (fixtures)
    crew,
    followed,
    make_staff,
    places,
    post_report,
    staff_as,
)
