"""/open311/v2: the GeoReport v2 endpoints, in XML or JSON as the path's suffix asks.

A plain Flask blueprint rather than flask-smorest: the spec's documents are XML, or JSON bare
arrays, and its errors have their own format, which its own error handlers produce here.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from flask import Blueprint, Response, current_app, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app.accounts.services import user_for_token
from app.api.common import plain_text, request_language
from app.api.tickets.scope import check_original, may_change_ticket
from app.errors import NotFoundError, PaveError, RequestInFlightError, UnknownCategoryError
from app.i18n import pick_name
from app.notify.messages import FALLBACK_LANGUAGE
from app.open311 import documents, intake, requests
from app.open311.documents import FORMATS, InvalidDatetimeError, parse_w3c, render
from app.open311.requests import MAX_REQUESTS, Open311QueryError, RequestQuery
from app.open311.updates import IncomingUpdate, apply_update, list_updates
from app.reports.queries import get_own_report
from app.reports.services import create_report
from app.tickets.services import Actor, notify_new_report
from app.web import db_session

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the endpoint's definition last changed: clients of the discovery file compare it.
CHANGESET = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
MAX_PAGE = 1_000_000


class ApiKeyError(PaveError):
    """The api_key is missing, invalid, or does not allow this (HTTP 403, as the spec says)."""

    title = "Missing or invalid api_key"


# Domain errors → HTTP status; the spec wants 404 for what does not exist, 403 for a bad
# key, and 400 for any other request that cannot be fulfilled.
STATUS = {NotFoundError: 404, UnknownCategoryError: 404, ApiKeyError: 403}


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt if fmt in FORMATS else "xml"


def document(root: str, value, status: int = 200) -> Response:
    fmt = _format()
    return Response(render(fmt, root, value), status=status, content_type=FORMATS[fmt])


def error(status: int, description: str) -> Response:
    return document("errors", documents.errors_document(status, description), status)


@blp.errorhandler(PaveError)
def _domain_error(exc: PaveError):
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return error(status, exc.detail)


@blp.errorhandler(InvalidDatetimeError)
def _datetime_error(exc: InvalidDatetimeError):
    return error(400, str(exc))


@blp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    # The spec answers 400 for any request it cannot fulfil, where the API says 422.
    code = 400 if exc.code in (None, 422) else exc.code
    response = error(code, exc.description or exc.name)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


@blp.before_request
def _jurisdiction():
    """This endpoint serves one jurisdiction: naming it is optional, naming another a 404."""
    served = current_app.config["OPEN311_JURISDICTION_ID"]
    sent = param("jurisdiction_id")
    if sent is not None and sent.lower() != served.lower():
        raise NotFound(
            f"There is no jurisdiction_id {sent!r} here: this endpoint serves {served!r}."
        )


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound(f"There is no format {fmt!r}: use .xml or .json.")


def param(name: str) -> str | None:
    """A parameter, with an empty one treated as absent, as the spec asks."""
    value = request.values.get(name)
    return value.strip() if value and value.strip() else None


def _datetime(name: str) -> dt.datetime | None:
    value = param(name)
    return parse_w3c(name, value) if value else None


def _language() -> str:
    return request_language() or FALLBACK_LANGUAGE


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _page() -> tuple[int, int]:
    page = requests.parse_positive("page", param("page"), 1, MAX_PAGE)
    size = requests.parse_positive("page_size", param("page_size"), MAX_REQUESTS, MAX_REQUESTS)
    return page, size


def _header_key() -> str | None:
    """The api_key sent as `Authorization: Bearer <api_key>`, if it is sent that way."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiKeyError(
            "Send the api_key as the api_key parameter or as `Authorization: Bearer <api_key>`."
        )
    return key.strip()


