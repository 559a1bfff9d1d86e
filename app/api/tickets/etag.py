"""ETag and If-Match of a ticket: `"v<version>"`, required on every change, never overwritten."""

from __future__ import annotations

import re

from flask import request

from app.errors import PaveError
from app.tickets.errors import StaleVersionError

ETAG_PATTERN = re.compile(r'^"v([0-9]{1,9})"$')


class IfMatchRequiredError(PaveError):
    """A change sent without the ETag of the version it was made on (RFC 6585: 428)."""

    code = "if-match-required"


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version() -> int:
    """The version named by the request's If-Match header; 428 without one, 412 if unknown."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent or sent == "*":
        # "*" would match any version: exactly the silent overwrite this header prevents.
        raise IfMatchRequiredError(
            'Send the ETag you last read as If-Match: "v<version>", so that a change made '
            "meanwhile by someone else is not overwritten."
        )
    match = ETAG_PATTERN.fullmatch(sent)
    if match is None:
        # Weak, foreign or several ETags: none can name the version of this ticket.
        raise StaleVersionError(
            f"If-Match {sent} does not name a version of this ticket: reload it.",
            current_version=None,
        )
    return int(match.group(1))
