"""Public reads without per-row work: the published values kept on reports, not recomputed.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

Every row of `open_data_reports` (0018) joined the reports table to itself (is the original
of a duplicate sensitive?), called `pave_public_time` twice, and ran a correlated subquery on
photos, itself with a NOT EXISTS over every hidden photo. An export of 300,000 reports spent
most of its time there, and the CSV export evaluated the photo subquery four times a row.

What the view computed per row is now kept on the report, by a trigger of its own:

- `public_generalised` (added by 0019 and kept by 0019's `reports_public_fields`): the report
  is published generalised (its category or its original's is sensitive);
- `public_updated_at`, `public_resolved_at`: the times as published (`pave_public_time`);
- `public_photo_key`: the first visible photo's file (0015's rule: not hidden, and no hidden
  photo has the same display or thumbnail file), kept by a trigger on photos;
- `public_lon`, `public_lat`, `public_x_lambert2008`, `public_y_lambert2008`: the published
  point as the exports write it (WGS84 to 6 decimals, Lambert 2008 to the centimetre): a
  reprojection per row cost an export of 300,000 reports over a second.

The view reads those columns and nothing else of the sort; its rules do not change, and its
columns only gain the four coordinates at the end. A generalised report still appears only once its published hour is
over: that depends on the time of reading, so it stays a condition of the view.

When do the kept values change? The report trigger `reports_public_read_fields` (BEFORE
INSERT OR UPDATE, named to fire after 0009's `reports_public_fields`, which sets resolved_at)
recomputes the first three on every write of a report. A category becoming (or stopping
being) sensitive, and an original changing category, already rewrite the reports concerned
(0009's and 0018's triggers), so the columns follow. The photos trigger recomputes the key of
the photo's report, and of every report holding a photo with the same content, whenever a
photo is added, changed (hidden, moved) or deleted.

Open311 GET lists a window of published creation times newest first, optionally for a few
service codes or for open or closed requests only: (category_id, public_created_at, id) reads
one code in that order, and two partial indexes on (public_created_at, id), of the open and
of the closed reports, read `status=open` or `status=closed` in that order too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Open311's "open" and "closed" (app/reports/states.py), as this revision knows them.
STATUS_INDEXES = {
    "open": ("new", "acknowledged", "planned", "in_progress", "transferred", "reopened"),
    "closed": ("resolved", "rejected", "duplicate"),
}

# 0015's photo rule, for one report.
PHOTO_KEY_FUNCTION = """
CREATE FUNCTION pave_report_photo_key(report uuid)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.display_sha256
            || CASE p.content_type WHEN 'image/webp' THEN '.webp' ELSE '.jpg' END
       FROM photos p
      WHERE p.report_id = report AND NOT p.hidden
        AND NOT EXISTS (
            SELECT 1 FROM photos h
             WHERE h.hidden
               AND (h.display_sha256 IN (p.display_sha256, p.thumbnail_sha256)
                    OR h.thumbnail_sha256 IN (p.display_sha256, p.thumbnail_sha256)))
      ORDER BY p.position LIMIT 1
$$;
"""

READ_FIELDS_TRIGGER = """
CREATE FUNCTION pave_reports_public_read_fields() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lambert geometry;
BEGIN
    -- public_generalised is 0019's, set by reports_public_fields, which fires first.
    NEW.public_updated_at := pave_public_time(NEW.updated_at, NEW.public_generalised);
    NEW.public_resolved_at := pave_public_time(NEW.resolved_at, NEW.public_generalised);
    -- 0018's trigger, which fires before this one, has placed the published point.
    IF TG_OP = 'INSERT' OR NEW.public_location IS DISTINCT FROM OLD.public_location
       OR NEW.public_lon IS NULL THEN
        NEW.public_lon := round(ST_X(NEW.public_location)::numeric, 6);
        NEW.public_lat := round(ST_Y(NEW.public_location)::numeric, 6);
        lambert := ST_Transform(NEW.public_location, 3812);
        NEW.public_x_lambert2008 := round(ST_X(lambert)::numeric, 2);
        NEW.public_y_lambert2008 := round(ST_Y(lambert)::numeric, 2);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reports_public_read_fields BEFORE INSERT OR UPDATE ON reports
