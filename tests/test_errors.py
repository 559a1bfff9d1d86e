"""app/errors.py: a domain error's title is its code's, read from the catalogue."""

from __future__ import annotations

from app.accounts.errors import AccountActionNotAllowedError
from app.errors import PaveError
from app.tickets.errors import StaleVersionError


def test_an_error_has_the_english_title_of_its_code_set_or_inherited():
    assert PaveError("x").title == "Request cannot be processed"
    stale = StaleVersionError("x", current_version=2)
    assert stale.title == "The ticket was changed by someone else"
    assert AccountActionNotAllowedError("x").title == "Not allowed"
