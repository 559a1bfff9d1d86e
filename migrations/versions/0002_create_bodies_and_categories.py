"""Create bodies, category groups and categories.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _names(length: int, nullable: bool) -> list[sa.Column]:
    return [
        sa.Column(f"name_{lang}", sa.String(length), nullable=nullable)
        for lang in ("fr", "nl", "de", "en")
    ]


def upgrade() -> None:
    op.create_table(
        "bodies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(60), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        *_names(200, nullable=True),
        sa.Column("nis_code", sa.String(5), unique=True),
        sa.Column("region_code", sa.String(5), sa.ForeignKey("regions.code")),
        sa.Column("contact_email", sa.String(254)),
        sa.Column("contact_phone", sa.String(40)),
        sa.Column("contact_url", sa.String(500)),
        sa.CheckConstraint("kind IN ('commune', 'region', 'operator')", name="kind"),
        sa.CheckConstraint("kind <> 'commune' OR nis_code IS NOT NULL", name="commune_has_nis"),
        sa.CheckConstraint("kind <> 'region' OR region_code IS NOT NULL", name="region_has_code"),
    )
    op.create_table(
        "category_groups",
        sa.Column("code", sa.String(60), primary_key=True),
        *_names(200, nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(60), nullable=False, unique=True),
        sa.Column(
            "group_code", sa.String(60), sa.ForeignKey("category_groups.code"), nullable=False
        ),
        *_names(200, nullable=False),
        sa.Column("handler", sa.String(20), nullable=False, server_default="commune"),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("bodies.id")),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.CheckConstraint("handler IN ('commune', 'region', 'body')", name="handler"),
        sa.CheckConstraint(
            "handler <> 'body' OR body_id IS NOT NULL", name="body_handler_has_body"
        ),
    )


def downgrade() -> None:
    op.drop_table("categories")
    op.drop_table("category_groups")
    op.drop_table("bodies")