FOR EACH ROW EXECUTE FUNCTION pave_reports_public_read_fields();
"""

# The reports whose key a photo's change may change: its own (before and after), and those
# holding a photo with the same display or thumbnail file (the hidden-content rule).
PHOTOS_TRIGGER = """
CREATE FUNCTION pave_photos_public_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    files text[] := '{}';
    owners uuid[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        files := files || ARRAY[OLD.display_sha256, OLD.thumbnail_sha256]::text[];
        owners := owners || OLD.report_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        files := files || ARRAY[NEW.display_sha256, NEW.thumbnail_sha256]::text[];
        owners := owners || NEW.report_id;
    END IF;
    UPDATE reports r SET public_photo_key = k.key
      FROM (SELECT o.id, pave_report_photo_key(o.id) AS key
              FROM (SELECT unnest(owners) AS id
                    UNION
                    SELECT p.report_id FROM photos p
                     WHERE p.display_sha256 = ANY(files) OR p.thumbnail_sha256 = ANY(files)) o
           ) k
     WHERE r.id = k.id AND r.public_photo_key IS DISTINCT FROM k.key;
    RETURN NULL;
END $$;
CREATE TRIGGER photos_public_key AFTER INSERT OR UPDATE OR DELETE ON photos
FOR EACH ROW EXECUTE FUNCTION pave_photos_public_key();
"""

# 0018's view, reading the kept columns.
PHOTO_SUBQUERY_START = "    (SELECT p.display_sha256\n"
PHOTO_SUBQUERY_END = "ORDER BY p.position LIMIT 1) AS photo_key,\n"
VIEW_EDITS = {
    "    g.generalised,\n": "    r.public_generalised AS generalised,\n",
    "pave_public_time(r.updated_at, g.generalised)": "r.public_updated_at",
    "pave_public_time(r.resolved_at, g.generalised)": "r.public_resolved_at",
    "CASE WHEN NOT g.generalised THEN r.accuracy_m END": (
        "CASE WHEN NOT r.public_generalised THEN r.accuracy_m END"
    ),
    # Left joins on the foreign keys (never null) give the same rows, and let PostgreSQL
    # leave out a table a query does not read: a count reads the reports alone.
    """    r.media_url AS media_link
FROM reports r
JOIN categories cat ON cat.id = r.category_id
JOIN communes c ON c.id = r.commune_id
JOIN regions reg ON reg.code = c.region_code
JOIN bodies b ON b.id = r.body_id
LEFT JOIN reports o ON o.id = r.duplicate_of
LEFT JOIN categories ocat ON ocat.id = o.category_id
CROSS JOIN LATERAL (SELECT cat.sensitive OR coalesce(ocat.sensitive, false) AS generalised) g
WHERE NOT g.generalised OR r.public_created_at + interval '1 hour' <= now()
""": """    r.media_url AS media_link,
    r.public_lon AS lon,
    r.public_lat AS lat,
    r.public_x_lambert2008 AS x_lambert2008,
    r.public_y_lambert2008 AS y_lambert2008
FROM reports r
LEFT JOIN categories cat ON cat.id = r.category_id
LEFT JOIN communes c ON c.id = r.commune_id
LEFT JOIN regions reg ON reg.code = c.region_code
LEFT JOIN bodies b ON b.id = r.body_id
WHERE NOT r.public_generalised OR r.public_created_at + interval '1 hour' <= now()
""",
}


def _migration(name: str):
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"pave_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _view() -> str:
    sql = _migration("0018_generalisation_oracles.py")._view()
    for old, new in VIEW_EDITS.items():
        assert sql.count(old) == 1, f"0018's view changed: {old!r}"
        sql = sql.replace(old, new)
    start, end = sql.index(PHOTO_SUBQUERY_START), sql.index(PHOTO_SUBQUERY_END)
    assert start < end and sql.count(PHOTO_SUBQUERY_END) == 1, "0018's photo subquery changed"
    return (
        sql[:start]
        + "    r.public_photo_key AS photo_key,\n"
        + sql[end + len(PHOTO_SUBQUERY_END) :]
    )


def upgrade() -> None:
    op.execute(
        "ALTER TABLE reports "
        "ADD COLUMN public_updated_at timestamptz, ADD COLUMN public_resolved_at timestamptz, "
        "ADD COLUMN public_photo_key text, ADD COLUMN public_lon numeric, "
        "ADD COLUMN public_lat numeric, ADD COLUMN public_x_lambert2008 numeric, "
        "ADD COLUMN public_y_lambert2008 numeric"
    )
    op.execute(PHOTO_KEY_FUNCTION)
    op.execute(READ_FIELDS_TRIGGER)
    op.execute(PHOTOS_TRIGGER)
    # Existing rows: the report trigger fills the first three; the key comes from the photos.
    op.execute(
        "UPDATE reports r SET public_photo_key = pave_report_photo_key(r.id) "
        "WHERE r.id IN (SELECT report_id FROM photos)"
    )
    # Every row through the report trigger once (public_generalised is 0019's, already set).
    op.execute("UPDATE reports SET public_updated_at = NULL")
    for column in ("updated_at", "lon", "lat", "x_lambert2008", "y_lambert2008"):
        op.execute(f"ALTER TABLE reports ALTER COLUMN public_{column} SET NOT NULL")
    op.execute(
        "CREATE INDEX ix_reports_category_id_public_created_at_id "
        "ON reports (category_id, public_created_at, id)"
    )
    for name, statuses in STATUS_INDEXES.items():
        listed = ", ".join(f"'{status}'" for status in statuses)
        op.execute(
            f"CREATE INDEX ix_reports_{name}_public_created_at_id ON reports "
            f"(public_created_at, id) WHERE status IN ({listed})"
        )
    op.execute(_view())


def downgrade() -> None:
    # The view loses columns: it is made again as 0018 left it.
    op.execute("DROP VIEW open_data_reports")
    view = _migration("0018_generalisation_oracles.py")._view()
    op.execute(view.replace("CREATE OR REPLACE VIEW", "CREATE VIEW"))
    op.execute("DROP INDEX ix_reports_category_id_public_created_at_id")
    for name in STATUS_INDEXES:
        op.execute(f"DROP INDEX ix_reports_{name}_public_created_at_id")
    op.execute("DROP TRIGGER photos_public_key ON photos")
    op.execute("DROP FUNCTION pave_photos_public_key()")
    op.execute("DROP TRIGGER reports_public_read_fields ON reports")
    op.execute("DROP FUNCTION pave_reports_public_read_fields()")
    op.execute("DROP FUNCTION pave_report_photo_key(uuid)")
    op.execute(
        "ALTER TABLE reports DROP COLUMN public_updated_at, "
        "DROP COLUMN public_resolved_at, DROP COLUMN public_photo_key, DROP COLUMN public_lon, "
        "DROP COLUMN public_lat, DROP COLUMN public_x_lambert2008, "
        "DROP COLUMN public_y_lambert2008"
    )
