"""Back office: idempotent staff changes, server-side sessions, one digest a day, media links.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28

- `staff_request_keys`: a staff change sent with an Idempotency-Key (the crews' offline
  outbox sends its item's id) is recorded with the change, so a retry is answered, not redone.
- `staff_sessions`: a session cookie names a row; logging out deletes it, which ends the
  session even for a copy of the cookie. The row replaces `users.session_version`, which only
  ended every session of a user at once.
- `body_digests.last_digest_day`: the local day of the last scheduled digest of a body, so
  that workers send at most one a day.
- `reports.media_url`: a picture elsewhere, linked by an Open311 client (http or https).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_request_keys",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("response_status", sa.SmallInteger, nullable=False),
        sa.Column(
            "report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("user_id", "key"),
    )
    op.create_index("ix_staff_request_keys_report_id", "staff_request_keys", ["report_id"])

    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_index("ix_staff_sessions_last_seen_at", "staff_sessions", ["last_seen_at"])
    # Sessions signed before this revision name no row: their holders log in again.
    op.drop_column("users", "session_version")

    op.add_column("body_digests", sa.Column("last_digest_day", sa.Date))

    op.add_column("reports", sa.Column("media_url", sa.String(2000)))
    op.create_check_constraint("media_url_http", "reports", "media_url ~ '^https?://'")


def downgrade() -> None:
    op.drop_constraint("media_url_http", "reports", type_="check")
    op.drop_column("reports", "media_url")
    op.drop_column("body_digests", "last_digest_day")
    op.add_column(
        "users",
        sa.Column("session_version", sa.Integer, nullable=False, server_default="1"),
    )
    op.drop_table("staff_sessions")
    op.drop_table("staff_request_keys")
