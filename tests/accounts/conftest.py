"""Fixtures of the account tests: the bodies of three communes, and staff to log in."""

from tests.helpers.accounts import make_staff, places  # noqa: F401  (fixtures)
