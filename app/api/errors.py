"""Domain errors and HTTP exceptions turned into RFC 9457 problem+json, in one place."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app import errors
from app.accounts import errors as accounts
from app.accounts.login_throttle import ThrottleUnavailableError
from app.api.open311.errors import ApiKeyError
from app.api.tickets import etag as ticket_etag
from app.backup.errors import BackupError
from app.delivery import errors as deliveries
from app.delivery.validation import InvalidDeliverySettingsError
from app.follow import errors as follow
from app.media import errors as media
from app.opendata.export import UnknownFilterValueError
from app.opendata.snapshot_files import SnapshotMissingError
from app.problems import localize, negotiate, title
from app.tickets import errors as tickets

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://pave.example/problems/"
SCHEMA_ERRORS_KEY = "_schema"

# The HTTP status of each domain error class that sets its own `code` (the slug of its problem
# type). A class not listed answers as its nearest listed ancestor, code and status alike.
DOMAIN_STATUS: dict[type[errors.PaveError], int] = {
    errors.PaveError: 400,
    errors.NotFoundError: 404,
    errors.OutsideServiceAreaError: 422,
    errors.UnknownCategoryError: 422,
    errors.IdempotencyKeyReuseError: 422,
    errors.RequestInFlightError: 409,
    errors.InvalidCursorError: 400,
    # A report closed meanwhile: a state that conflicts with the request, not a fault of it.
    errors.ReportClosedError: 409,
    # A person retries only a delivery given up: the others are sent, or still being tried.
    deliveries.DeliveryNotFailedError: 409,
    media.EmptyPhotoError: 422,
    media.PhotoTooLargeError: 413,
    # RFC 9110 allows 415 for a format found unsupported by inspecting the data itself.
    media.UnsupportedPhotoTypeError: 415,
    media.PhotoTypeMismatchError: 415,
    media.CorruptPhotoError: 422,
    media.PhotoTooManyPixelsError: 422,
    # The report is full: a state that conflicts with one more photo, rather than a fault of
    # the photo itself.
    media.PhotoLimitReachedError: 409,
    media.PhotoStorageError: 503,
    media.PhotoUploadForbiddenError: 403,
    # The ticket lifecycle: a 409 lists in `allowed` the statuses that may follow.
    tickets.InvalidTransitionError: 409,
    tickets.StaleVersionError: 412,
    ticket_etag.IfMatchRequiredError: 428,
    tickets.MissingReasonError: 422,
    tickets.MissingPlannedDateError: 422,
    tickets.InvalidDuplicateError: 422,
    tickets.UnknownReferenceError: 422,
    tickets.AmbiguousReferenceError: 422,
    tickets.InvalidTransferError: 422,
    tickets.ReopenWindowClosedError: 422,
    tickets.InvalidPriorityError: 422,
    tickets.InvalidAssigneeError: 422,
    # Raised under /open311/v2 only, whose own handler answers the spec's 403 document.
    ApiKeyError: 403,
    # Staff accounts and access.
    accounts.NotAuthenticatedError: 401,
    accounts.AuthenticationError: 401,
    accounts.PermissionDeniedError: 403,
    accounts.CsrfTokenError: 403,
    accounts.InvalidInvitationError: 400,
    accounts.AccountExistsError: 409,
    accounts.WeakPasswordError: 422,
    accounts.GrantNotAllowedError: 403,
    accounts.InvalidGrantError: 422,
    accounts.InvitationConflictError: 409,
    accounts.NoPendingInvitationError: 404,
    accounts.AccountNotActiveError: 409,
    accounts.InvalidPasswordResetError: 400,
    # Limits: logins, follow requests and comments; refused while their counters are away.
    accounts.TooManyAttemptsError: 429,
    ThrottleUnavailableError: 503,
    follow.FollowLimitsUnavailableError: 503,
    follow.CommentLimitsUnavailableError: 503,
    # Residents' follow links.
    follow.NotTheReporterError: 403,
    follow.FollowLinkExpiredError: 410,
    follow.AlreadyConfirmedError: 409,
    UnknownFilterValueError: 422,
    SnapshotMissingError: 404,
    InvalidDeliverySettingsError: 422,
    # Raised by `flask backup` only (no route makes or restores a backup): a refusal.
    BackupError: 409,
}

# Extras an error carries for a header of its answer (WWW-Authenticate, Retry-After), never
# for its body.
HEADER_EXTRAS = frozenset({"auth_error", "retry_after"})


def status_of(error_class: type[errors.PaveError]) -> int:
    """The status of the nearest class of `error_class`'s hierarchy in DOMAIN_STATUS."""
    return next(DOMAIN_STATUS[c] for c in error_class.__mro__ if c in DOMAIN_STATUS)


class FieldErrorSchema(Schema):
    pointer = fields.String(metadata={"description": "JSON pointer or parameter name"})
    location = fields.String(metadata={"description": "json, query, headers…"})
    detail = fields.String()


class NearestCommuneSchema(Schema):
    nis_code = fields.String(required=True)
    distance_m = fields.Integer(required=True)
    name = fields.String(metadata={"description": "Its name in its region's first language"})
    names = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "fr, nl, de"}
    )


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    class Meta:
        # RFC 9457 lets a problem type add extension members; clients must ignore unknown ones.
        unknown = INCLUDE

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))
    nearest_commune = fields.Nested(
        NearestCommuneSchema,
        metadata={"description": "outside-service-area: the commune within 1 km, if any"},
    )


