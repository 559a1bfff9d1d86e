"""Small helpers shared by the API resources: media types, language negotiation, shared schemas
and the headers of idempotent creations."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask import request
from marshmallow import Schema, ValidationError, fields, validate

from app.i18n import LANGUAGES
from app.text import says_something

JSON = "application/json"
GEOJSON = "application/geo+json"
MULTIPART = "multipart/form-data"


def stacked(*decorators):
    """One decorator made of several, applied as a stack of them written in that order would
    be (the last one first): how the decorators of a view that several views share are named
    once, in the order the OpenAPI document lists what they declare."""

    def decorate(view):
        for decorator in reversed(decorators):
            view = decorator(view)
        return view

    return decorate


def request_language() -> str | None:
    """The best of fr/nl/de/en from Accept-Language, or None when the client has no wish."""
    return request.accept_languages.best_match(LANGUAGES)


# PostgreSQL text cannot hold a NUL character; refused here, it is a 422 and not a 500.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")


class EmailAddress(fields.String):
    """An email address as email-validator accepts it, loaded in its normalised form.

    The one field of every email the API takes. marshmallow's Email lets through what the RFC
    allows but no mail system should carry (a control character inside quotes), which once
    stopped the outbox worker. This one refuses quoted local parts, control characters and
    special-use domains, checks the length, and loads the normalised address: the domain in
    lower case, an internationalised one in Unicode NFC (the worker sends it as IDNA).
    Deliverability (DNS) is not checked: the request must not wait on the network.
    """

    def __init__(self, **kwargs):
        # 254: the longest address SMTP carries (RFC 5321 path limit), as email-validator checks.
        metadata = {"format": "email", "maxLength": 254, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        address = super()._deserialize(value, attr, data, **kwargs)
        try:
            checked = validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            # Worded from app/problems' catalogue, so it is said in the reader's language: the
            # validator's own explanation is English, but the characters it names are not.
            characters = ", ".join(dict.fromkeys(re.findall(r"U\+[0-9A-F]{4,6}", str(exc))))
            if characters:
                message = f"Not a valid email address: it contains {characters}."
                raise ValidationError(message) from None
            raise ValidationError("Not a valid email address.") from None
        return checked.normalized


class SingleLineText(fields.String):
    """A one-line text (a person's name, a token's name): no control character, bounded.

    Such text is put into emails and lists ("Bonjour {name},"): a line break in it would let
    whoever types it write their own paragraphs into an official message. Control characters
    (C0, DEL, C1, so line breaks and tabs too) and the Unicode line and paragraph separators
    are refused, with a 422 naming the field. `person=True` also refuses a web address
    ("://"), which no one's name holds and which an email would show as a link.
    """

    _CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

    def __init__(self, *, max_length: int = 200, min_length: int = 0, person=False, **kwargs):
        metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
        super().__init__(
            metadata=metadata,
            validate=[validate.Length(min=min_length, max=max_length), self._one_line],
            **kwargs,
        )
        self.person = person

    def _one_line(self, value: str) -> None:
        if self._CONTROL.search(value):
            raise ValidationError("Must be one line, without control characters or line breaks.")
        if self.person and "://" in value:
            raise ValidationError("A name cannot hold a web address.")


# C0 controls but tab and line breaks, DEL, C1, and the Unicode controls that reorder what
# follows them (bidirectional embeddings, overrides and isolates).
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def not_blank(value: str) -> None:
    """Refuse a text that shows nothing: spaces, or zero-width characters alone."""
    if not says_something(value):
        raise ValidationError("Must not be blank.")


def plain_text(value: str) -> None:
    """Refuse what a person's text never holds and what would disguise it once published.

    Line breaks and tabs stay; terminal escapes, bells and the controls that make a text read
    backwards (U+202E) do not: staff publish residents' words in Open311, XML and CSV.
    """
    if _TEXT_CONTROL.search(value):
        raise ValidationError(
            "Must not contain control characters (other than line breaks and tabs) or "
            "text-direction overrides."
        )


class NamesSchema(Schema):
    fr = fields.String()
    nl = fields.String()
    de = fields.String()
    en = fields.String()


def idempotency_key_header(description: str) -> fields.String:
    """The Idempotency-Key header: 1 to 255 visible ASCII characters made by the client."""
    return fields.String(
        data_key="Idempotency-Key",
        validate=[validate.Length(1, 255), validate.Regexp(r"^[\x21-\x7e]+$")],
        metadata={"description": description},
    )


def replay_headers(replayed: str, location: str | None = None) -> dict:
    """The documented headers of a 201 that an Idempotency-Key may replay: Location (what it
    is the URL of, `location`), if the answer has one, and Idempotent-Replayed (`replayed`
    says what a replay leaves undone)."""
    headers = {}
    if location is not None:
        headers["Location"] = {"description": location, "schema": {"type": "string"}}
    headers["Idempotent-Replayed"] = {
        "description": f"true when this answers a retry and {replayed}",
        "schema": {"type": "string", "enum": ["true"]},
    }
    return headers
