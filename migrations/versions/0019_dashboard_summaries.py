"""Dashboard summaries: the public figures' counts, kept in the same transaction as each change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

At national scale (two million reports) counting the anonymised view for every dashboard
figure takes seconds. Four tables hold the counts the figures add up, each a count `n` per key:

- `dashboard_days`: per (Belgian day of the published creation time, commune, category,
  status, resolution bucket (`hours`, -1 unless resolved), `public_from`);
- `dashboard_months`: the same per Belgian month, without `public_from`;
- `dashboard_region_weeks`: the events per Belgian week (from Monday), region and category,
  for the weekly trend;
- `dashboard_communes`: per (commune's NIS code, status, bucket), all time, without
  `public_from`: the default map (all categories, all time) reads it in key order, one row
  per key, instead of adding up the months' rows (a NIS code keeps its region);
- `dashboard_region_days` / `dashboard_region_months`: per (region, category, status), for
  two kinds of event: `c` a report created that day (or month), `r` a report resolved that
  day (by its published resolution time, whenever it was created; status is 'resolved').

`public_from` is when a report enters the view: '-infinity' for most; for a generalised one
(its category sensitive, or that of its original), the end of its published hour (0018). The
monthly tables count every report; a figure subtracts the day rows whose `public_from` is
still ahead (a partial index finds them: at most the last hour's generalised reports).

The resolution bucket (`pave_dashboard_hours`) defines the published median: the time from
the published creation to the published resolution, in whole hours below 72 hours, whole
days (in hours) below 30 days, whole weeks beyond; the median of those values.

Statement-level AFTER triggers on reports (one each for INSERT, UPDATE and DELETE, with
transition tables) add up the -old/+new deltas of a statement and upsert them in key order,
so that concurrent transactions lock summary rows in the same order and cannot deadlock.
`reports.public_generalised`, kept by the BEFORE trigger, tells from an old row whether it was
generalised (the categories table may have changed since). What changes a published key
without writing the report (a category becoming sensitive, an original changing category,
a commune re-routing) updates the reports through 0009/0018's triggers, which fire these.
A commune changing region moves its region counts (a trigger on communes).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE dashboard_days (
    day date NOT NULL, commune_id integer NOT NULL, category_id integer NOT NULL,
    status varchar(20) NOT NULL, hours integer NOT NULL, public_from timestamptz NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (day, commune_id, category_id, status, hours, public_from));
CREATE TABLE dashboard_months (
    month date NOT NULL, commune_id integer NOT NULL, category_id integer NOT NULL,
    status varchar(20) NOT NULL, hours integer NOT NULL, n integer NOT NULL,
    PRIMARY KEY (month, commune_id, category_id, status, hours));
CREATE TABLE dashboard_region_days (
    day date NOT NULL, kind char(1) NOT NULL, region_code varchar(5) NOT NULL,
    category_id integer NOT NULL, status varchar(20) NOT NULL,
    public_from timestamptz NOT NULL, n integer NOT NULL,
    PRIMARY KEY (day, kind, region_code, category_id, status, public_from));
CREATE TABLE dashboard_region_months (
    month date NOT NULL, kind char(1) NOT NULL, region_code varchar(5) NOT NULL,
    category_id integer NOT NULL, status varchar(20) NOT NULL, n integer NOT NULL,
    PRIMARY KEY (month, kind, region_code, category_id, status));
CREATE TABLE dashboard_region_weeks (
    week date NOT NULL, kind char(1) NOT NULL, region_code varchar(5) NOT NULL,
    category_id integer NOT NULL, n integer NOT NULL,
    PRIMARY KEY (week, kind, region_code, category_id));
CREATE TABLE dashboard_communes (
    nis_code varchar(5) NOT NULL, status varchar(20) NOT NULL, hours integer NOT NULL,
    n integer NOT NULL,
    PRIMARY KEY (nis_code, status, hours));
CREATE INDEX ix_dashboard_months_category ON dashboard_months (category_id, month)
    INCLUDE (commune_id, status, hours, n);
CREATE INDEX ix_dashboard_days_hidden ON dashboard_days (public_from)
    WHERE public_from > '-infinity';
CREATE INDEX ix_dashboard_region_days_hidden ON dashboard_region_days (public_from)
    WHERE public_from > '-infinity';
"""
TABLE_NAMES = (
    "dashboard_days",
    "dashboard_months",
    "dashboard_region_days",
    "dashboard_region_months",
    "dashboard_region_weeks",
    "dashboard_communes",
)

# One expression (no FROM), so that PostgreSQL inlines it into the triggers' statements:
# whole hours below 72 hours (259,200 s), whole days below 30 days (2,592,000 s), weeks beyond.
HOURS_FUNCTION = """
CREATE FUNCTION pave_dashboard_hours(duration interval)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN extract(epoch FROM duration) < 259200
                THEN floor(extract(epoch FROM duration) / 3600)
                WHEN extract(epoch FROM duration) < 2592000
                THEN 24 * floor(extract(epoch FROM duration) / 86400)
                ELSE 168 * floor(extract(epoch FROM duration) / 604800) END::integer
$$;
"""

