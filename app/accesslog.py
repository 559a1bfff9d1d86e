"""gunicorn's access log, without the secrets that travel in addresses.

A resident's follow token is the whole credential of their report, and it is in the path
(`/follow/<token>`, `/follow/<token>/unsubscribe`, `/api/v1/follow/<token>/...`); an Open311
client may send its `api_key` in the query string. Logged as they are, anyone who reads the
logs (a log shipper, a support colleague) could use them. The Procfile has gunicorn use this
logger class (`--logger-class app.accesslog.TokenMaskingLogger`): every value the access log
format can show (request line, path, query, referrer, headers, environ) is masked before it
is written, whatever the format. The error log is masked too: Flask logs an unhandled error
as "Exception on <path> [GET]", and the path may be a follow link.
"""

from __future__ import annotations

import logging
import re

from flask.logging import default_handler
from gunicorn.glogging import Logger

MASK = "***"


def _spelled(word: str) -> str:
    """A pattern of `word` with any of its characters percent-encoded, as a URL may send it
    and Werkzeug decodes it before routing (`/api/v1/%66ollow/…` is `/api/v1/follow/…`)."""
    return "".join(f"(?:{re.escape(c)}|%{ord(c):02x})" for c in word)


_SLASH = "(?:/|%2f)"
# A follow token: the path segment after a segment that reads "follow" (page, API and its
# sub-resources), in any spelling the app routes: percent-encoded characters or slashes,
# repeated slashes (`//follow//…`, which the app redirects). Case is ignored, to be safe.
FOLLOW_TOKEN = re.compile(rf"({_SLASH}{_spelled('follow')}{_SLASH}+)[^/?#\s\"]+", re.IGNORECASE)
# An api_key parameter, any of its characters percent-encoded or not, in a query string or
# a whole URL.
API_KEY = re.compile(rf"((?:^|[?&;]){_spelled('api_key')}=)[^&;#\s\"]*", re.IGNORECASE)
# Request headers that hold credentials of their own, should a log format name them.
SECRET_HEADER = re.compile(r"^\{(authorization|cookie|[a-z-]*api[-_]?key[a-z-]*)\}i$")


def mask(value: str) -> str:
    """The value with every follow token and api_key value replaced by ***."""
    return API_KEY.sub(rf"\g<1>{MASK}", FOLLOW_TOKEN.sub(rf"\g<1>{MASK}", value))


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

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if SECRET_HEADER.match(key):
                atoms[key] = MASK
            elif isinstance(value, str):
                atoms[key] = mask(value)
        return atoms
