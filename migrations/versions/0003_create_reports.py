"""Create reports and their status history, with GiST and keyset indexes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATUSES = (
    "new",
    "acknowledged",
    "planned",
    "in_progress",
    "resolved",
    "rejected",
    "duplicate",
    "transferred",
    "reopened",
)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("category_id", sa.Integer, sa.ForeignKey("categories.id"), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("location", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("accuracy_m", sa.Float),
        sa.Column("commune_id", sa.Integer, sa.ForeignKey("communes.id"), nullable=False),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("bodies.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="new"),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("idempotency_key", sa.String(255), unique=True),
        sa.Column("request_fingerprint", sa.String(64)),
        sa.Column("reporter_name", sa.String(200)),
        sa.Column("reporter_email", sa.String(254)),
        sa.Column("reporter_phone", sa.String(40)),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status"
        ),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_positive"),
    )
    op.create_index("ix_reports_category_id", "reports", ["category_id"])
    op.create_index("ix_reports_commune_id", "reports", ["commune_id"])
    op.create_index("ix_reports_body_id", "reports", ["body_id"])
    op.create_index("ix_reports_status", "reports", ["status"])
    op.create_index("ix_reports_created_at_id", "reports", ["created_at", "id"])
    op.create_index("idx_reports_location", "reports", ["location"], postgresql_using="gist")
    op.create_index(
        "ix_reports_location_3812",
        "reports",
        [sa.text("ST_Transform(location, 3812)")],
        postgresql_using="gist",
    )
    op.create_table(
        "report_status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_report_status_changes_report_id", "report_status_changes", ["report_id"])


def downgrade() -> None:
    op.drop_table("report_status_changes")
    op.drop_table("reports")
