"""No polling or duplicate link undoes the generalisation of a sensitive report.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05

Two ways around 0016's rules, and the view's answer to each (the view stays the one place):

- Polling: a sensitive report appeared in every public answer within seconds of its creation,
  under its creation hour; polling once a minute gave the minute anyway. A generalised report
  is now public only once its published hour is over (`public_created_at` + 1 hour), so that
  when it appears says no more than its hour.
- Duplicates: a report merged into a sensitive one (`duplicate_of`) is, by construction, about
  the same spot, and was published at its exact point and second next to the link to the
  generalised original. A report whose original is sensitive is now generalised like it (grid
  point, times to the hour, no accuracy, public once its hour is over). The trigger recomputes
  it when `duplicate_of` changes, when the original changes category, and, through the
  categories trigger, when the original's category becomes (or stops being) sensitive.

Only one level is followed: a report can only be merged into one that is not itself a
duplicate (app.tickets.services), so the original's own category is what counts.

The SQL of 0009 and 0016 is loaded from their modules and edited, with checks that it is
what this revision expects, so that this migration does not change with the app.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Whether a report is published generalised: its own category, or its original's, is sensitive.
GENERALISED_FUNCTION = """
CREATE FUNCTION pave_report_generalised(category integer, original uuid)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT sensitive FROM categories WHERE id = category), true)
        OR coalesce((SELECT c.sensitive FROM reports o JOIN categories c ON c.id = o.category_id
                      WHERE o.id = original), false)
$$;
"""

# 0009's grid, for any report that is generalised (not only one of a sensitive category).
GRID_FUNCTION = """
CREATE FUNCTION pave_grid_location(point geometry, commune integer)
RETURNS geometry LANGUAGE plpgsql STABLE AS $$
DECLARE
    snapped geometry;
    outline geometry;
BEGIN
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

# A history or update time as published, for a report known by id (0016's, following
# the original of a duplicate).
TIME_BY_REPORT = """
CREATE OR REPLACE FUNCTION pave_public_time(moment timestamptz, report uuid)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT pave_public_time(moment, coalesce(
        (SELECT pave_report_generalised(r.category_id, r.duplicate_of)
           FROM reports r WHERE r.id = report), true))
$$;
"""

REPORT_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION pave_reports_public_fields() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- A new report, a move, a merge into another (or its undoing), or a category (its own or
    -- its original's) that became or stopped being sensitive, whose trigger clears
    -- public_location.
    regeneralise boolean := TG_OP = 'INSERT'
       OR NEW.location IS DISTINCT FROM OLD.location
       OR NEW.category_id IS DISTINCT FROM OLD.category_id
       OR NEW.commune_id IS DISTINCT FROM OLD.commune_id
       OR NEW.duplicate_of IS DISTINCT FROM OLD.duplicate_of
       OR NEW.public_location IS NULL;
    generalised boolean;
BEGIN
    IF regeneralise
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NEW.public_created_at IS NULL THEN
        generalised := pave_report_generalised(NEW.category_id, NEW.duplicate_of);
        IF regeneralise THEN
            NEW.public_location := CASE WHEN generalised
                THEN pave_grid_location(NEW.location, NEW.commune_id) ELSE NEW.location END;
        END IF;
        NEW.public_created_at := pave_public_time(NEW.created_at, generalised);
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

# An original that changes category takes its duplicates' generalisation with it.
ORIGINAL_TRIGGER = """
CREATE FUNCTION pave_reports_original_category() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reports SET public_location = NULL WHERE duplicate_of = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_original_category AFTER UPDATE OF category_id ON reports
FOR EACH ROW WHEN (OLD.category_id IS DISTINCT FROM NEW.category_id)
EXECUTE FUNCTION pave_reports_original_category();
"""

# 0009's categories trigger, which also reaches the duplicates of the category's reports.
CATEGORY_FUNCTION = """
CREATE OR REPLACE FUNCTION pave_categories_sensitive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reports SET public_location = NULL
     WHERE category_id = NEW.id
        OR duplicate_of IN (SELECT id FROM reports WHERE category_id = NEW.id);
    RETURN NULL;
END $$;
"""

# 0016's view, with the generalisation of the report or its original, and a generalised
# report left out until its published hour is over.
VIEW_EDITS = {
    "cat.sensitive AS generalised": "g.generalised",
    "pave_public_time(r.updated_at, cat.sensitive)": "pave_public_time(r.updated_at, g.generalised)",
    "pave_public_time(r.resolved_at, cat.sensitive)": (
        "pave_public_time(r.resolved_at, g.generalised)"
    ),
    "CASE WHEN NOT cat.sensitive THEN r.accuracy_m END": (
        "CASE WHEN NOT g.generalised THEN r.accuracy_m END"
    ),
    "JOIN bodies b ON b.id = r.body_id\n": """JOIN bodies b ON b.id = r.body_id
LEFT JOIN reports o ON o.id = r.duplicate_of
LEFT JOIN categories ocat ON ocat.id = o.category_id
CROSS JOIN LATERAL (SELECT cat.sensitive OR coalesce(ocat.sensitive, false) AS generalised) g
WHERE NOT g.generalised OR r.public_created_at + interval '1 hour' <= now()
""",
}


def _migration(name: str):
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"pave_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _view() -> str:
    sql = _migration("0016_one_public_projection.py")._view()
    for old, new in VIEW_EDITS.items():
        assert sql.count(old) == 1, f"0016's view changed: {old!r}"
        sql = sql.replace(old, new)
    return sql


def upgrade() -> None:
    op.execute(GENERALISED_FUNCTION)
    op.execute(GRID_FUNCTION)
    op.execute(TIME_BY_REPORT)
    op.execute(REPORT_TRIGGER_FUNCTION)
    op.execute(ORIGINAL_TRIGGER)
    op.execute(CATEGORY_FUNCTION)
    op.execute(_view())
    # Duplicates of sensitive reports, published exactly until now, are placed again.
    op.execute(
        "UPDATE reports SET public_location = NULL WHERE duplicate_of IN "
        "(SELECT r.id FROM reports r JOIN categories c ON c.id = r.category_id "
        "WHERE c.sensitive)"
    )


def downgrade() -> None:
    m0016 = _migration("0016_one_public_projection.py")
    m0009 = _migration("0009_open_data_view.py")
    op.execute(m0016._view())
    category = m0009.CATEGORY_TRIGGER.split("CREATE TRIGGER")[0]
    op.execute(category.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.execute("DROP TRIGGER reports_original_category ON reports")
    op.execute("DROP FUNCTION pave_reports_original_category()")
    op.execute(m0016.REPORT_TRIGGER_FUNCTION)
    time_by_report = m0016.TIME_FUNCTIONS.split("CREATE FUNCTION")[2]
    op.execute("CREATE OR REPLACE FUNCTION" + time_by_report)
    op.execute("DROP FUNCTION pave_grid_location(geometry, integer)")
    op.execute("DROP FUNCTION pave_report_generalised(integer, uuid)")
    # Duplicates go back to 0016's rule: their own category only.
    op.execute("UPDATE reports SET public_location = NULL WHERE duplicate_of IS NOT NULL")
