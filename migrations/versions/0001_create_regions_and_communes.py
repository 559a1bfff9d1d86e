"""Create regions, boundary sets, communes and their subdivided parts.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

REGIONS = [
    ("02000", "flanders", "Région flamande", "Vlaams Gewest", "Flämische Region", "Flemish Region"),
    (
        "03000",
        "wallonia",
        "Région wallonne",
        "Waals Gewest",
        "Wallonische Region",
        "Walloon Region",
    ),
    (
        "04000",
        "brussels",
        "Région de Bruxelles-Capitale",
        "Brussels Hoofdstedelijk Gewest",
        "Region Brüssel-Hauptstadt",
        "Brussels-Capital Region",
    ),
]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    regions = op.create_table(
        "regions",
        sa.Column("code", sa.String(5), primary_key=True),
        sa.Column("slug", sa.String(20), nullable=False, unique=True),
        sa.Column("name_fr", sa.String(100), nullable=False),
        sa.Column("name_nl", sa.String(100), nullable=False),
        sa.Column("name_de", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
    )
    op.bulk_insert(
        regions,
        [
            dict(zip(("code", "slug", "name_fr", "name_nl", "name_de", "name_en"), r, strict=True))
            for r in REGIONS
        ],
    )
    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False, unique=True),
        sa.Column("valid_to", sa.Date),
        sa.Column("commune_count", sa.Integer, nullable=False),
        sa.Column(
            "imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_table(
        "communes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nis_code", sa.String(5), nullable=False),
        sa.Column("name_fr", sa.String(100)),
        sa.Column("name_nl", sa.String(100)),
        sa.Column("name_de", sa.String(100)),
        sa.Column("region_code", sa.String(5), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column(
            "boundary_set_id",
            sa.Integer,
            sa.ForeignKey("boundary_sets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column(
            "boundary", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False
        ),
        sa.UniqueConstraint("nis_code", "valid_from"),
    )
    op.create_index("ix_communes_nis_code", "communes", ["nis_code"])
    op.create_index("idx_communes_boundary", "communes", ["boundary"], postgresql_using="gist")
    op.create_table(
        "commune_parts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "commune_id",
            sa.Integer,
            sa.ForeignKey("communes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
    )
    op.create_index("ix_commune_parts_commune_id", "commune_parts", ["commune_id"])
    op.create_index("idx_commune_parts_geom", "commune_parts", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("commune_parts")
    op.drop_table("communes")
    op.drop_table("boundary_sets")
    op.drop_table("regions")
