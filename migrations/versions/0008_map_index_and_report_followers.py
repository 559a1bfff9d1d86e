"""Serve the staff map newest first per body; followers who move to a duplicate's original.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A crew's map and list walk their body's tickets newest first and stop at a page.
    op.create_index("ix_reports_body_id_created_at_id", "reports", ["body_id", "created_at", "id"])
    # The bbox filter compares ST_X and ST_Y; without statistics on them the planner guesses
    # that any bbox holds almost nothing, and sorts a whole commune rather than walk the index.
    op.execute(
        "CREATE STATISTICS reports_location_xy (ndistinct) "
        "ON (ST_X(location)), (ST_Y(location)) FROM reports"
    )
    op.create_table(
        "report_followers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("link_base", sa.String(500), nullable=False, server_default=""),
        sa.Column("merged_from", sa.Uuid, sa.ForeignKey("reports.id", ondelete="SET NULL")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("report_id", "email", name="uq_report_followers_report_id"),
    )
    op.create_index("ix_report_followers_merged_from", "report_followers", ["merged_from"])


def downgrade() -> None:
    op.drop_table("report_followers")
    op.execute("DROP STATISTICS IF EXISTS reports_location_xy")
    op.drop_index("ix_reports_body_id_created_at_id", "reports")
