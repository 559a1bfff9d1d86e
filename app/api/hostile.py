"""Text no endpoint can store is refused at the edge, before any view runs or writes.

PostgreSQL text cannot hold NUL (U+0000), UTF-8 cannot encode a lone surrogate (U+D800 to
U+DFFF, which JSON's "\\ud800" escape and Python's decoders let through), and Python's JSON
parser recurses once per nesting level. None of them is a valid value of any field, so they
are refused for every endpoint in one place, in the request's own terms:

- the path: 404, since it names nothing; a header: 400; a query parameter: 422;
- a JSON body (or the `report` JSON part of a multipart body): 422, naming each value by its
  JSON pointer, or 400 when it is nested deeper than JSON_MAX_DEPTH;
- a form field (urlencoded or multipart): 422, checked when the form is parsed, so that each
  blueprint's own size limits for uploads still apply first.

The answers are HTTP exceptions: the API's handler makes them problem+json (type
invalid-text for refused text), Open311's and the OGC API's handlers their own error
documents, with 400 where the API says 422.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from flask import Flask, Request, request
from werkzeug.exceptions import BadRequest, NotFound, UnprocessableEntity

NUL_MESSAGE = "Must not contain NUL characters (U+0000)."
SURROGATE_MESSAGE = "Must not contain unpaired surrogates (U+D800 to U+DFFF)."
# The problem type of a refused text: the apps show their own translated words for it (a
# browser's maxlength can cut an emoji in half and leave a lone surrogate).
INVALID_TEXT = "invalid-text"
TOO_DEEP_MESSAGE = "The JSON body is nested too deeply (at most {depth} levels)."


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return NUL_MESSAGE
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def printable(value: str) -> str:
    """`value` with what cannot be sent back (lone surrogates) replaced, for error messages."""
    return value.encode("utf-8", "replace").decode("utf-8")


class JsonTooDeepError(ValueError):
    """A JSON document nested deeper than the limit."""


def json_problems(document: Any, max_depth: int) -> list[tuple[tuple[str, ...], str]]:
    """(path, message) of each string (value or member name) that cannot be stored.

    Walks without recursion; raises JsonTooDeepError beyond `max_depth` levels.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[Any, tuple[str, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            message = text_problem(value)
            if message:
                found.append((path, message))
            continue
        if isinstance(value, dict | list):
            if len(path) >= max_depth:
                raise JsonTooDeepError(TOO_DEEP_MESSAGE.format(depth=max_depth))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                key = str(key)
                message = text_problem(key)
                if message:
                    found.append(((*path, key), message))
                stack.append((child, (*path, key)))
    return found


def _nested(path: tuple[str, ...], message: str, into: dict) -> None:
    """Put `message` into the webargs-style nested messages at `path`."""
    node = into
    for segment in path[:-1]:
        node = node.setdefault(printable(segment), {})
        if not isinstance(node, dict):  # a parent already has its own message
            return
    node.setdefault(printable(path[-1]) if path else "_schema", []).append(message)


def reject(location: str, problems: list[tuple[tuple[str, ...], str]]):
    """Raise the 422 that names each hostile value of `location` (json, query, form)."""
    messages: dict = {}
    for path, message in problems:
        _nested(path, message, messages)
    names = ("/".join(printable(p) for p in path) or "the body" for path, _ in problems)
    named = ", ".join(dict.fromkeys(names))
    error = UnprocessableEntity(
        f"Text that cannot be stored, in {location}: {named}. {problems[0][1]}"
    )
    # problem_from_http_exception lists `messages` as field errors (JSON pointers for json).
    data = {"messages": {location: messages}, "type_slug": INVALID_TEXT}
    error.data = data  # type: ignore[attr-defined]  # werkzeug declares no `data`
    raise error


def parse_json(raw: bytes | str, max_depth: int) -> Any:
    """Parse JSON as webargs does, then refuse what cannot be stored or is nested too deeply.

    Invalid JSON raises ValueError for the caller to report as it always did.
    """
    try:
        document = json.loads(raw)
    except RecursionError:
        raise BadRequest(TOO_DEEP_MESSAGE.format(depth=max_depth)) from None
    try:
        problems = json_problems(document, max_depth)
    except JsonTooDeepError as exc:
        raise BadRequest(str(exc)) from None
    if problems:
        reject("json", problems)
    return document


def _check_path_and_headers() -> None:
    message = text_problem(request.path)
    if message:
        # Such a path names no resource at all: "not found", as for any other unknown path.
        raise NotFound(f"No resource has such a path. A path {message[0].lower()}{message[1:]}")
    for name, value in request.headers.items():
        message = text_problem(name) or text_problem(value)
        if message:
            raise BadRequest(f"The header {printable(name)!r} cannot be read. {message}")


def _check_pairs(location: str, pairs) -> None:
    problems: list[tuple[tuple[str, ...], str]] = []
    for key, value in pairs:
        message = (isinstance(key, str) and text_problem(key)) or (
            isinstance(value, str) and text_problem(value)
        )
        if message:
            problems.append(((key,), message))
    if problems:
        reject(location, problems)


def check_request() -> None:
    """before_request: refuse hostile text in the path, headers, query and JSON body."""
    _check_path_and_headers()
    _check_pairs("query", request.args.items(multi=True))
    if request.is_json and request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        raw = request.get_data(cache=True)
        if raw:
            # Not JSON at all: the view's parser answers 400 as it always did.
            with contextlib.suppress(ValueError):
                parse_json(raw, current_max_depth())


def current_max_depth() -> int:
    from flask import current_app

    return current_app.config["JSON_MAX_DEPTH"]


class CheckedRequest(Request):
    """A request whose form fields and file names are checked once the form is parsed."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        try:
            _check_pairs("form", self.form.items(multi=True))
            names = ((key, upload.filename or "") for key, upload in self.files.items(multi=True))
            _check_pairs("form", names)
        except UnprocessableEntity:
            # Refused once; nothing may read the hostile fields later on.
            # Every part, not only the first of each name: an unclosed one is a leaked file.
            for _, upload in self.files.items(multi=True):
                upload.close()
            self.__dict__["form"] = type(self.form)()
            self.__dict__["files"] = type(self.files)()
            raise


def init_app(app: Flask) -> None:
    app.request_class = CheckedRequest
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
