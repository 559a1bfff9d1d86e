"""Create photos: display and thumbnail renditions of a report's pictures, by content hash.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("client_photo_id", sa.String(255), nullable=False),
        sa.Column("upload_sha256", sa.String(64), nullable=False),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("display_sha256", sa.String(64), nullable=False),
        sa.Column("display_width", sa.Integer, nullable=False),
        sa.Column("display_height", sa.Integer, nullable=False),
        sa.Column("display_bytes", sa.Integer, nullable=False),
        sa.Column("thumbnail_sha256", sa.String(64), nullable=False),
        sa.Column("thumbnail_width", sa.Integer, nullable=False),
        sa.Column("thumbnail_height", sa.Integer, nullable=False),
        sa.Column("thumbnail_bytes", sa.Integer, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint(
            "report_id", "client_photo_id", name="uq_photos_report_id_client_photo_id"
        ),
        sa.UniqueConstraint("report_id", "position", name="uq_photos_report_id_position"),
        sa.CheckConstraint("position >= 0", name="position_positive"),
    )
    op.create_index("ix_photos_display_sha256", "photos", ["display_sha256"])
    op.create_index("ix_photos_thumbnail_sha256", "photos", ["thumbnail_sha256"])


def downgrade() -> None:
    op.drop_table("photos")
