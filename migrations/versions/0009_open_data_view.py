"""Open data: the anonymised view every public export reads, and what it needs.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

Exports, OGC API Features and the dashboard never read the reports table: they read
`open_data_reports`, which has no column that could identify or reach a reporter. What it
leaves out or generalises (README, "Open data"):

- no reporter name, email, phone or language, no idempotency key, no internal note;
- the resident's free text only once a member of staff marked it publishable
  (`reports.description_public`);
- the photo only when staff did not hide it;
- for a sensitive category (`categories.sensitive`), the location is snapped to a 100 m grid
  in Lambert 2008 and kept inside the report's commune, and the times are rounded down to the
  hour.

The generalised location is computed when a report is written (a trigger fills
`reports.public_location`), not on every read: testing a point against its commune's polygon
for each row of a million-row export would cost more than the export itself. `resolved_at` is
kept the same way, so that resolution times are a subtraction rather than a history lookup.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The OSLO MeldingStatuswaarde concept of each status (app/tickets/states.py OSLO_STATUS; a
# test checks that the two agree).
_OSLO = "https://data.vlaanderen.be/id/concept/MeldingStatuswaarde/"
OSLO_CODES = {
    "new": "511",
    "acknowledged": "557",
    "planned": "496",
    "in_progress": "496",
    "resolved": "133",
    "rejected": "475",
    "duplicate": "250",
    "transferred": "557",
    "reopened": "647",
}
CLOSED = ("resolved", "rejected", "duplicate")

PUBLIC_LOCATION_FUNCTION = """
CREATE FUNCTION pave_public_location(point geometry, category integer, commune integer)
RETURNS geometry LANGUAGE plpgsql STABLE AS $$
DECLARE
    snapped geometry;
    outline geometry;
BEGIN
    IF NOT coalesce((SELECT sensitive FROM categories WHERE id = category), false) THEN
        RETURN point;
    END IF;
    -- The nearest corner of a 100 m grid in Belgian Lambert 2008 (metres).
    snapped := ST_Transform(ST_SnapToGrid(ST_Transform(point, 3812), 100, 100), 4326);
    SELECT boundary INTO outline FROM communes WHERE id = commune;
    -- A grid corner across the commune's border would place the report in a neighbour:
    -- take the nearest point of the commune to that corner instead.
    IF outline IS NOT NULL AND NOT ST_Covers(outline, snapped) THEN
        snapped := ST_ClosestPoint(outline, snapped);
    END IF;
    RETURN snapped;
END $$;
"""

REPORT_TRIGGER = """
CREATE FUNCTION pave_reports_public_fields() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR NEW.location IS DISTINCT FROM OLD.location
       OR NEW.category_id IS DISTINCT FROM OLD.category_id
       OR NEW.commune_id IS DISTINCT FROM OLD.commune_id
       OR NEW.public_location IS NULL THEN
        NEW.public_location := pave_public_location(NEW.location, NEW.category_id, NEW.commune_id);
    END IF;
    -- When it was last resolved; a reopened or otherwise unresolved ticket has no such time.
    -- An insert may bring its own (imports, generated data); a change to resolved is now.
    IF NEW.status <> 'resolved' THEN
        NEW.resolved_at := NULL;
    ELSIF TG_OP = 'INSERT' THEN
        NEW.resolved_at := coalesce(NEW.resolved_at, now());
    ELSIF OLD.status IS DISTINCT FROM 'resolved' THEN
        NEW.resolved_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reports_public_fields BEFORE INSERT OR UPDATE ON reports
FOR EACH ROW EXECUTE FUNCTION pave_reports_public_fields();
"""

# A category that becomes sensitive (or stops being) changes where its reports are shown.
CATEGORY_TRIGGER = """
CREATE FUNCTION pave_categories_sensitive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reports SET public_location = NULL WHERE category_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER categories_sensitive AFTER UPDATE OF sensitive ON categories
FOR EACH ROW WHEN (OLD.sensitive IS DISTINCT FROM NEW.sensitive)
EXECUTE FUNCTION pave_categories_sensitive();
"""


def _view_sql() -> str:
    oslo = " ".join(f"WHEN '{s}' THEN '{_OSLO}{code}'" for s, code in OSLO_CODES.items())
    closed = ", ".join(f"'{s}'" for s in CLOSED)

    def hour(column: str) -> str:
        return f"CASE WHEN cat.sensitive THEN date_trunc('hour', {column}) ELSE {column} END"

    return f"""
