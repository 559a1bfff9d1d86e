"""Fixtures of the ticket tests: a report with a reporter who reads Dutch."""

from tests.helpers.tickets import ticket  # noqa: F401  (a fixture)
