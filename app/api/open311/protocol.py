"""What every Open311 endpoint shares: its parameters, and its answers in XML or JSON.

The format is the path's suffix (.xml or .json); a parameter sent empty counts as absent, as
the spec asks; errors are the spec's `errors` document, with the status the spec expects.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, request
from werkzeug.exceptions import NotFound

from app.api.common import request_language
from app.api.open311 import documents, intake
from app.api.open311.documents import FORMATS, parse_w3c, render
from app.notify.messages import FALLBACK_LANGUAGE
from app.open311 import requests
from app.open311.requests import MAX_REQUESTS

MAX_PAGE = 1_000_000


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt if fmt in FORMATS else "xml"


def document(root: str, value, status: int = 200) -> Response:
    fmt = _format()
    return Response(render(fmt, root, value), status=status, content_type=FORMATS[fmt])


def error(status: int, description: str) -> Response:
    return document("errors", documents.errors_document(status, description), status)


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound(f"There is no format {fmt!r}: use .xml or .json.")


def param(name: str) -> str | None:
    """A parameter, with an empty one treated as absent, as the spec asks."""
    return intake.param_value(request.values, name)


def datetime_param(name: str) -> dt.datetime | None:
    value = param(name)
    return parse_w3c(name, value) if value else None


def language() -> str:
    return request_language() or FALLBACK_LANGUAGE


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def page() -> tuple[int, int]:
    number = requests.parse_positive("page", param("page"), 1, MAX_PAGE)
    size = requests.parse_positive("page_size", param("page_size"), MAX_REQUESTS, MAX_REQUESTS)
    return number, size
