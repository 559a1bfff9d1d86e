"""The statement that writes a batch of generated reports (see app.opendata.generate).

PostgreSQL draws every random number from a seeded hash of the row's key, places the points,
and decides each report's category, times and fate in one INSERT … SELECT per batch.
"""

from __future__ import annotations

from sqlalchemy import text


def _uniform(k: int) -> str:
    """SQL for the row's k-th uniform number in (0, 1): 53 bits of a seeded hash of its key."""
    return (
        f"(CAST((hashtextextended(key, {k}) >> 11) & 9007199254740991 AS float8) + 0.5)"
        " / 9007199254740992.0"
    )


# One statement per batch. `work` lists (commune, chunk, count): a commune with more reports
# than a batch holds is cut into chunks, each with its own seed. Casts are needed where the
# parameters' types cannot be inferred.
INSERT_SQL = text(
    f"""
    WITH work AS (
        SELECT * FROM unnest(CAST(:commune_ids AS integer[]), CAST(:chunks AS integer[]),
                             CAST(:counts AS integer[]), CAST(:commune_bodies AS integer[]),
                             CAST(:region_bodies AS integer[]))
               AS w(commune_id, chunk, count, commune_body_id, region_body_id)
    ), areas AS (
        -- Neighbouring boundaries overlap a little, and routing sends a point in an overlap to
        -- whichever commune it lies deeper in: points are made where this commune is alone.
        -- For many points, the commune less its neighbours is worth computing (a few ms);
        -- for a few, testing each point against the neighbours' parts is cheaper.
        SELECT w.*, c.nis_code, c.region_code, w.count >= :carve_from AS carved,
               CASE WHEN w.count >= :carve_from THEN coalesce(ST_CollectionExtract(
                   ST_Difference(c.boundary, (
                       SELECT ST_Union(q.geom) FROM commune_parts q
                       WHERE q.commune_id <> c.id AND q.geom && c.boundary
                         AND ST_Intersects(q.geom, c.boundary))), 3), c.boundary)
                    ELSE c.boundary END AS area
        FROM work w JOIN communes c ON c.id = w.commune_id
    ), candidates AS (
        SELECT a.*, p.geom, p.path[1] AS n,
               row_number() OVER (PARTITION BY a.commune_id, a.chunk ORDER BY p.path[1]) AS rank
        FROM areas a
        -- ST_GeneratePoints may make a point or two fewer than asked, and points in overlaps
        -- are dropped: it is asked for more than needed.
        CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(
            a.area, a.count + 3 + a.count / 20,
            (hashtext(CAST(:seed AS text) || ':' || a.nis_code || ':' || a.chunk)
             & 1073741823) + 1)) AS p
        WHERE a.carved OR NOT EXISTS (
            SELECT 1 FROM commune_parts q
            WHERE q.commune_id <> a.commune_id AND ST_Covers(q.geom, p.geom))
    ), points AS MATERIALIZED (
        SELECT k.commune_id, k.nis_code, k.region_code, k.commune_body_id, k.region_body_id,
               k.geom,
               -- How slow this commune's services are: 0.5 to 2 times the typical delay.
               0.5 + 1.5 * (CAST((hashtextextended(CAST(:seed AS text) || ':' || k.nis_code, 0)
                                  >> 11) & 9007199254740991 AS float8) / 9007199254740992.0)
                 AS pace,
               CAST(:seed AS text) || ':' || k.nis_code || ':' || k.chunk || ':' || k.n AS key
        FROM candidates k
        WHERE k.rank <= k.count
    ), draws AS MATERIALIZED (
        SELECT points.*, md5(key) AS h,
               {", ".join(f"{_uniform(k)} AS u{k}" for k in range(13))}
        FROM points
    ), drawn AS (
        SELECT d.*, width_bucket(d.u0, CAST(:thresholds AS float8[])) AS k,
               -- Density growing linearly to three times its start: the inverse of its CDF.
               CAST(:start AS timestamptz)
                 + (CAST(:end AS timestamptz) - CAST(:start AS timestamptz))
                   * ((sqrt(1 + 8 * d.u1) - 1) / 2) AS created_at,
               CASE WHEN d.u4 < :rejected THEN 'rejected'
                    WHEN d.u4 < :rejected + :duplicate THEN 'duplicate'
                    ELSE 'resolved' END AS outcome,
               -- A standard normal number by Box-Muller.
               sqrt(-2 * ln(d.u2)) * cos(2 * pi() * d.u3) AS z
        FROM draws d
    ), timed AS (
        SELECT t.*, t.created_at + make_interval(secs => 3600 * t.delay_h) AS closed_at,
               extract(epoch FROM CAST(:end AS timestamptz) - t.created_at) / 3600
                 / t.delay_h AS progress
        FROM (SELECT drawn.*,
                     least(exp(ln((CAST(:medians AS float8[]))[k] * pace) + :sigma * z)
                           * CASE WHEN u12 < :stalled THEN :stall ELSE 1 END, :longest)
                       * CASE WHEN outcome = 'resolved' THEN 1 ELSE :decision END AS delay_h
              FROM drawn) t
    ), fated AS MATERIALIZED (
        SELECT timed.*,
               CASE WHEN closed_at < CAST(:end AS timestamptz) THEN outcome
                    WHEN u7 < 0.03 THEN 'reopened'
                    WHEN u7 < 0.05 THEN 'transferred'
                    WHEN progress < 0.1 THEN 'new'
                    WHEN progress < 0.3 THEN 'acknowledged'
                    WHEN progress < 0.6 THEN 'planned'
                    ELSE 'in_progress' END AS status
        FROM timed
    ), inserted AS (
        INSERT INTO reports (id, category_id, location, accuracy_m, commune_id, body_id, status,
                             priority, created_at, updated_at, resolved_at, reporter_name,
                             reporter_email, reporter_phone, reporter_language)
        SELECT CAST(f.h AS uuid), cat.id, f.geom, round(CAST(3 + 45 * f.u8 ^ 2 AS numeric), 1),
               f.commune_id,
               CASE cat.handler WHEN 'commune' THEN f.commune_body_id
                    WHEN 'region' THEN f.region_body_id ELSE cat.body_id END,
               f.status,
               CASE WHEN f.u5 < 0.08 THEN 'low' WHEN f.u5 < 0.85 THEN 'normal'
                    WHEN f.u5 < 0.97 THEN 'high' ELSE 'urgent' END,
               f.created_at,
               -- When it reached its current status.
               CASE WHEN f.status IN ('resolved', 'rejected', 'duplicate') THEN f.closed_at
                    WHEN f.status = 'acknowledged' THEN f.created_at + (f.closed_at - f.created_at) * 0.1
                    WHEN f.status = 'planned' THEN f.created_at + (f.closed_at - f.created_at) * 0.3
                    WHEN f.status = 'in_progress' THEN f.created_at + (f.closed_at - f.created_at) * 0.6
                    WHEN f.status IN ('reopened', 'transferred')
                         THEN f.created_at + (CAST(:end AS timestamptz) - f.created_at) * f.u9
                    ELSE f.created_at END,
               CASE WHEN f.status = 'resolved' THEN f.closed_at END,
               CASE WHEN f.u6 < :contact THEN 'Resident ' || upper(substr(f.h, 1, 6)) END,
               CASE WHEN f.u6 < :contact THEN 'resident-' || substr(f.h, 1, 12) || '@example.org' END,
               CASE WHEN f.u6 < :contact
                    THEN '+32 47' || substr(CAST(CAST(f.u10 * 1e8 AS bigint) + 100000000 AS text), 2, 8)
               END,
               CASE WHEN f.nis_code = ANY(CAST(:german AS text[])) THEN 'de'
                    WHEN f.region_code = '02000' THEN 'nl'
                    WHEN f.region_code = '03000' THEN 'fr'
                    WHEN f.u11 < 0.72 THEN 'fr' WHEN f.u11 < 0.95 THEN 'nl' ELSE 'en' END
        FROM fated f
        JOIN categories cat ON cat.id = (CAST(:category_ids AS integer[]))[f.k]
        ON CONFLICT (id) DO NOTHING
        RETURNING 1
    )
    SELECT count(*) FROM inserted
    """
)
