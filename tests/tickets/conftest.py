"""Fixtures of the ticket tests: a report with a reporter who reads Dutch."""

from __future__ import annotations

import pytest
from sqlalchemy import text


@pytest.fixture
def ticket(report_factory, session):
    """A new report in Brussels by a Dutch-speaking reporter who left an email address."""
    report = report_factory(with_reporter=True, in_brussels=True)
    session.execute(
        text("UPDATE reports SET reporter_language = 'nl' WHERE id = :id"), {"id": report.id}
    )
    return report.id
