"""Outbox: messages the worker gives up on, and links dropped from sent messages.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

- `outbox_messages.failed_at`: when the worker gave up on a message after OUTBOX_MAX_ATTEMPTS
  failed attempts (one it cannot even build, such as an address with a control character,
  fails every time). The row is kept, with its last error, for someone to look at; it is no
  longer due, so the partial index of due messages leaves it out.
- `outbox_messages.redactions`: the private links (follow, unsubscribe, invitation, password
  reset) written into the body. Once the message is sent or given up, they are replaced in
  the body by a marker and this column is emptied: a delivered row holds no token.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_messages", sa.Column("failed_at", sa.DateTime(timezone=True)))
    op.add_column("outbox_messages", sa.Column("redactions", ARRAY(sa.Text)))
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.create_index(
        "ix_outbox_messages_due",
        "outbox_messages",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.create_index(
        "ix_outbox_messages_due",
        "outbox_messages",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_column("outbox_messages", "redactions")
    op.drop_column("outbox_messages", "failed_at")
