"""Liveness and readiness: `GET /api/v1/health/live` and `GET /api/v1/health/ready`.

Liveness asks nothing of the database: a process manager restarts a process that does not
answer it, and restarting the web server never mends a database. Readiness is what a load
balancer (or `make run`) waits for before sending traffic: the database answers, its schema
is at the head of this release's migrations (app/schema_state.py) and a worker wrote its
heartbeat less than WORKER_HEARTBEAT_MAX_AGE_S ago (app/notify/heartbeat.py). A 503 names
the result of each check.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.health.routes import blp
from app.notify.heartbeat import freshest_age
from app.schema_state import schema_state
from app.web import db_session


class LiveSchema(Schema):
    status = fields.String(required=True, metadata={"description": "always ok"})


class CheckSchema(Schema):
    ok = fields.Boolean(required=True)
    error = fields.String(metadata={"description": "why the check failed, in a few words"})


class SchemaCheckSchema(CheckSchema):
    current = fields.List(fields.String(), metadata={"description": "the database's revision"})
    heads = fields.List(fields.String(), metadata={"description": "this release's head"})


class WorkerCheckSchema(CheckSchema):
    age_s = fields.Float(
        allow_none=True, metadata={"description": "seconds since the freshest heartbeat"}
    )
    max_age_s = fields.Float(metadata={"description": "WORKER_HEARTBEAT_MAX_AGE_S"})


class ChecksSchema(Schema):
    database = fields.Nested(CheckSchema, required=True)
    schema = fields.Nested(SchemaCheckSchema, required=True)
    worker = fields.Nested(WorkerCheckSchema, required=True)


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"description": "ready or not ready"})
    checks = fields.Nested(ChecksSchema, required=True)


NOT_CHECKED = {"ok": False, "error": "not checked: the database is unreachable"}


@blp.route("/live")
class Live(MethodView):
    @blp.response(200, LiveSchema)
    def get(self):
        """The process answers (no database asked): restart it when this fails"""
        return {"status": "ok"}


def _schema_check(connection) -> dict:
    state = schema_state(connection)
    check: dict = {"ok": state.at_head, "current": list(state.current), "heads": list(state.heads)}
    if state.ahead:
        check["error"] = "the database is at a newer release's revision"
    elif not state.at_head:
        check["error"] = "the database is not at this release's head: run flask db upgrade"
    return check


def _worker_check(connection) -> dict:
    max_age = float(current_app.config["WORKER_HEARTBEAT_MAX_AGE_S"])
    try:
        age = freshest_age(connection)
    except SQLAlchemyError as exc:
        return {"ok": False, "max_age_s": max_age, "error": type(exc).__name__}
    check: dict = {"ok": age is not None and age <= max_age, "age_s": age, "max_age_s": max_age}
    if age is None:
        check["error"] = "no worker ever wrote its heartbeat"
    elif not check["ok"]:
        check["error"] = "no heartbeat for longer than WORKER_HEARTBEAT_MAX_AGE_S"
    return check


def readiness() -> dict:
    """Each check's result; the database's first, the others only when it answers."""
    try:
        connection = db_session().connection()
        connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        checks = {
            "database": {"ok": False, "error": type(exc).__name__},
            "schema": NOT_CHECKED,
            "worker": NOT_CHECKED,
        }
    else:
        checks = {
            "database": {"ok": True},
            # The worker's last: a missing table (schema behind) fails its query.
            "schema": _schema_check(connection),
            "worker": _worker_check(connection),
        }
    ready = all(check["ok"] for check in checks.values())
    return {"status": "ready" if ready else "not ready", "checks": checks}


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, schema=ReadySchema, description="A check failed; each one's result")
    def get(self):
        """This instance can serve: database, schema at head, worker's heartbeat fresh"""
        body = readiness()
        if body["status"] != "ready":
            return ReadySchema().dump(body), 503
        return body