def _staff_for_key():
    """The active staff account whose API token is the api_key; 403 otherwise.

    The spec's `api_key` parameter, or the same key in the `Authorization: Bearer` header,
    which keeps it out of URLs and access logs; if both are sent, they must agree.
    """
    sent = param("api_key")
    in_header = _header_key()
    if sent is not None and in_header is not None and sent != in_header:
        raise ApiKeyError(
            "The api_key parameter and the Authorization header name different keys; "
            "send one of them."
        )
    key = in_header or sent
    if key is None:
        raise ApiKeyError(
            "An api_key is required: an API token of a Pavé account, as the api_key "
            "parameter or as `Authorization: Bearer <api_key>`."
        )
    user = user_for_token(db_session(), key)
    if user is None:
        raise ApiKeyError("Invalid api_key: it is unknown, revoked, or its account is inactive.")
    return user


def _media_url(key: str | None) -> str | None:
    return url_for("photos.PhotoFile", key=key, _external=True) if key else None


@blp.get("/discovery.<fmt>")
def discovery(fmt: str):
    _check_format(fmt)
    endpoint = {
        "specification": SPECIFICATION,
        "url": url_for("open311.discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    body = {
        "changeset": CHANGESET,
        "contact": current_app.config["OPEN311_CONTACT"],
        # Not a field of the spec's discovery: where clients learn the jurisdiction_id to send.
        "jurisdiction_id": current_app.config["OPEN311_JURISDICTION_ID"],
        "key_service": (
            "API keys are API tokens of Pavé accounts, given by an administrator; send one "
            "as the api_key parameter or, to keep it out of URLs and logs, as the header "
            "`Authorization: Bearer <api_key>`."
        ),
        "endpoints": [endpoint],
    }
    return document("discovery", body)


@blp.get("/services.<fmt>")
def services(fmt: str):
    _check_format(fmt)
    return document("services", requests.list_services(db_session(), _language()))


@blp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    """A known service's definition: no service has attributes, so its list is empty."""
    _check_format(fmt)
    if requests.find_service(db_session(), code) is None:
        raise NotFoundError(f"There is no service_code {code!r}.")
    return document("service_definition", {"service_code": code, "attributes": []})


def _service_requests(query: RequestQuery) -> list[dict]:
    lang = _language()
    found = requests.find_requests(db_session(), query, _now())
    return [requests.request_fields(r, lang, _media_url(r.media_key)) for r in found]


@blp.get("/requests.<fmt>")
def list_requests(fmt: str):
    _check_format(fmt)
    page, size = _page()
    query = RequestQuery(
        ids=requests.parse_ids(param("service_request_id")),
        service_codes=requests.split_list(param("service_code")),
        statuses=requests.parse_statuses(param("status")),
        start=_datetime("start_date"),
        end=_datetime("end_date"),
        page=page,
        page_size=size,
    )
    return document("service_requests", _service_requests(query))


@blp.get("/requests/<request_id>.<fmt>")
def one_request(request_id: str, fmt: str):
    _check_format(fmt)
    try:
        report_id = uuid.UUID(request_id)
    except ValueError:
        raise NotFoundError(f"There is no service request {request_id!r}.") from None
    found = _service_requests(RequestQuery(ids=(report_id,)))
    if not found:
        raise NotFoundError(f"There is no service request {request_id!r}.")
    return document("service_requests", found)


@blp.post("/requests.<fmt>")
def post_request(fmt: str):
    """Create a request through the native service: routing, idempotency and validation."""
    _check_format(fmt)
    _staff_for_key()
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise Open311QueryError("Idempotency-Key is 1 to 255 visible ASCII characters.")
    session = db_session()
    config = current_app.config
    try:
        new = intake.parse_new_request(session, request.form)
        media_url = intake.parse_media_url(request.form)
        created = create_report(
            session,
            new,
            key,
            snap_distance_m=config["ROUTING_SNAP_DISTANCE_M"],
            hint_distance_m=config["ROUTING_HINT_DISTANCE_M"],
            reporter_language=_language(),
        )
        intake.attach_media_url(session, created.report_id, media_url, replayed=created.replayed)
        if not created.replayed and (new.reporter_email or created.body_notified_at_once):
            notify_new_report(session, created.report_id)
        # Only for the responsible body's name: the public projection may not show the report
        # yet (a sensitive category's is public once its published hour is over).
        view = get_own_report(session, created.report_id)
        session.commit()
    except IntegrityError as exc:
        # Only a race on the unique idempotency key gets here: the other request won.
        session.rollback()
        raise RequestInFlightError(
            "Another request with this Idempotency-Key was just processed; retry to get it."
        ) from exc
    except BaseException:
        session.rollback()
        raise
    agency = pick_name(view.body_names, _language(), view.body_region)
    body = [
        {
            "service_request_id": str(created.report_id),
            "service_notice": f"Sent to {agency}.",
            "account_id": None,
        }
    ]
    response = document("service_requests", body, 200 if created.replayed else 201)
    response.headers["Location"] = url_for(
        "open311.one_request", request_id=str(created.report_id), fmt=fmt, _external=True
    )
    return response


@blp.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str):
    """A token is the Idempotency-Key a POST was sent with; requests are realtime anyway."""
    _check_format(fmt)
    report_id = requests.request_for_token(db_session(), token)
    if report_id is None:
        raise NotFoundError(f"There is no token {token!r}.")
    return document("service_requests", [{"service_request_id": str(report_id), "token": token}])