# 0018's BEFORE trigger, which also keeps whether the report is published generalised.
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
       OR NEW.public_created_at IS NULL
       OR NEW.public_generalised IS NULL THEN
        generalised := pave_report_generalised(NEW.category_id, NEW.duplicate_of);
        IF regeneralise THEN
            NEW.public_location := CASE WHEN generalised
                THEN pave_grid_location(NEW.location, NEW.commune_id) ELSE NEW.location END;
        END IF;
        NEW.public_created_at := pave_public_time(NEW.created_at, generalised);
        NEW.public_generalised := generalised;
    ELSE
        -- The summaries read it from the old row: nobody else sets it.
        NEW.public_generalised := OLD.public_generalised;
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

# The summary keys of reports rows `r` (a transition table, or the reports table), with
# their weight `d`: the published creation day and month (Belgian), the published resolution
# time, the bucket of the time between them, and when the row enters the view.
KEYED = """
SELECT r.d, r.commune_id, r.category_id, r.status, c.region_code, c.nis_code,
       (r.public_created_at AT TIME ZONE 'Europe/Brussels')::date AS day,
       (pr.at AT TIME ZONE 'Europe/Brussels')::date AS resolved_day,
       coalesce(pave_dashboard_hours(pr.at - r.public_created_at), -1) AS hours,
       CASE WHEN r.public_generalised THEN r.public_created_at + interval '1 hour'
            ELSE '-infinity' END AS public_from
FROM ({rows}) AS r
JOIN communes c ON c.id = r.commune_id
CROSS JOIN LATERAL (SELECT CASE WHEN r.status = 'resolved'
                           THEN pave_public_time(r.resolved_at, r.public_generalised) END
                    AS at) AS pr
"""

# Region-level events of the keyed rows: each report is created once, and resolved once.
EVENTS = """
SELECT 'c' AS kind, day, region_code, category_id, status, public_from, d FROM keyed
UNION ALL
SELECT 'r', resolved_day, region_code, category_id, 'resolved', public_from, d
FROM keyed WHERE resolved_day IS NOT NULL
"""


def _upsert(table: str, keys: str, source: str, period: str = "", name: str = "month") -> str:
    """Add the deltas of `source` to `table`, in key order (the same lock order for all)."""
    select = keys if not period else f"{period} AS {name}, {keys}"
    group = keys if not period else f"{name}, {keys}"
    columns = keys if not period else f"{name}, {keys}"
    return f"""INSERT INTO {table} ({columns}, n)
        SELECT {select}, sum(d) FROM {source} GROUP BY {group} HAVING sum(d) <> 0
        ORDER BY {group}
        ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + EXCLUDED.n"""


MONTH = "date_trunc('month', day)::date"
WEEK = "date_trunc('week', day)::date"
DAY_KEYS = "day, commune_id, category_id, status, hours, public_from"
MONTH_KEYS = "commune_id, category_id, status, hours"
COMMUNE_KEYS = "nis_code, status, hours"
REGION_DAY_KEYS = "day, kind, region_code, category_id, status, public_from"
REGION_MONTH_KEYS = "kind, region_code, category_id, status"
REGION_WEEK_KEYS = "kind, region_code, category_id"


def apply_sql(rows: str, *, communes: bool = True) -> str:
    """One statement adding the summary deltas of `rows` (reports columns and a weight d);
    the region tables only if not `communes`."""
    commune_parts = (
        f"""days AS ({_upsert("dashboard_days", DAY_KEYS, "keyed")}),
months AS ({_upsert("dashboard_months", MONTH_KEYS, "keyed", MONTH)}),
communes AS ({_upsert("dashboard_communes", COMMUNE_KEYS, "keyed")}),"""
        if communes
        else ""
    )
    return f"""
WITH keyed AS MATERIALIZED ({KEYED.format(rows=rows)}),
events AS MATERIALIZED ({EVENTS}),
{commune_parts}
region_days AS ({_upsert("dashboard_region_days", REGION_DAY_KEYS, "events")}),
region_weeks AS ({_upsert("dashboard_region_weeks", REGION_WEEK_KEYS, "events", WEEK, "week")})
{_upsert("dashboard_region_months", REGION_MONTH_KEYS, "events", MONTH)}
"""


