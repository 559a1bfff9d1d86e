"""What a delivery's last error was, for the staff screens to say it in their reader's language.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06

`report_deliveries.last_error` stays the worker's own English line (for the log and the
administrators); beside it, `last_error_kind` (refused, remote_error, no_answer, unreachable,
internal_address, duplicate_id, no_connection, transferred, no_service_code, key_unreadable),
`last_error_status` (the remote's HTTP status, when it answered one) and `last_error_detail`
(the remote's own words, or the category without a service code). No personal data.
Expand-only: nullable columns, which the previous release ignores; a row failed before this
revision has no kind, and the screens say only that it failed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report_deliveries", sa.Column("last_error_kind", sa.String(40)))
    op.add_column("report_deliveries", sa.Column("last_error_status", sa.SmallInteger))
    op.add_column("report_deliveries", sa.Column("last_error_detail", sa.Text))


def downgrade() -> None:
    op.drop_column("report_deliveries", "last_error_detail")
    op.drop_column("report_deliveries", "last_error_status")
    op.drop_column("report_deliveries", "last_error_kind")
