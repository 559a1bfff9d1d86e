"""Fixtures of the notification tests: the ticket tests' report with a Dutch-reading reporter."""

from tests.tickets.conftest import ticket  # noqa: F401  (a fixture)