# A key whose count falls to zero is dropped, among the keys the statement locked already
# (those of old rows), so that the tables hold only what some report is counted under.
DROP_ZEROS = """
DELETE FROM dashboard_days WHERE n = 0 AND (day, commune_id, category_id, status, hours,
    public_from) IN (SELECT day, commune_id, category_id, status, hours, public_from FROM keyed);
DELETE FROM dashboard_months WHERE n = 0 AND (month, commune_id, category_id, status, hours)
    IN (SELECT date_trunc('month', day)::date, commune_id, category_id, status, hours FROM keyed);
DELETE FROM dashboard_communes WHERE n = 0 AND (nis_code, status, hours)
    IN (SELECT nis_code, status, hours FROM keyed);
DELETE FROM dashboard_region_days WHERE n = 0 AND (kind, day, region_code, category_id,
    status, public_from) IN (SELECT kind, day, region_code, category_id, status, public_from
                              FROM events);
DELETE FROM dashboard_region_months WHERE n = 0 AND (kind, month, region_code, category_id,
    status) IN (SELECT kind, date_trunc('month', day)::date, region_code, category_id, status
                FROM events);
DELETE FROM dashboard_region_weeks WHERE n = 0 AND (kind, week, region_code, category_id)
    IN (SELECT kind, date_trunc('week', day)::date, region_code, category_id FROM events);
"""

OLD_ROWS = "SELECT o.*, -1 AS d FROM old_rows o"
NEW_ROWS = "SELECT n.*, 1 AS d FROM new_rows n"
OPERATIONS = {
    "insert": (NEW_ROWS, "NEW TABLE AS new_rows"),
    "update": (
        f"{OLD_ROWS} UNION ALL {NEW_ROWS}",
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    ),
    "delete": (OLD_ROWS, "OLD TABLE AS old_rows"),
}


def _drop_zeros(rows: str) -> str:
    with_ = f"WITH keyed AS MATERIALIZED ({KEYED.format(rows=rows)}), events AS ({EVENTS})"
    return "\n".join(
        f"{with_} {statement.strip()};" for statement in DROP_ZEROS.split(";") if statement.strip()
    )


def trigger_sql(operation: str) -> str:
    rows, transitions = OPERATIONS[operation]
    drop = "" if operation == "insert" else _drop_zeros(OLD_ROWS)
    return f"""
CREATE FUNCTION pave_dashboard_{operation}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {apply_sql(rows)};
    {drop}
    RETURN NULL;
END $$;
CREATE TRIGGER reports_dashboard_{operation} AFTER {operation.upper()} ON reports
REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION pave_dashboard_{operation}();
"""


# Emptying reports empties the summaries.
TRUNCATE_TRIGGER = f"""
CREATE FUNCTION pave_dashboard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE {", ".join(TABLE_NAMES)};
    RETURN NULL;
END $$;
CREATE TRIGGER reports_dashboard_truncate AFTER TRUNCATE ON reports
FOR EACH STATEMENT EXECUTE FUNCTION pave_dashboard_truncate();
"""

# A commune that changes region takes its counts along: the region tables of both regions
# are counted again from their reports (rare: boundary imports make new communes instead).
REGION_ROWS = (
    "SELECT r.*, 1 AS d FROM reports r JOIN communes rc ON rc.id = r.commune_id "
    "WHERE rc.region_code IN (OLD.region_code, NEW.region_code)"
)
COMMUNE_REGION_TRIGGER = f"""
CREATE FUNCTION pave_dashboard_commune_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM dashboard_region_days WHERE region_code IN (OLD.region_code, NEW.region_code);
    DELETE FROM dashboard_region_months WHERE region_code IN (OLD.region_code, NEW.region_code);
    DELETE FROM dashboard_region_weeks WHERE region_code IN (OLD.region_code, NEW.region_code);
    {apply_sql(REGION_ROWS, communes=False)};
    RETURN NULL;
END $$;
CREATE TRIGGER communes_dashboard_region AFTER UPDATE OF region_code ON communes
FOR EACH ROW WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code)
EXECUTE FUNCTION pave_dashboard_commune_region();
"""


def upgrade() -> None:
    op.execute(HOURS_FUNCTION)
    op.execute("ALTER TABLE reports ADD COLUMN public_generalised boolean")
    op.execute(REPORT_TRIGGER_FUNCTION)
    # The BEFORE trigger fills the new column of existing rows (it is NULL).
    op.execute("UPDATE reports SET public_generalised = NULL")
    op.execute("ALTER TABLE reports ALTER COLUMN public_generalised SET NOT NULL")
    op.execute(TABLES)
    op.execute(apply_sql("SELECT r.*, 1 AS d FROM reports r"))
    for operation in OPERATIONS:
        op.execute(trigger_sql(operation))
    op.execute(TRUNCATE_TRIGGER)
    op.execute(COMMUNE_REGION_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER communes_dashboard_region ON communes")
    op.execute("DROP FUNCTION pave_dashboard_commune_region()")
    for operation in (*OPERATIONS, "truncate"):
        op.execute(f"DROP TRIGGER reports_dashboard_{operation} ON reports")
        op.execute(f"DROP FUNCTION pave_dashboard_{operation}()")
    op.execute(f"DROP TABLE {', '.join(TABLE_NAMES)}")
    m0018 = _migration("0018_generalisation_oracles.py")
    op.execute(m0018.REPORT_TRIGGER_FUNCTION)
    op.execute("ALTER TABLE reports DROP COLUMN public_generalised")
    op.execute("DROP FUNCTION pave_dashboard_hours(interval)")


def _migration(name: str):
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"pave_migration_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
