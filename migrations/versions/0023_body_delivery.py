"""How each body receives its reports (issue 16): the method, an Open311 connection, deliveries.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06

- `bodies.delivery_method`: 'pave' (the crew screens only), 'email', 'open311' or
  'open311_email'. Bodies that have a contact email get 'email', which is what they received
  until now (the immediate or daily email of new tickets); the others get 'pave'.
- `body_open311`: a body's Open311 endpoint, jurisdiction, API key (encrypted by
  app/delivery/crypto.py, never stored in clear), the service_code of each category, extra
  attributes, and the cursor of the status pull.
- `report_deliveries`: the delivery of one report to one body's own system, sent by the worker
  through this outbox with retries and backoff. `attempt_started_at` is committed before the
  request leaves and cleared with its outcome: a claimed row that still has it set had an
  unknown outcome, and is reconciled with the remote before anything is sent again.
  `remote_checked_at` and `remote_update_ids` serve the status pull.
- `open311_pushed_updates`: the update_id of each update a remote pushed, per account, so that
  a replay is not applied twice, with a fingerprint of what it said.
- `outbox_messages.bounced_at`, `bounce_reason`: a message the recipient's mail system refused
  for good (a 5xx at SMTP time, or a delivery status notification received later).

Expand-only: columns (one with a default, others nullable) and three new tables, which the
previous release ignores.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

METHODS = "'pave', 'email', 'open311', 'open311_email'"


def upgrade() -> None:
    op.add_column(
        "bodies",
        sa.Column("delivery_method", sa.String(20), nullable=False, server_default="pave"),
    )
    op.create_check_constraint("delivery_method", "bodies", f"delivery_method IN ({METHODS})")
    op.execute("UPDATE bodies SET delivery_method = 'email' WHERE contact_email IS NOT NULL")
    op.create_table(
        "body_open311",
        sa.Column(
            "body_id",
            sa.Integer,
            sa.ForeignKey("bodies.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("endpoint", sa.String(500), nullable=False),
        sa.Column("jurisdiction_id", sa.String(200)),
        sa.Column("api_key_encrypted", sa.LargeBinary),
        sa.Column(
            "service_codes",
            postgresql.JSONB,
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
        sa.Column(
            "attributes", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.Column("updates_cursor", sa.DateTime(timezone=True)),
        # The ids of the updates read at exactly the cursor's time: not read again.
        sa.Column(
            "updates_cursor_ids",
            postgresql.JSONB,
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_table(
        "report_deliveries",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "report_id",
            sa.Uuid,
            sa.ForeignKey("reports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("bodies.id"), nullable=False),
        sa.Column("method", sa.String(20), nullable=False, server_default="open311"),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("attempt_started_at", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("failed_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("remote_id", sa.String(200)),
        sa.Column("remote_token", sa.String(200)),
        sa.Column("remote_status", sa.String(40)),
        sa.Column("remote_status_text", sa.Text),
        sa.Column("remote_updated_at", sa.DateTime(timezone=True)),
        # The status pull (app/delivery/pull.py): when the ticket was last asked for (oldest
        # first), and the ids of the remote updates already applied (each applied once).
        sa.Column("remote_checked_at", sa.DateTime(timezone=True)),
        sa.Column(
            "remote_update_ids",
            postgresql.JSONB,
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
        sa.CheckConstraint("method IN ('open311')", name="method"),
        sa.UniqueConstraint("report_id", "body_id"),
    )
    op.create_index(
        "ix_report_deliveries_due",
        "report_deliveries",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"),
    )
    op.create_index(
        "ix_report_deliveries_remote",
        "report_deliveries",
        ["body_id", "remote_id"],
        unique=True,
        postgresql_where=sa.text("remote_id IS NOT NULL"),
    )
    # The updates a remote system pushed (POST servicerequestupdates) by their update_id,
    # per API key's account: a replayed one is answered again, not applied twice.
    op.create_table(
        "open311_pushed_updates",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("remote_update_id", sa.String(200), primary_key=True),
        sa.Column(
            "report_id",
            sa.Uuid,
            sa.ForeignKey("reports.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("update_id", sa.String(60), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    # A message refused for good by the recipient's mail system: at SMTP time (a 5xx) or
    # later by a delivery status notification to its VERP Return-Path (app/delivery/inbound.py).
    op.add_column("outbox_messages", sa.Column("bounced_at", sa.DateTime(timezone=True)))
    op.add_column("outbox_messages", sa.Column("bounce_reason", sa.Text))
    # What a pushed update said (a hash of its fields): a replay of its update_id that says
    # something else is refused, not answered as the first.
    op.add_column("open311_pushed_updates", sa.Column("fingerprint", sa.String(64)))


def downgrade() -> None:
    op.drop_column("open311_pushed_updates", "fingerprint")
    op.drop_column("outbox_messages", "bounce_reason")
    op.drop_column("outbox_messages", "bounced_at")
    op.drop_table("open311_pushed_updates")
    op.drop_table("report_deliveries")
    op.drop_table("body_open311")
    op.drop_constraint(op.f("ck_bodies_delivery_method"), "bodies")
    op.drop_column("bodies", "delivery_method")
