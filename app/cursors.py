"""Page cursors: opaque URL-safe tokens that each list makes of its own keys, read back strictly.

A cursor is unpadded URL-safe base64 of a text: JSON for the reports and tickets lists, the
OGC API's own "direction:key". Each list keeps its format (the cursors clients hold stay
valid); this module only writes and reads the envelope, and turns any flaw into one error.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar

from app.errors import InvalidCursorError
from app.problems import Message

T = TypeVar("T")


def pack(text: str) -> str:
    """The text as unpadded URL-safe base64."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def unpack(token: str) -> str:
    """The text of a token `pack` made; ValueError if it is not base64 of UTF-8 text."""
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()


def encode(value: Any) -> str:
    """A cursor holding `value` (JSON-serialisable) as JSON."""
    return pack(json.dumps(value))


def decode(token: str, read: Callable[[Any], T], invalid: str | Message) -> T:
    """What `read` makes of the JSON in a cursor `encode` made.

    Any flaw, in the envelope or found by `read` (which raises ValueError, TypeError,
    IndexError, KeyError or AttributeError on a value it cannot use: `uuid.UUID(5)` is the
    last), is InvalidCursorError(`invalid`).
    """
    try:
        return read(json.loads(unpack(token)))
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise InvalidCursorError(invalid) from exc


def aware_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date-time with its UTC offset; a naive one is a ValueError."""
    at = dt.datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at
