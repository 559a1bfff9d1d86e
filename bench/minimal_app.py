"""The floor of the stack: Flask + psycopg, one routing query and one INSERT per report.

Served by gunicorn exactly like the real app (`gunicorn 'bench.minimal_app:create_app()'`),
it shows what the same work costs without flask-smorest, marshmallow, SQLAlchemy or the
idempotency and history rules, so the intake benchmark can report Pavé as a share of it.
"""

from __future__ import annotations

import os
import threading
import uuid

import psycopg
from flask import Flask, jsonify, request
from sqlalchemy.engine import make_url

# The same ST_Covers lookup on the subdivided parts as app.geo.routing, with the commune's
# body joined in so that the INSERT needs nothing more.
ROUTE_SQL = """
    SELECT c.id, c.nis_code, b.id
    FROM commune_parts p
    JOIN communes c ON c.id = p.commune_id
    JOIN bodies b ON b.nis_code = c.nis_code
    WHERE ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
    LIMIT 1
"""

INSERT_SQL = """
    INSERT INTO reports (id, category_id, description, location, accuracy_m, commune_id,
                         body_id, idempotency_key)
    VALUES (%s, (SELECT id FROM categories WHERE code = %s), %s,
            ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s, %s, %s)
"""


def libpq_url(url: str) -> str:
    """psycopg takes a libpq URL, without SQLAlchemy's '+psycopg' driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_app() -> Flask:
    app = Flask(__name__)
    dsn = libpq_url(os.environ["DATABASE_URL"])
    local = threading.local()

    def connection() -> psycopg.Connection:
        # One connection per thread: sync workers have one, gthread workers one per thread.
        conn = getattr(local, "conn", None)
        if conn is None or conn.closed:
            conn = local.conn = psycopg.connect(dsn)
        return conn

    @app.post("/reports")
    def create_report():
        data = request.get_json()
        location = data["location"]
        lon, lat = float(location["lon"]), float(location["lat"])
        conn = connection()
        with conn.transaction():
            row = conn.execute(ROUTE_SQL, (lon, lat)).fetchone()
            if row is None:
                return jsonify(detail="outside the area served"), 422
            report_id = uuid.uuid4()
            conn.execute(
                INSERT_SQL,
                (
                    report_id,
                    data["category"],
                    data.get("description"),
                    lon,
                    lat,
                    location.get("accuracy_m"),
                    row[0],
                    row[2],
                    request.headers.get("Idempotency-Key"),
                ),
            )
        return jsonify(id=str(report_id), commune={"nis_code": row[1]}), 201

    return app
