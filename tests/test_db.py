"""app/db.py: the engine's errors, which the app logs, never quote a statement's values."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.db import make_engine


def test_a_failed_statement_does_not_show_its_parameters(engine):
    own = make_engine(engine.url, pool_size=1, connect_args={"options": "-c statement_timeout=50"})
    try:
        with own.connect() as db, pytest.raises(OperationalError) as failure:
            db.execute(text("SELECT pg_sleep(5), :email"), {"email": "marie@example.org"})
    finally:
        own.dispose()
    message = str(failure.value)
    assert "statement timeout" in message
    assert "SELECT pg_sleep(5)" in message
    assert "marie@example.org" not in message
