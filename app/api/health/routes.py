"""GET /api/v1/health: is the service up and can it reach its database."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.web import db_session

blp = Blueprint("health", __name__, url_prefix="/health", description="Service health")


class DatabaseStateSchema(Schema):
    ok = fields.Boolean(required=True)
    postgis = fields.String(allow_none=True)
    communes = fields.Integer(allow_none=True)
    error = fields.String()


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ok or degraded"})
    database = fields.Nested(DatabaseStateSchema, required=True)


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
        return {
            "status": "ok",
            "database": {"ok": True, "postgis": row.postgis, "communes": row.communes},
        }
