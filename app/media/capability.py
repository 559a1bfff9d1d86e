"""The photo capability: what lets a report's author add photos to it after its creation.

The server hands it to the app that created the report, in the 201 answer (`photo_token`),
and takes it back in the Report-Key header. It is an HMAC of the report's id under a key
derived from SECRET_KEY, so nothing needs storing: a database leak reveals none, a replayed
creation returns the same one, and it cannot be guessed from the public id. Changing
SECRET_KEY revokes every token at once (the follow link still works then).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

# Separates this use of SECRET_KEY from its others (session cookies, reset links).
PURPOSE = b"pave photo capability v1"


def report_token(secret_key: str, purpose: bytes, report_id: uuid.UUID) -> str:
    """An HMAC of the report's id under a key derived from SECRET_KEY for `purpose`: 43
    URL-safe characters, the same each time it is asked for."""
    key = hmac.new(secret_key.encode(), purpose, hashlib.sha256).digest()
    digest = hmac.new(key, report_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def photo_token(secret_key: str, report_id: uuid.UUID) -> str:
    """The report's photo token."""
    return report_token(secret_key, PURPOSE, report_id)


def is_photo_token(secret_key: str, report_id: uuid.UUID, candidate: str) -> bool:
    """Whether `candidate` is the report's token, compared in constant time."""
    expected = photo_token(secret_key, report_id)
    return hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "replace"))
