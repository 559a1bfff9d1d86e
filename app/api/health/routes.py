"""GET /api/v1/health: is the service up, can it reach its database (and its read replica).

Beside it, for process managers and load balancers (docs/operations.md, section 6):
`GET /api/v1/health/live`, the process answers (no database), and
`GET /api/v1/health/ready`, this instance can serve: the database answers, its schema is at
the migrations' head, and a worker wrote its heartbeat lately (app/api/health/ready.py).
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.web import db_session, get_read_database

blp = Blueprint("health", __name__, url_prefix="/health", description="Service health")

# How far the replica is behind: 0 when it has replayed all it received, else the time since
# the last transaction it replayed (which also grows while the primary writes nothing).
REPLICA_SQL = text(
    """
    SELECT pg_is_in_recovery() AS standby,
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
           END AS replay_delay_s
    """
)


class DatabaseStateSchema(Schema):
    ok = fields.Boolean(required=True)
    postgis = fields.String(allow_none=True)
    communes = fields.Integer(allow_none=True)
    error = fields.String()


class ReplicaStateSchema(Schema):
    ok = fields.Boolean(required=True, metadata={"description": "reachable and a standby"})
    standby = fields.Boolean(allow_none=True)
    replay_delay_s = fields.Float(allow_none=True)
    error = fields.String()


class HealthSchema(Schema):
    status = fields.String(
        required=True,
        metadata={
            "description": "ok or degraded (the database is unreachable: 503; the read replica "
            "is, or is no standby: 200, since the primary then serves the public readers)"
        },
    )
    database = fields.Nested(
        DatabaseStateSchema,
        required=True,
        metadata={"description": "The primary database (DATABASE_URL)"},
    )
    replica = fields.Nested(
        ReplicaStateSchema, metadata={"description": "Only when DATABASE_READ_URL is set"}
    )


def replica_state() -> dict:
    """The read replica's state, asked directly (not through the fallback to the primary)."""
    try:
        with get_read_database(current_app).engine.connect() as conn:
            row = conn.execute(REPLICA_SQL).one()
    except SQLAlchemyError as exc:
        return {"ok": False, "error": type(exc).__name__}
    delay = None if row.replay_delay_s is None else float(row.replay_delay_s)
    return {"ok": bool(row.standby), "standby": row.standby, "replay_delay_s": delay}


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="The database is not reachable")
    def get(self):
        """Service and database state"""
        try:
            session = db_session()
            row = session.execute(
                text(
                    "SELECT postgis_lib_version() AS postgis, "
                    "(SELECT count(DISTINCT commune_id) FROM commune_parts) AS communes"
                )
            ).one()
        except SQLAlchemyError as exc:
            body = {"status": "degraded", "database": {"ok": False, "error": type(exc).__name__}}
            return HealthSchema().dump(body), 503
        body = {
            "status": "ok",
            "database": {"ok": True, "postgis": row.postgis, "communes": row.communes},
        }
        if current_app.config.get("DATABASE_READ_URL"):
            body["replica"] = replica_state()
            if not body["replica"]["ok"]:
                body["status"] = "degraded"
        return body
