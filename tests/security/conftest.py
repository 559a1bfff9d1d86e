"""Fixtures of the attack tests on the status pull: the fake remote of
tests/helpers/delivery_fixtures.py."""

from tests.helpers.delivery_fixtures import remote  # noqa: F401  (fixtures)
