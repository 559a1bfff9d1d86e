"""The cursor envelope: what a list writes, it reads back; anything else is one error."""

from __future__ import annotations

import datetime as dt

import pytest

from app import cursors
from app.errors import InvalidCursorError


def test_a_value_comes_back_as_it_went_in():
    token = cursors.encode(["-created_at", "2025-01-01T00:00:00+00:00"])

    assert "=" not in token
    assert cursors.decode(token, list, "bad") == ["-created_at", "2025-01-01T00:00:00+00:00"]


def test_tokens_are_those_the_lists_always_made():
    # Cursors clients hold must still decode: the envelope is unchanged.
    assert cursors.encode(["a", "b"]) == "WyJhIiwgImIiXQ"
    assert cursors.pack("after:123") == "YWZ0ZXI6MTIz"
    assert cursors.unpack("YWZ0ZXI6MTIz") == "after:123"


@pytest.mark.parametrize(
    "token",
    ["!!not-a-cursor!!", cursors.pack("junk"), "3q2-7w", cursors.encode(["a", "b"])],
)
def test_a_flaw_in_the_token_or_its_value_is_an_invalid_cursor(token):
    def read(raw):
        (text,) = raw
        return text.upper()

    with pytest.raises(InvalidCursorError, match="not ours"):
        cursors.decode(token, read, "not ours")


def test_a_cursor_time_must_carry_its_offset():
    assert cursors.aware_datetime("2025-01-01T10:00:00+01:00").utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(ValueError, match="naive"):
        cursors.aware_datetime("2025-01-01T10:00:00")
