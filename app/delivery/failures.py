"""What a failed delivery attempt was, in a form the staff screens put in their reader's words.

The worker's own line (`last_error`, English, for the log and the administrators) says it all
in one sentence; the screens need its parts: a kind, the remote's HTTP status when it answered
one, and a detail (the remote's own words, shown quoted as the remote wrote them, or the
category that has no service code). The kinds are the PWA's `staff.deliveryError.<kind>`.
"""

from __future__ import annotations

from dataclasses import dataclass

REFUSED = "refused"  # a 4xx: nothing was created
REMOTE_ERROR = "remote_error"  # a 5xx, 408, 409, 425, 429: it may or may not hold the report
NO_ANSWER = "no_answer"  # no answer, or one that could not be read
UNREACHABLE = "unreachable"  # nothing reached the remote
INTERNAL_ADDRESS = "internal_address"  # the endpoint resolves to an internal address
DUPLICATE_ID = "duplicate_id"  # the remote answered with another report's id
NO_CONNECTION = "no_connection"  # the body has no Open311 connection (delivery settings)
TRANSFERRED = "transferred"  # the ticket is another body's now
NO_SERVICE_CODE = "no_service_code"  # the category has no service_code (delivery settings)
KEY_UNREADABLE = "key_unreadable"  # the stored API key cannot be decrypted


@dataclass(frozen=True)
class Failure:
    kind: str
    status: int | None = None
    detail: str | None = None
