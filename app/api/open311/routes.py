"""/open311/v2: the GeoReport v2 endpoints, in XML or JSON as the path's suffix asks.

A plain Flask blueprint rather than flask-smorest: the spec's documents are XML, or JSON bare
arrays, and its errors have their own format, which its own error handlers produce here.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from flask import Blueprint, current_app, request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from app.api.common import plain_text
from app.api.open311 import intake
from app.api.open311.auth import staff_for_key
from app.api.open311.documents import InvalidDatetimeError
from app.api.open311.errors import ApiKeyError
from app.api.open311.protocol import (
    check_format,
    datetime_param,
    document,
    error,
    language,
    now,
    page,
    param,
)
from app.api.reports.limits import ReportLimits
from app.api.tickets.scope import may_change_ticket
from app.errors import NotFoundError, PaveError, UnknownCategoryError
from app.i18n import pick_name
from app.open311 import requests
from app.open311.requests import Open311QueryError, RequestQuery
from app.open311.updates import IncomingUpdate, apply_pushed_update, list_updates
from app.reports.intake import IntakeSettings, MediaLink, submit_report
from app.reports.queries import get_own_report
from app.reports.services import OPEN311, PAVE_KEYS, ReportKey
from app.reports.views import ReportView
from app.tickets.changes import actor_of, check_original
from app.web import db_session, read_session
from app.web.cache import public_answer

blp = Blueprint("open311", __name__, url_prefix="/open311/v2")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the endpoint's definition last changed: clients of the discovery file compare it.
CHANGESET = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# A pushed update's own id (mySociety's update_id), by which a replay is recognised.
UPDATE_ID = re.compile(r"^[\x21-\x7e]{1,200}$")
# The staff API's longest reason or note: what a remote pushes reaches residents the same way.
MAX_DESCRIPTION = 4000

# Domain errors → HTTP status; the spec wants 404 for what does not exist, 403 for a bad
# key, and 400 for any other request that cannot be fulfilled.
STATUS = {NotFoundError: 404, UnknownCategoryError: 404, ApiKeyError: 403}


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


def _media_url(key: str | None) -> str | None:
    return url_for("photos.PhotoFile", key=key, _external=True) if key else None


@blp.get("/discovery.<fmt>")
def discovery(fmt: str):
    check_format(fmt)
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
    check_format(fmt)
    return document("services", requests.list_services(read_session(), language()))


@blp.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str):
    """A known service's definition: no service has attributes, so its list is empty."""
    check_format(fmt)
    if requests.find_service(read_session(), code) is None:
        raise NotFoundError(f"There is no service_code {code!r}.")
    return document("service_definition", {"service_code": code, "attributes": []})


def _service_requests(query: RequestQuery) -> list[dict]:
    lang = language()
    found = requests.find_requests(read_session(), query, now())
    return [requests.request_fields(r, lang, _media_url(r.media_key)) for r in found]


@blp.get("/requests.<fmt>")
@public_answer  # The same page for every client: kept PUBLIC_CACHE_SECONDS (app/web/cache.py).
def list_requests(fmt: str):
    check_format(fmt)
    number, size = page()
    query = RequestQuery(
        ids=requests.parse_ids(param("service_request_id")),
        service_codes=requests.split_list(param("service_code")),
        statuses=requests.parse_statuses(param("status")),
        start=datetime_param("start_date"),
        end=datetime_param("end_date"),
        page=number,
        page_size=size,
    )
    return document("service_requests", _service_requests(query))


