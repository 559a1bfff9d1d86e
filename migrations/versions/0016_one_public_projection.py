"""One public projection: every public reader reads `open_data_reports`, under one time rule.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

Until now only open data read the anonymised view; the report API and Open311 built their own
public rows from the reports table, with the exact point and second of a sensitive report,
under the same id as the generalised open-data record. The view now carries what those
readers show too (the accuracy, the body's kind and region, the planned date and the picture
a client linked), so that it is the only public projection of a report.

The time rule of a sensitive report (rounded down to the hour, in UTC) becomes one SQL
function, `pave_public_time`, used by the view and by the public readers of a report's
history and updates. `pave_public_time(moment, report_id)` looks the category up for them.

The accuracy of a generalised location is withheld: the published point is a grid corner,
and a radius around it would only say how far from that corner the resident stood.

The published creation time is also kept in `reports.public_created_at`, by the trigger that
keeps `public_location`: public lists are newest first as published, and an index on a
stored column serves that order and its keyset cursor (a sensitive flag lives in another
table, so no expression index could).

"Nearby" measures distances to the published point in Lambert 2008, through the expression
index below (which replaces the one on the exact point, that nothing reads any more), so
that radii from several places cannot trilaterate the exact point.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TIME_FUNCTIONS = """
CREATE FUNCTION pave_public_time(moment timestamptz, generalised boolean)
RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN generalised
                THEN date_trunc('hour', moment AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                ELSE moment END
$$;
CREATE FUNCTION pave_public_time(moment timestamptz, report uuid)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT pave_public_time(moment, coalesce(
        (SELECT c.sensitive FROM reports r JOIN categories c ON c.id = r.category_id
          WHERE r.id = report), true))
$$;
"""

# 0009's trigger, which also keeps the published creation time (with created_at, which
# imports and generated data set, and the category).
REPORT_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION pave_reports_public_fields() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- A new report, a move, or a category that became (or stopped being) sensitive, whose
    -- trigger clears public_location.
    regeneralise boolean := TG_OP = 'INSERT'
       OR NEW.location IS DISTINCT FROM OLD.location
       OR NEW.category_id IS DISTINCT FROM OLD.category_id
       OR NEW.commune_id IS DISTINCT FROM OLD.commune_id
       OR NEW.public_location IS NULL;
BEGIN
    IF regeneralise THEN
        NEW.public_location := pave_public_location(NEW.location, NEW.category_id, NEW.commune_id);
    END IF;
    IF regeneralise
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.public_created_at IS NULL THEN
        NEW.public_created_at := pave_public_time(NEW.created_at, coalesce(
            (SELECT sensitive FROM categories WHERE id = NEW.category_id), true));
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
"""

# 0009's columns in their order (CREATE OR REPLACE VIEW may only add columns at the end),
# with 0015's rule for hidden photos, then the columns the API and Open311 need.
VIEW = """
CREATE OR REPLACE VIEW open_data_reports AS
SELECT
    r.id,
    r.status,
    CASE WHEN r.status IN ('resolved', 'rejected', 'duplicate') THEN 'closed' ELSE 'open' END
        AS open311_status,
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
    r.public_created_at AS created_at,
    pave_public_time(r.updated_at, cat.sensitive) AS updated_at,
    pave_public_time(r.resolved_at, cat.sensitive) AS resolved_at,
    CASE WHEN r.description_public THEN r.description END AS description,
    r.duplicate_of,
    (SELECT p.display_sha256
            || CASE p.content_type WHEN 'image/webp' THEN '.webp' ELSE '.jpg' END
       FROM photos p
      WHERE p.report_id = r.id AND NOT p.hidden
        AND NOT EXISTS (
            SELECT 1 FROM photos h
             WHERE h.hidden
               AND (h.display_sha256 IN (p.display_sha256, p.thumbnail_sha256)
                    OR h.thumbnail_sha256 IN (p.display_sha256, p.thumbnail_sha256)))
      ORDER BY p.position LIMIT 1) AS photo_key,
    r.public_location AS location,
    CASE WHEN NOT cat.sensitive THEN r.accuracy_m END AS accuracy_m,
    b.kind AS body_kind,
    b.region_code AS body_region_code,
    r.planned_for,
    r.media_url AS media_link
FROM reports r
JOIN categories cat ON cat.id = r.category_id
JOIN communes c ON c.id = r.commune_id
JOIN regions reg ON reg.code = c.region_code
JOIN bodies b ON b.id = r.body_id
"""


def _migration(name: str):
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"pave_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _view() -> str:
    m0009 = _migration("0009_open_data_view.py")
    oslo = " ".join(f"WHEN '{s}' THEN '{m0009._OSLO}{c}'" for s, c in m0009.OSLO_CODES.items())
    return VIEW.format(oslo=oslo)


def upgrade() -> None:
    op.execute(TIME_FUNCTIONS)
    op.execute("ALTER TABLE reports ADD COLUMN public_created_at timestamptz")
    op.execute(REPORT_TRIGGER_FUNCTION)
    # The trigger fills the new column of existing rows (it is NULL).
    op.execute("UPDATE reports SET public_created_at = NULL")
    op.execute("ALTER TABLE reports ALTER COLUMN public_created_at SET NOT NULL")
    op.execute("CREATE INDEX ix_reports_public_created_at_id ON reports (public_created_at, id)")
    op.execute(_view())
    # Nothing measures to the exact point any more: its index makes way for the published one.
    op.execute("DROP INDEX ix_reports_location_3812")
    op.execute(
        "CREATE INDEX ix_reports_public_location_3812 ON reports "
        "USING gist (ST_Transform(public_location, 3812))"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_reports_public_location_3812")
    op.execute(
        "CREATE INDEX ix_reports_location_3812 ON reports USING gist (ST_Transform(location, 3812))"
    )
    # The view loses columns: it is made again as 0015 left it.
    op.execute("DROP VIEW open_data_reports")
    m0015 = _migration("0015_hidden_photo_content.py")
    op.execute(m0015._view_0009().replace(m0015.OLD, m0015.NEW))
    m0009 = _migration("0009_open_data_view.py")
    op.execute("DROP TRIGGER reports_public_fields ON reports")
    op.execute("DROP FUNCTION pave_reports_public_fields()")
    op.execute(m0009.REPORT_TRIGGER)
    op.execute("DROP INDEX ix_reports_public_created_at_id")
    op.execute("ALTER TABLE reports DROP COLUMN public_created_at")
    op.execute("DROP FUNCTION pave_public_time(timestamptz, uuid)")
    op.execute("DROP FUNCTION pave_public_time(timestamptz, boolean)")
