"""Add the residents' private follow links and the bodies' daily digest bookmarks.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resident_follow_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("email", sa.String(254), nullable=False),
        # Only the SHA-256 of the token is kept: a copy of the database opens no ticket.
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("link_base", sa.String(500), nullable=False, server_default=""),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_resident_follow_tokens_report_id", "resident_follow_tokens", ["report_id"])
    op.create_table(
        "body_digests",
        sa.Column(
            "body_id",
            sa.Integer,
            sa.ForeignKey("bodies.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("body_digests")
    op.drop_table("resident_follow_tokens")
