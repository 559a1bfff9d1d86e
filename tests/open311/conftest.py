"""Fixtures of the Open311 tests: API keys of crews, and a ticket with its reporter's contact."""

from tests.helpers.open311 import (  # noqa: F401  (fixtures)
    api_key,
    make_staff,
    namur_key,
    places,
    ticket,
)
