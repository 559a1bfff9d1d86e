"""Create the ticket lifecycle: events, audit log and the notification outbox.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The trail must stay as written: the database itself refuses to change or remove a row.
APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""


def upgrade() -> None:
    op.add_column(
        "reports", sa.Column("reporter_language", sa.String(2), nullable=False, server_default="fr")
    )
    op.add_column("reports", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column(
        "reports", sa.Column("priority", sa.String(10), nullable=False, server_default="normal")
    )
    # No foreign key yet: users come with migration 0005; a later revision adds the constraint.
    op.add_column("reports", sa.Column("assignee_user_id", sa.Integer))
    op.add_column("reports", sa.Column("planned_for", sa.Date))
    op.add_column(
        "reports",
        sa.Column("duplicate_of", sa.Uuid, sa.ForeignKey("reports.id", ondelete="SET NULL")),
    )
    op.create_check_constraint(
        "priority", "reports", "priority IN ('low', 'normal', 'high', 'urgent')"
    )
    op.create_check_constraint(
        "reporter_language", "reports", "reporter_language IN ('fr', 'nl', 'de', 'en')"
    )
    op.create_check_constraint("not_duplicate_of_itself", "reports", "duplicate_of <> id")
    op.create_index("ix_reports_assignee_user_id", "reports", ["assignee_user_id"])
    op.create_index("ix_reports_duplicate_of", "reports", ["duplicate_of"])

    op.add_column(
        "bodies",
        sa.Column("notify_mode", sa.String(10), nullable=False, server_default="immediate"),
    )
    op.create_check_constraint("notify_mode", "bodies", "notify_mode IN ('immediate', 'daily')")

    op.create_table(
        "report_updates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("author_user_id", sa.Integer),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("public", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index(
        "ix_report_updates_report_id_created_at", "report_updates", ["report_id", "created_at"]
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_user_id", sa.Integer),
        sa.Column("report_id", sa.Uuid),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("before", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("after", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    )
    op.create_index("ix_audit_log_report_id_id", "audit_log", ["report_id", "id"])
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(APPEND_ONLY_TRIGGER)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("report_id", sa.Uuid, sa.ForeignKey("reports.id", ondelete="SET NULL")),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_outbox_messages_report_id", "outbox_messages", ["report_id"])
    op.create_index(
        "ix_outbox_messages_due",
        "outbox_messages",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("report_updates")
    op.drop_constraint("notify_mode", "bodies", type_="check")
    op.drop_column("bodies", "notify_mode")
    for name in ("not_duplicate_of_itself", "reporter_language", "priority"):
        op.drop_constraint(name, "reports", type_="check")
    op.drop_index("ix_reports_duplicate_of", "reports")
    op.drop_index("ix_reports_assignee_user_id", "reports")
    for column in (
        "duplicate_of",
        "planned_for",
        "assignee_user_id",
        "priority",
        "version",
        "reporter_language",
    ):
        op.drop_column("reports", column)
