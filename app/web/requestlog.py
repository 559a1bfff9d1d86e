"""Each request's id, and the fields every log line written during a request carries.

The id is taken from an incoming `X-Request-Id` only when it reads like one (8 to 64
letters, digits, dots, dashes or underscores: what nginx's $request_id, a UUID or a load
balancer's id look like); anything else, which could break a log line or smuggle text into
it, is replaced by a new one. It is returned in the `X-Request-Id` response header and put
in the WSGI environ, where gunicorn's access log (app.accesslog) finds it with the endpoint.

LOG_FORMAT chooses how the app's log lines look (app.accesslog.JsonFormatter for `json`),
for the whole process: logging is the process's, not one app's.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, has_request_context, request
from flask.logging import default_handler

from app.accesslog import JsonFormatter, MaskingFilter

HEADER = "X-Request-Id"
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
ID_KEY = "pave.request_id"
ENDPOINT_KEY = "pave.endpoint"
TEXT_FORMAT = "[%(asctime)s] %(levelname)s in %(name)s [%(request_id)s]: %(message)s"
FORMATS = ("text", "json")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return request.environ.get(ID_KEY) if has_request_context() else None


class RequestFields(logging.Filter):
    """Puts the request's id, method and endpoint on every record written during it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request.environ.get(ID_KEY)
            record.method = request.method
            record.endpoint = request.endpoint
        elif not hasattr(record, "request_id"):
            record.request_id = None
        return True


class TextFormatter(logging.Formatter):
    """Flask's default lines, with the request's id ("-" outside a request)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return super().format(record)


def _take_id() -> None:
    incoming = request.headers.get(HEADER, "")
    valid = VALID_ID.fullmatch(incoming) is not None
    request.environ[ID_KEY] = incoming if valid else uuid.uuid4().hex


def _give_id(response: Response) -> Response:
    if ID_KEY in request.environ:
        response.headers[HEADER] = request.environ[ID_KEY]
    request.environ[ENDPOINT_KEY] = request.endpoint
    return response


def configure_logging(log_format: str) -> None:
    """The app's handler writes `log_format` lines, masked, with the request's fields."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT is text or json, not {log_format!r}")
    for kind in (RequestFields, MaskingFilter):
        if not any(isinstance(f, kind) for f in default_handler.filters):
            default_handler.addFilter(kind())
    default_handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())


def init_app(app: Flask) -> None:
    configure_logging(str(app.config["LOG_FORMAT"]).strip().lower())
    # Before every other hook (the hostile-input check too): a refused request has its id.
    app.before_request_funcs.setdefault(None, []).insert(0, _take_id)
    app.after_request(_give_id)
