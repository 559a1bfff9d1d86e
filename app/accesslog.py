"""gunicorn's access log, without the secrets that travel in addresses.

A resident's follow token is the whole credential of their report, and it is in the path
(`/follow/<token>`, `/follow/<token>/unsubscribe`, `/api/v1/follow/<token>/...`); an Open311
client may send its `api_key` in the query string. Logged as they are, anyone who reads the
logs (a log shipper, a support colleague) could use them. The Procfile has gunicorn use this
logger class (`--logger-class app.accesslog.TokenMaskingLogger`): every value the access log
format can show (request line, path, query, referrer, headers, environ) is masked before it
is written, whatever the format. The error log is masked too: Flask logs an unhandled error
as "Exception on <path> [GET]", and the path may be a follow link. An email address, in any
value it masks, is masked too (a staff search, a mistyped link).

LOG_FORMAT=json (docs/operations.md, section 6): every line, gunicorn's and the app's, is
one JSON object (`JsonFormatter`): timestamp, level, logger, message, and during a request
its id, method and endpoint; the access log's lines add status and duration. No client
address is written in that format: it is personal data, and nothing an operator needs from
a log line (the login limits count addresses without logging them).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import traceback

from flask.logging import default_handler
from gunicorn.config import AccessLogFormat
from gunicorn.glogging import Logger

MASK = "***"


def _spelled(word: str) -> str:
    """A pattern of `word` with any of its characters percent-encoded, as a URL may send it
    and Werkzeug decodes it before routing (`/api/v1/%66ollow/…` is `/api/v1/follow/…`)."""
    return "".join(f"(?:{re.escape(c)}|%{ord(c):02x})" for c in word)


_SLASH = "(?:/|%2f)"
# A follow token: the path segment after a segment that reads "follow" (page, API and its
# sub-resources), "follow/confirm" (the confirmation link a follower is emailed) or
# "follow-confirmations" (its API), in any spelling the app routes: percent-encoded
# characters or slashes, repeated slashes (`//follow//…`, which the app redirects). Case is
# ignored, to be safe.
FOLLOW_TOKEN = re.compile(
    rf"({_SLASH}{_spelled('follow')}(?:{_spelled('-confirmations')})?{_SLASH}+"
    rf"(?:{_spelled('confirm')}{_SLASH}+)?)[^/?#\s\"]+",
    re.IGNORECASE,
)
# An api_key parameter, any of its characters percent-encoded or not, in a query string or
# a whole URL.
API_KEY = re.compile(rf"((?:^|[?&;]){_spelled('api_key')}=)[^&;#\s\"]*", re.IGNORECASE)
# Request headers that hold credentials of their own, should a log format name them.
SECRET_HEADER = re.compile(r"^\{(authorization|cookie|[a-z-]*api[-_]?key[a-z-]*)\}i$")
# An email address, its @ percent-encoded or not.
EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)


def mask(value: str) -> str:
    """The value with every follow token, api_key value and email address replaced by ***."""
    value = API_KEY.sub(rf"\g<1>{MASK}", FOLLOW_TOKEN.sub(rf"\g<1>{MASK}", value))
    return EMAIL.sub(MASK, value)


def log_format() -> str:
    """LOG_FORMAT of the process's environment: gunicorn's logger reads it before any app."""
    return (os.environ.get("LOG_FORMAT") or "text").strip().lower()


# The fields a record may carry beside its message (app/web/requestlog.py adds them).
EXTRA_FIELDS = ("request_id", "method", "endpoint", "status", "duration")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the message and the traceback masked."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, object] = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                fields[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            fields["exception"] = mask(record.exc_text)
        return json.dumps(fields, ensure_ascii=False)


class MaskingFilter(logging.Filter):
    """Masks tokens in a log record's message and traceback text before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


class TokenMaskingLogger(Logger):
    """gunicorn's logger, whose access log atoms never carry a token, and whose error log
    (with Flask's, which gunicorn passes through) is masked the same way."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # gunicorn's error log, Flask's handler, and the app's logger itself (whatever
        # handler ends up writing its records).
        for target in [*self.error_log.handlers, default_handler, logging.getLogger("app")]:
            if not any(isinstance(f, MaskingFilter) for f in target.filters):
                target.addFilter(MaskingFilter())
        if log_format() == "json":
            for handler in [*self.error_log.handlers, default_handler]:
                handler.setFormatter(JsonFormatter())
            for handler in self.access_log.handlers:
                handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time) -> None:
        """The access line: JSON with LOG_FORMAT=json; else the configured format, and
        gunicorn's default one ends with the request's id (`-` when the app never saw it)."""
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        if log_format() == "json":
            self.access_log.info(_access_json(atoms, environ, request_time))
            return
        line = self.cfg.access_log_format
        if line == AccessLogFormat.default:
            line += " %({pave.request_id}e)s"
        try:
            self.access_log.info(line, self.atoms_wrapper_class(atoms))
        except Exception:
            self.error(traceback.format_exc())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if SECRET_HEADER.match(key):
                atoms[key] = MASK
            elif isinstance(value, str):
                atoms[key] = mask(value)
        return atoms


def _access_json(atoms: dict, environ: dict, request_time: dt.timedelta) -> str:
    """An access line as one JSON object: no client address, the request line masked."""
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, atoms["r"], None, None)
    record.request_id = environ.get("pave.request_id")
    record.method = atoms["m"]
    record.endpoint = environ.get("pave.endpoint")
    record.status = int(str(atoms["s"]))
    record.duration = round(request_time.total_seconds(), 6)
    return JsonFormatter().format(record)