@blp.get("/requests/<request_id>.<fmt>")
def one_request(request_id: str, fmt: str):
    check_format(fmt)
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
    check_format(fmt)
    user = staff_for_key()
    sent = request.headers.get("Idempotency-Key")
    if sent is not None and not IDEMPOTENCY_KEY.match(sent):
        raise Open311QueryError("Idempotency-Key is 1 to 255 visible ASCII characters.")
    if sent is not None and sent.startswith(PAVE_KEYS):
        raise Open311QueryError(f"Idempotency-Keys starting {PAVE_KEYS!r} are Pavé's own.")
    # The client's key is kept in Open311's own space (the spec's token); another Pavé's
    # report in the space of Pavé's own keys, which no client key reaches.
    key = ReportKey.client(OPEN311, sent) if sent is not None else None
    session = db_session()
    sender_report = intake.parse_pave_report_id(request.form)
    if sender_report is not None and key is None:
        # Another Pavé sends its report id: the same account sending the same report again
        # (its answer was lost) gets the request it made, whatever changed since.
        key = ReportKey.pave(user.id, sender_report)
        existing = requests.request_for_key(session, key)
        if existing is not None:
            return _created_answer(existing, get_own_report(session, existing), True, fmt)
    new = intake.parse_new_request(session, request.form)
    media = MediaLink(intake.parse_media_url(request.form))
    done = submit_report(
        session,
        new,
        key,
        IntakeSettings.from_config(current_app.config),
        reporter_language=language(),
        media=media,
        # The acknowledgements' limit per mailbox only: an api_key's account is no stranger.
        limits=ReportLimits.of_request(per_client=False),
    )
    return _created_answer(done.report_id, done.view, done.replayed, fmt)


def _created_answer(report_id: uuid.UUID, view: ReportView, replayed: bool, fmt: str):
    # The author's view, for the responsible body's name only.
    agency = pick_name(view.body_names, language(), view.body_region)
    body = [
        {
            "service_request_id": str(report_id),
            "service_notice": f"Sent to {agency}.",
            "account_id": None,
        }
    ]
    response = document("service_requests", body, 200 if replayed else 201)
    response.headers["Location"] = url_for(
        "open311.one_request", request_id=str(report_id), fmt=fmt, _external=True
    )
    return response


@blp.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str):
    """A token is the Idempotency-Key a POST of this endpoint was sent with (requests are
    realtime anyway): another way in's keys are no tokens, and a request the public lists do
    not show yet is not found, as the spec answers for an unknown token."""
    check_format(fmt)
    report_id = requests.request_for_token(db_session(), token)
    if report_id is None:
        raise NotFoundError(f"There is no token {token!r}.")
    return document("service_requests", [{"service_request_id": str(report_id), "token": token}])


@blp.get("/servicerequestupdates.<fmt>")
def updates(fmt: str):
    check_format(fmt)
    number, size = page()
    rows = list_updates(
        read_session(),
        datetime_param("start_date"),
        datetime_param("end_date"),
        now(),
        current_app.config["SECRET_KEY"],
        number,
        size,
        ids=requests.parse_ids(param("service_request_id")),
    )
    return document("service_requests_updates", rows)


@blp.post("/servicerequestupdates.<fmt>")
def post_update(fmt: str):
    """A commune's system pushes a change: its key's account must be allowed to make it."""
    check_format(fmt)
    user = staff_for_key()
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
    datetime_param("updated_datetime")  # Validated; the change is dated when Pavé records it.
    duplicate_of = requests.parse_ids(param("duplicate_of"))
    if duplicate_of:
        check_original(session, user, report_id[0], duplicate_of[0])
    description = param("description")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise Open311QueryError(f"description: at most {MAX_DESCRIPTION} characters.")
    try:
        # The staff API's rule for reasons and notes: a reason reaches residents by email.
        plain_text(description or "")
    except ValidationError as exc:
        raise Open311QueryError(f"description: {exc.messages[0]}") from None
    remote_update_id = param("update_id")
    if remote_update_id is not None and not UPDATE_ID.match(remote_update_id):
        raise Open311QueryError("update_id is 1 to 200 visible ASCII characters.")
    update = IncomingUpdate(
        report_id=report_id[0],
        status=status,
        description=description,
        expected=datetime_param("expected_datetime"),
        duplicate_of=duplicate_of[0] if duplicate_of else None,
    )
    try:
        update_id = apply_pushed_update(
            session,
            update,
            actor_of(user),
            current_app.config["SECRET_KEY"],
            remote_update_id,
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