def problem_doc(description: str) -> dict:
    """Keyword arguments of `Blueprint.alt_response` for an error answered as problem+json."""
    return {"schema": ProblemSchema, "content_type": PROBLEM_JSON, "description": description}


def problem(
    status: int,
    title: str,
    detail: str,
    type_slug: str | None = None,
    *,
    lang: str | None = None,
    **extra,
):
    """A problem+json answer; with `lang`, its texts are in that language (Content-Language)."""
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
    if lang:
        response.headers["Content-Language"] = lang
        response.vary.add("Accept-Language")
    return response


def reader_language() -> str:
    """fr, nl, de or en, from the request's Accept-Language (en when none fits)."""
    return negotiate(request.accept_languages)


def localized_field_errors(field_errors: list[dict], lang: str) -> list[dict]:
    return [{**e, "detail": localize(e["detail"], lang)} for e in field_errors]


def domain_problem(error: errors.PaveError, status: int, slug: str, extra: dict | None = None):
    """The problem of a domain error, its title and detail in the reader's language."""
    lang = reader_language()
    extra = dict(error.extra if extra is None else extra)
    if isinstance(extra.get("errors"), list):
        extra["errors"] = localized_field_errors(extra["errors"], lang)
    detail = localize(error.message or error.detail, lang)
    return problem(status, title(slug, lang, error.title), detail, slug, lang=lang, **extra)


def flatten_messages(messages, location: str, path: tuple = ()) -> list[dict]:
    """Turn webargs/marshmallow nested messages into a flat list of field errors.

    A body field is named by its JSON pointer (RFC 6901, "" for the whole body); a query
    parameter or header by its name alone, since that is what a client can correct.
    """
    out: list[dict] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            # marshmallow files errors about a whole object under "_schema": they belong
            # to the object itself, not to a member of that name.
            segment = () if key == SCHEMA_ERRORS_KEY else (str(key),)
            out.extend(flatten_messages(value, location, (*path, *segment)))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out.extend(
            {"pointer": field_pointer(location, path), "location": location, "detail": message}
            for message in messages
        )
    else:
        detail = str(messages)
        out.append(
            {"pointer": field_pointer(location, path), "location": location, "detail": detail}
        )
    return out


def field_pointer(location: str, path: tuple) -> str:
    if location == "json":
        return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)
    return path[0] if path else ""


def problem_from_http_exception(error: HTTPException):
    data = getattr(error, "data", None) or {}
    headers = data.get("headers") or {}
    lang = reader_language()
    code = error.code or 500
    extra = {}
    detail = localize(error.description or error.name, lang)
    messages = data.get("messages")
    if messages:
        field_errors = []
        for location, per_location in messages.items():
            field_errors.extend(flatten_messages(per_location, location))
        field_errors = localized_field_errors(field_errors, lang)
        extra["errors"] = field_errors
        detail = "; ".join(f"{e['pointer'] or e['location']}: {e['detail']}" for e in field_errors)
        heading = title("invalid-request", lang, "Invalid request")
    else:
        heading = title(f"http-{code}", lang, error.name)
        if data.get("message"):
            detail = localize(data["message"], lang)
    response = problem(code, heading, detail, data.get("type_slug"), lang=lang, **extra)
    for name, value in headers.items():
        response.headers[name] = value
    if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def www_authenticate(error: errors.PaveError) -> str:
    """Every 401 names the scheme to use (RFC 9110), and a bad token's fault (RFC 6750)."""
    value = 'Bearer realm="pave"'
    if error.extra.get("auth_error"):
        value += f', error="{error.extra["auth_error"]}"'
    return value


def unknown_filter_value(error: UnknownFilterValueError):
    """A filter naming a region, commune or category that does not exist: an invalid request
    whose field error names the parameter, as a schema's would."""
    lang = reader_language()
    said = localize(error.message or error.detail, lang)
    field_error = {"pointer": error.parameter, "location": "query", "detail": said}
    heading = title("invalid-request", lang, "Invalid request")
    detail = f"{error.parameter}: {said}"
    return problem(status_of(type(error)), heading, detail, lang=lang, errors=[field_error])


def domain_error_response(error: errors.PaveError):
    """The one answer of a domain error: problem+json of its code, status from DOMAIN_STATUS."""
    if isinstance(error, UnknownFilterValueError):
        return unknown_filter_value(error)
    status = status_of(type(error))
    extra = {k: v for k, v in error.extra.items() if k not in HEADER_EXTRAS}
    response = domain_problem(error, status, error.code, extra)
    if status == 401:
        response.headers["WWW-Authenticate"] = www_authenticate(error)
    if isinstance(error, accounts.TooManyAttemptsError):
        response.headers["Retry-After"] = str(error.extra["retry_after"])
    if isinstance(error, ThrottleUnavailableError):
        current_app.logger.error("limits: %s (%s)", error.detail, error.__cause__)
        response.headers["Retry-After"] = "30"
    return response


def register_domain_errors(app: Flask) -> None:
    app.register_error_handler(errors.PaveError, domain_error_response)

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        app.logger.error("database unavailable: %s", error)
        lang = reader_language()
        detail = localize("The database cannot be reached; try again.", lang)
        return problem(
            503, title("database-unavailable", lang, "Service unavailable"), detail, lang=lang
        )
