"""Fixtures of the API tests: staff of Bruxelles, Ixelles and Namur, and a ticket to act on."""

from tests.helpers.staff import crew, make_staff, places, staff_as, ticket  # noqa: F401  (fixtures)
