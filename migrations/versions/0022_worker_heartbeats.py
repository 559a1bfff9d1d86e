"""The worker's heartbeat: when each outbox worker last went round its loop.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06

`flask --app app worker` writes its row (`name`: the host's name unless `--name` says
otherwise) at every turn of its loop, with the database's clock. Readiness
(`GET /api/v1/health/ready`) and `/metrics` read how long ago the freshest was written. No
personal data: a name, a process id and a host name. Expand-only: a new table, which the
previous release simply ignores.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("hostname", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeats")
