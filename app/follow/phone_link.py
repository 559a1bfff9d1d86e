"""The reporter's follow link kept by the phone that made the report.

The app that creates a report gets, in the 201 answer (`follow_token`), a reporter's follow
link of its own, whether or not the resident left an email: "My reports" links to the
report's private follow page (/follow/<token>). Like the photo token, it is an HMAC of the
report's id under a key derived from SECRET_KEY, so a replayed creation answers the same one;
only its SHA-256 is stored, as for every follow link, so that the follow page finds it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.media.capability import report_token
from app.notify.notifications import token_hash

# Separates this use of SECRET_KEY from its others (photo tokens, cookies, reset links).
PURPOSE = b"pave phone follow link v1"

STORE_SQL = text(
    "INSERT INTO resident_follow_tokens (report_id, email, token_hash, role) "
    "VALUES (:report_id, :email, :token_hash, 'reporter') ON CONFLICT (token_hash) DO NOTHING"
)


def phone_follow_token(secret_key: str, report_id: uuid.UUID) -> str:
    """The report's phone follow token: 43 URL-safe characters."""
    return report_token(secret_key, PURPOSE, report_id)


def keep_phone_link(
    db: Connection, secret_key: str, report_id: uuid.UUID, email: str | None
) -> str:
    """Store the phone's link (once; a replay finds it stored) and return its token.

    Its email is the reporter's, so it speaks as the links of their emails do; without one,
    it is empty and the link only reads, comments and says fixed or not, as the reporter.
    """
    token = phone_follow_token(secret_key, report_id)
    params = {"report_id": report_id, "email": email or "", "token_hash": token_hash(token)}
    db.execute(STORE_SQL, params)
    return token
