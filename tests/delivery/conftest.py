"""Fixtures of the delivery tests: staff of Bruxelles, Ixelles and Namur, a ticket, and the
instances and fake remote of tests/helpers/delivery_fixtures.py."""

from tests.helpers.delivery_fixtures import a, b, proxy, remote  # noqa: F401  (fixtures)
from tests.helpers.staff import crew, make_staff, places, staff_as, ticket  # noqa: F401  (fixtures)
