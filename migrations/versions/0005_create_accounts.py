"""Create staff accounts, role grants and API tokens.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Kept here as written at this revision, not imported from the models, which may change later.
ROLES = "'crew_member', 'commune_manager', 'region_reviewer', 'administrator'"
GRANT_SCOPE_RULE = (
    "(role IN ('commune_manager', 'crew_member') AND body_id IS NOT NULL "
    "AND region_code IS NULL) OR "
    "(role = 'region_reviewer' AND region_code IS NOT NULL AND body_id IS NULL) OR "
    "(role = 'administrator' AND body_id IS NULL AND region_code IS NULL)"
)


def _timestamp(name: str, **kwargs) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("session_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("invitation_hash", sa.String(64), unique=True),
        _timestamp("invitation_expires_at"),
        sa.Column("invited_by_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        _timestamp("created_at", nullable=False, server_default=sa.func.now()),
        _timestamp("last_login_at"),
    )
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("bodies.id", ondelete="CASCADE")),
        sa.Column("region_code", sa.String(5), sa.ForeignKey("regions.code")),
        sa.Column("granted_by_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        _timestamp("created_at", nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"role IN ({ROLES})", name="role"),
        sa.CheckConstraint(GRANT_SCOPE_RULE, name="scope_matches_role"),
    )
    op.create_index("ix_role_grants_user_id", "role_grants", ["user_id"])
    op.create_index("ix_role_grants_body_id", "role_grants", ["body_id"])
    op.create_index(
        "uq_role_grants_user_role_scope",
        "role_grants",
        ["user_id", "role", sa.text("coalesce(body_id, 0)"), sa.text("coalesce(region_code, '')")],
        unique=True,
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _timestamp("created_at", nullable=False, server_default=sa.func.now()),
        _timestamp("last_used_at"),
        _timestamp("revoked_at"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("role_grants")
    op.drop_table("users")
