"""Fixtures of the delivery tests: staff of Bruxelles, Ixelles and Namur, and a ticket."""

from tests.helpers.staff import crew, make_staff, places, staff_as, ticket  # noqa: F401  (fixtures)
