"""Population per commune: the denominators of the dashboard's rates per 1,000 inhabitants.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06

- `commune_populations`: one row per NIS code, with the reference date of the count and its
  source (Statbel's open-data licence asks that both be cited wherever a rate is shown).
  Keyed on the NIS code, not on `communes.id`: a boundary import makes new commune rows, and
  the population of a code survives it. `flask population load` replaces the whole table.
- `commune_outline_files`: the dashboard's GeoJSON of the communes' outlines (plain and
  gzipped), made by the commands that change them (a population load, a boundary import)
  for the version of the boundaries and population they leave, so that no web process
  spends seconds simplifying Belgium on its first request. A cache: any row may be deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commune_populations",
        sa.Column("nis_code", sa.String(5), primary_key=True),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("reference_date", sa.Date, nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column(
            "loaded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("nis_code ~ '^[0-9]{5}$'", name="ck_commune_populations_nis_code"),
        sa.CheckConstraint("population >= 0", name="ck_commune_populations_population"),
    )

    op.create_table(
        "commune_outline_files",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("gzipped", sa.LargeBinary, nullable=False),
        sa.Column(
            "made_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_table("commune_outline_files")
    op.drop_table("commune_populations")
