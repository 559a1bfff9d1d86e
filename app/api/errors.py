"""Domain errors and HTTP exceptions turned into RFC 9457 problem+json, in one place."""

from __future__ import annotations

from flask import Flask, jsonify
from marshmallow import Schema, fields
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app import errors

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://pave.example/problems/"

# Each domain error: HTTP status and the slug of its problem type.
DOMAIN_STATUS: dict[type[errors.PaveError], tuple[int, str]] = {
    errors.NotFoundError: (404, "not-found"),
    errors.OutsideServiceAreaError: (422, "outside-service-area"),
    errors.UnknownCategoryError: (422, "unknown-category"),
    errors.IdempotencyKeyReuseError: (422, "idempotency-key-reuse"),
    errors.RequestInFlightError: (409, "request-in-flight"),
    errors.InvalidCursorError: (400, "invalid-cursor"),
}


class FieldErrorSchema(Schema):
    pointer = fields.String(metadata={"description": "JSON pointer or parameter name"})
    location = fields.String(metadata={"description": "json, query, headers…"})
    detail = fields.String()


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))


def problem(status: int, title: str, detail: str, type_slug: str | None = None, **extra):
    body = {
        "type": PROBLEM_BASE + type_slug if type_slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def flatten_messages(messages, location: str, path: tuple = ()) -> list[dict]:
    """Turn webargs/marshmallow nested messages into a flat list of field errors."""
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            out.extend(flatten_messages(value, location, (*path, str(key))))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            pointer = "/" + "/".join(path) if location == "json" else ".".join(path)
            out.append({"pointer": pointer, "location": location, "detail": message})
    else:
        out.append({"pointer": "/".join(path), "location": location, "detail": str(messages)})
    return out


def problem_from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    headers = data.get("headers") or {}
    extra = {}
    detail = error.description or error.name
    messages = data.get("messages")
    if messages:
        field_errors = []
        for location, per_location in messages.items():
            field_errors.extend(flatten_messages(per_location, location))
        extra["errors"] = field_errors
        detail = "; ".join(f"{e['pointer'] or e['location']}: {e['detail']}" for e in field_errors)
        title = "Invalid request"
    else:
        title = error.name
        if data.get("message"):
            detail = data["message"]
    code = error.code or 500
    response = problem(code, title, detail, **extra)
    for name, value in headers.items():
        response.headers[name] = value
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def register_domain_errors(app: Flask) -> None:
    @app.errorhandler(errors.PaveError)
    def _domain(error: errors.PaveError):
        status, slug = DOMAIN_STATUS.get(type(error), (400, "bad-request"))
        return problem(status, error.title, error.detail, slug, **error.extra)

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        app.logger.error("database unavailable: %s", error)
        return problem(503, "Service unavailable", "The database cannot be reached; try again.")
