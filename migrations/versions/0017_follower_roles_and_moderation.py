"""Followers who are not the reporter, and residents' text public only after review.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

- resident_follow_tokens.role: what a link may do. Only the reporter's links say fixed or not
  fixed and speak as the reporter; until now the reporter was told apart by the email alone,
  which is how the existing links are backfilled.
- report_followers.confirmed_at and the pending request's token hash and expiry: following
  starts only once the address confirmed it. Followers of today were sent their link already,
  so they count as confirmed.
- report_updates.follow_token_id: which link wrote a resident's comment, so that its author
  reads it before staff publish it (a resident's comment is not public until then).
- report_status_changes.reason_public: a rejection's or transfer's reason is told to the
  reporter, and published only when staff mark it so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "resident_follow_tokens",
        sa.Column("role", sa.String(10), nullable=False, server_default="reporter"),
    )
    op.create_check_constraint(
        op.f("ck_resident_follow_tokens_role"),
        "resident_follow_tokens",
        "role IN ('reporter', 'follower')",
    )
    op.execute(
        "UPDATE resident_follow_tokens t SET role = 'follower' FROM reports r "
        "WHERE r.id = t.report_id "
        "AND lower(t.email) IS DISTINCT FROM lower(r.reporter_email)"
    )
    # The default only filled the existing rows: every new link states its role.
    op.alter_column("resident_follow_tokens", "role", server_default=None)
    op.add_column("report_followers", sa.Column("confirmed_at", sa.DateTime(timezone=True)))
    op.add_column("report_followers", sa.Column("confirm_token_hash", sa.String(64)))
    op.add_column("report_followers", sa.Column("confirm_expires_at", sa.DateTime(timezone=True)))
    op.create_unique_constraint(
        "uq_report_followers_confirm_token_hash", "report_followers", ["confirm_token_hash"]
    )
    op.execute("UPDATE report_followers SET confirmed_at = created_at")
    op.add_column(
        "report_updates",
        sa.Column(
            "follow_token_id",
            sa.Integer,
            sa.ForeignKey("resident_follow_tokens.id", ondelete="SET NULL"),
        ),
    )
    op.add_column(
        "report_status_changes",
        sa.Column("reason_public", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("report_status_changes", "reason_public")
    op.drop_column("report_updates", "follow_token_id")
    op.drop_constraint("uq_report_followers_confirm_token_hash", "report_followers")
    op.drop_column("report_followers", "confirm_expires_at")
    op.drop_column("report_followers", "confirm_token_hash")
    op.drop_column("report_followers", "confirmed_at")
    op.drop_constraint(op.f("ck_resident_follow_tokens_role"), "resident_follow_tokens")
    op.drop_column("resident_follow_tokens", "role")