CREATE VIEW open_data_reports AS
SELECT
    r.id,
    r.status,
    CASE WHEN r.status IN ({closed}) THEN 'closed' ELSE 'open' END AS open311_status,
    CASE r.status {oslo} END AS oslo_status_uri,
    cat.code AS category_code,
    cat.name_fr AS category_name_fr,
    cat.name_nl AS category_name_nl,
    cat.name_de AS category_name_de,
    cat.name_en AS category_name_en,
    cat.sensitive AS generalised,
    c.nis_code AS commune_nis_code,
    c.name_fr AS commune_name_fr,
    c.name_nl AS commune_name_nl,
    c.name_de AS commune_name_de,
    c.region_code,
    reg.slug AS region_slug,
    b.code AS body_code,
    b.name_fr AS body_name_fr,
    b.name_nl AS body_name_nl,
    b.name_de AS body_name_de,
    b.name_en AS body_name_en,
    {hour("r.created_at")} AS created_at,
    {hour("r.updated_at")} AS updated_at,
    {hour("r.resolved_at")} AS resolved_at,
    CASE WHEN r.description_public THEN r.description END AS description,
    r.duplicate_of,
    (SELECT p.display_sha256
            || CASE p.content_type WHEN 'image/webp' THEN '.webp' ELSE '.jpg' END
       FROM photos p
      WHERE p.report_id = r.id AND NOT p.hidden
      ORDER BY p.position LIMIT 1) AS photo_key,
    r.public_location AS location
FROM reports r
JOIN categories cat ON cat.id = r.category_id
JOIN communes c ON c.id = r.commune_id
JOIN regions reg ON reg.code = c.region_code
JOIN bodies b ON b.id = r.body_id
"""


def upgrade() -> None:
    op.add_column(
        "categories",
        sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "reports",
        sa.Column("description_public", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("reports", sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.add_column(
        "reports",
        sa.Column(
            "public_location",
            Geometry("POINT", srid=4326, spatial_index=False),
            nullable=True,
        ),
    )
    op.execute(PUBLIC_LOCATION_FUNCTION)
    op.execute(REPORT_TRIGGER)
    op.execute(CATEGORY_TRIGGER)
    # Existing rows: the trigger fills public_location (it is NULL); resolved_at comes from
    # the history, the last time each resolved ticket became resolved.
    op.execute(
        """
        UPDATE reports r SET resolved_at = h.at
        FROM (SELECT report_id, max(at) AS at FROM report_status_changes
              WHERE to_status = 'resolved' GROUP BY report_id) h
        WHERE h.report_id = r.id AND r.status = 'resolved'
        """
    )
    op.execute("UPDATE reports SET public_location = NULL WHERE public_location IS NULL")
    op.alter_column("reports", "public_location", nullable=False)
    # OGC API bbox queries and the exports' region filter read these.
    op.create_index(
        "ix_reports_public_location",
        "reports",
        ["public_location"],
        postgresql_using="gist",
    )
    op.create_index("ix_reports_updated_at_id", "reports", ["updated_at", "id"])
    op.execute(_view_sql())


def downgrade() -> None:
    op.execute("DROP VIEW open_data_reports")
    op.drop_index("ix_reports_updated_at_id", "reports")
    op.drop_index("ix_reports_public_location", "reports")
    op.execute("DROP TRIGGER categories_sensitive ON categories")
    op.execute("DROP FUNCTION pave_categories_sensitive()")
    op.execute("DROP TRIGGER reports_public_fields ON reports")
    op.execute("DROP FUNCTION pave_reports_public_fields()")
    op.execute("DROP FUNCTION pave_public_location(geometry, integer, integer)")
    op.drop_column("reports", "public_location")
    op.drop_column("reports", "resolved_at")
    op.drop_column("reports", "description_public")
    op.drop_column("categories", "sensitive")
