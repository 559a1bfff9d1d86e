"""`flask notify inbound` and a reply's charset (found by an outside test of the running app):
`charset=utf-7` with "+2D0-" decodes to a lone surrogate, and `charset=unicode_escape` (one
of Python's codecs, not a charset) to whatever its escapes say; writing either crashed the
command (UnicodeEncodeError, exit status 1, which no MTA reads as sysexits.h). A reply is
read only in a charset text is written in, and a text UTF-8 cannot hold is refused: EX_DATAERR
(65), before anything is written (docs/email-delivery.md).
"""

from __future__ import annotations

import uuid

import pytest

from app.delivery.body_email import InboundAddresses
from app.delivery.inbound import EX_DATAERR, is_charset, parse, receive
from app.delivery.inbound import _plain_text as plain_text

INBOUND = InboundAddresses.from_settings("replies.pave.example.be", "secret")


def reply(charset: str, body: bytes, encoding: str = "8bit") -> bytes:
    assert INBOUND is not None
    to = INBOUND.reply_address(uuid.UUID(int=7))
    return (
        f"From: travaux@bruxelles.example\r\nTo: {to}\r\nSubject: Re: hi\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize(
    ("charset", "body"),
    [
        ("utf-7", b"Nous passerons +2D0- jeudi."),  # a lone high surrogate
        ("utf-7", b"+3gA-"),  # a lone low one
        ("unicode_escape", b"Nous passerons \\ud800 jeudi."),
        ("unicode_escape", b"Nous passerons jeudi."),  # not a charset, whatever it holds
        ("raw_unicode_escape", b"\\u202e"),
        ("idna", b"xn--bcher-kva"),
        ("punycode", b"bcher-kva"),
        ("undefined", b"x"),
        ("base64", b"Tm91cw=="),
        ("zlib", b"x"),
        ("\"utf-8''utf-7\"", b"+2D0-"),
    ],
)
def test_a_reply_in_no_text_charset_or_with_a_lone_surrogate_is_refused(charset, body):
    assert INBOUND is not None
    outcome = receive(None, reply(charset, body), INBOUND, max_bytes=1_000_000)  # type: ignore[arg-type]

    assert outcome.status == EX_DATAERR
    assert outcome.said.startswith("refused: unreadable text")


def test_a_surrogate_pair_in_utf_7_is_a_character_and_read():
    message = parse(reply("utf-7", b"Bien re+AOc-u +2D3eAA-"), 1_000_000)
    assert plain_text(message).strip() == "Bien reçu \U0001f600"


@pytest.mark.parametrize(
    ("charset", "body", "text"),
    [
        ("utf-8", "Bien reçu.".encode(), "Bien reçu."),
        ("UTF8", "Bien reçu.".encode(), "Bien reçu."),
        ("us-ascii", b"Okay.", "Okay."),
        ("iso-8859-15", "Bien reçu, 10 €.".encode("iso-8859-15"), "Bien reçu, 10 €."),
        ("windows-1252", "Straße".encode("cp1252"), "Straße"),
        ("iso-2022-jp", "了解".encode("iso-2022-jp"), "了解"),
        ("koi8-r", "Принято".encode("koi8-r"), "Принято"),
    ],
)
def test_the_charsets_of_mail_programs_are_read(charset, body, text):
    assert plain_text(parse(reply(charset, body), 1_000_000)).strip() == text


@pytest.mark.parametrize("name", ["utf-16", "latin_1", "cp850", "macintosh", "gb18030", "big5"])
def test_text_charsets_are_charsets(name):
    assert is_charset(name)