@blp.get("/servicerequestupdates.<fmt>")
def updates(fmt: str):
    _check_format(fmt)
    page, size = _page()
    rows = list_updates(
        db_session(),
        _datetime("start_date"),
        _datetime("end_date"),
        _now(),
        current_app.config["SECRET_KEY"],
        page,
        size,
        ids=requests.parse_ids(param("service_request_id")),
    )
    return document("service_requests_updates", rows)


@blp.post("/servicerequestupdates.<fmt>")
def post_update(fmt: str):
    """A commune's system pushes a change: its key's account must be allowed to make it."""
    _check_format(fmt)
    user = _staff_for_key()
    session = db_session()
    request_id, status = param("service_request_id"), param("status")
    if request_id is None or status is None:
        raise Open311QueryError("service_request_id and status are required.")
    report_id = requests.parse_ids(request_id)
    if len(report_id) != 1:
        raise Open311QueryError("Send one service_request_id.")
    # The staff API's checks, on every ticket the update touches: the ticket itself, and the
    # original it is merged into (whose followers it changes).
    try:
        allowed = may_change_ticket(session, user, report_id[0])
    except NotFoundError:
        raise NotFoundError(f"There is no service request {request_id!r}.") from None
    if not allowed:
        raise ApiKeyError("This api_key's account may not update this service request.")
    _datetime("updated_datetime")  # Validated; the change is dated when Pavé records it.
    duplicate_of = requests.parse_ids(param("duplicate_of"))
    if duplicate_of:
        check_original(session, user, report_id[0], duplicate_of[0])
    description = param("description")
    try:
        # The staff API's rule for reasons and notes: a reason reaches residents by email.
        plain_text(description or "")
    except ValidationError as exc:
        raise Open311QueryError(f"description: {exc.messages[0]}") from None
    update = IncomingUpdate(
        report_id=report_id[0],
        status=status,
        description=description,
        expected=_datetime("expected_datetime"),
        duplicate_of=duplicate_of[0] if duplicate_of else None,
    )
    try:
        update_id = apply_update(
            session,
            update,
            Actor(name=user.name or user.email, user_id=user.id),
            current_app.config["SECRET_KEY"],
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return document("service_request_updates", [{"update_id": update_id}])


@blp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    """Anything else under /open311/v2 answers in the spec's error format, not problem+json."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = [
        method
        for method in ("GET", "POST")
        if method != request.method and _matches(adapter, method)
    ]
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound(f"There is no Open311 resource {rest!r}.")


def _matches(adapter, method: str) -> bool:
    try:
        endpoint, _ = adapter.match(method=method)
    except HTTPException:
        return False
    return endpoint != "open311.unknown"
