"""The update_id of servicerequestupdates: stable and unique, but telling neither order nor count.

The rows behind an update are numbered by serials that every report shares, that private
comments advance too. Published as such, a sensitive report's update, whose time is rounded to
the hour, would sit between two exact times of other reports, and the gaps would count the
private comments. So an update is named by an HMAC of its internal name ("status-42",
"update-7") under a key derived from SECRET_KEY, cut to 96 bits: the same on every request,
as clients that dedupe on it need, and unrelated to the next one. The feed computes it in SQL
(to order and page on it), the POST answer in Python; both are the same HMAC-SHA256. Changing
SECRET_KEY renames every update, which clients see as new ones.
"""

from __future__ import annotations

import hashlib
import hmac

# Separates this use of SECRET_KEY from its others (session cookies, photo tokens).
PURPOSE = b"pave open311 update id v1"
# Hex digits kept of the digest: 96 bits, no collision in any real feed, short enough to read.
DIGITS = 24
# SHA-256's block size, to which HMAC pads its key.
BLOCK = 64


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), PURPOSE, hashlib.sha256).digest()


def update_id(secret_key: str, kind: str, internal_id: int) -> str:
    """The public id of the status change (kind "status") or update ("update") `internal_id`."""
    message = f"{kind}-{internal_id}".encode()
    digest = hmac.new(_key(secret_key), message, hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:DIGITS]}"


def sql_params(secret_key: str) -> dict[str, bytes]:
    """The padded inner and outer keys of the HMAC that `sql_update_id` computes."""
    key = _key(secret_key).ljust(BLOCK, b"\0")
    return {
        "id_inner": bytes(b ^ 0x36 for b in key),
        "id_outer": bytes(b ^ 0x5C for b in key),
    }


def sql_update_id(kind: str, column: str) -> str:
    """SQL for `update_id(kind, column)`, given `sql_params` bound (HMAC spelt out with sha256).

    `kind` and `column` are constants of the caller, never input.
    """
    message = f"convert_to('{kind}-' || {column}, 'UTF8')"
    inner = f"sha256(CAST(:id_inner AS bytea) || {message})"
    digest = f"encode(sha256(CAST(:id_outer AS bytea) || {inner}), 'hex')"
    return f"'{kind}-' || left({digest}, {DIGITS})"
