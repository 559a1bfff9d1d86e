"""Follow links start with PUBLIC_BASE_URL: drop the per-report link base taken from Host.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

The scheme and host of a report's first follow link used to be stored
(`resident_follow_tokens.link_base`, `report_followers.link_base`) and reused by its later
emails. They came from the request's Host header, so anyone following a report could choose
where the reporter's next links pointed. Every link is now built from PUBLIC_BASE_URL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_column("resident_follow_tokens", "link_base")
    op.drop_column("report_followers", "link_base")


def downgrade() -> None:
    for table in ("resident_follow_tokens", "report_followers"):
        op.add_column(
            table, sa.Column("link_base", sa.String(500), nullable=False, server_default="")
        )
