"""SQL the tests share: seeds of databases of their own, and rows written straight into tables."""

from __future__ import annotations

from sqlalchemy import text

SEED_SQL = [
    "INSERT INTO boundary_sets (id, sha256, source, valid_from, commune_count) "
    "VALUES (1, 'test', 'test', '2025-01-01', 1)",
    "INSERT INTO communes (id, nis_code, name_fr, name_nl, region_code, boundary_set_id, "
    "valid_from, boundary) VALUES (1, '21004', 'Bruxelles', 'Brussel', '04000', 1, "
    "'2025-01-01', ST_Multi(ST_MakeEnvelope(4.3, 50.8, 4.4, 50.9, 4326)))",
    "INSERT INTO bodies (code, kind, name_fr, name_nl, nis_code, region_code, contact_email, "
    "delivery_method) "
    "VALUES ('commune-21004', 'commune', 'Ville de Bruxelles', 'Stad Brussel', '21004', "
    "'04000', 'travaux@bruxelles.example', 'email')",
]


REPORT_SQL = text(
    """
    INSERT INTO reports (id, category_id, location, commune_id, body_id, reporter_email,
                         reporter_language)
    SELECT :id, (SELECT id FROM categories WHERE code = 'pothole'),
           ST_SetSRID(ST_MakePoint(4.3525, 50.8467), 4326), 1,
           (SELECT id FROM bodies WHERE code = 'commune-21004'), :email, :language
    """
)


# Each photo its own thumbnail file too: a file a hidden photo shares is hidden with it.
PHOTO_SQL = text(
    "INSERT INTO photos (report_id, client_photo_id, upload_sha256, position,"
    " content_type, display_sha256, display_width, display_height, display_bytes,"
    " thumbnail_sha256, thumbnail_width, thumbnail_height, thumbnail_bytes, hidden)"
    " VALUES (:id, 'p1', repeat('a', 64), 0, 'image/jpeg', repeat(:sha, 64), 10, 10,"
    " 100, repeat(:sha, 63) || 'c', 5, 5, 50, :hidden)"
)


# The exact point: a grid corner near Flagey, moved 37 m east and 41 m north in Lambert 2008;
# the published point is that corner (the nearest one).
POINTS_SQL = text(
    """
    WITH corner AS (
        SELECT ST_SnapToGrid(ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 3812),
                             100, 100) AS g
    )
    SELECT ST_X(g) AS cx, ST_Y(g) AS cy,
           ST_X(ST_Transform(g, 4326)) AS clon, ST_Y(ST_Transform(g, 4326)) AS clat,
           ST_X(g) + 37 AS x, ST_Y(g) + 41 AS y,
           ST_X(ST_Transform(ST_Translate(g, 37, 41), 4326)) AS lon,
           ST_Y(ST_Transform(ST_Translate(g, 37, 41), 4326)) AS lat
    FROM corner
    """
)
