"""Mail to INBOUND_EMAIL_DOMAIN: a body's reply becomes an internal note, a bounce is recorded.

`flask --app app notify inbound` (app/notify/cli.py) hands one RFC 822 message, as an
MTA's pipe or alias gives it, to `receive`. The recipient address says what it is
(app/delivery/body_email.py):
- `ticket+<report id>.<mac>`: a reply to a new ticket's email. Its text/plain part, without
  the quoted message, becomes an internal note of that ticket, by the address the ticket's
  email was sent to;
- `bounces+<outbox id>.<mac>`: a delivery status notification (multipart/report;
  report-type=delivery-status). A failed delivery marks that outbox message bounced, with the
  status and the remote server's words.
Anything else is refused, with an exit status from sysexits.h that an MTA understands, and
nothing is written: a wrong or forged mac, a message over INBOUND_EMAIL_MAX_BYTES, NUL bytes,
over MAX_MULTIPARTS multiparts, no text part, an automatic reply, a DSN that is not a
failure. The one write is in one transaction, so a refused or failed message leaves nothing
behind.
"""

from __future__ import annotations

import codecs
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import cast

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.delivery.body_email import InboundAddresses
from app.tickets.edits import add_update
from app.tickets.store import Actor

# sysexits.h: what Postfix's pipe(8) and sendmail's aliases make of the command's status.
EX_OK = 0
EX_DATAERR = 65  # the message is not one we take: bounced to its sender
EX_NOUSER = 67  # no such ticket or message (any more)
EX_TEMPFAIL = 75  # try again later (the database is down)
EX_NOPERM = 77  # not one of our addresses, or a forged one

NOTE_MAX_CHARS = 4000  # as a note written on the crew screen
REASON_MAX_CHARS = 500
SURROGATE = re.compile(r"[\ud800-\udfff]")  # which UTF-8, and so PostgreSQL, cannot hold
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Where a quoted message starts, in the mail programs of the four languages. Matched at a
# line's start only, each .+ once: where two follow each other, the first is an atomic group
# that stops at the first "schreef"/"schrieb" (a later one leaves less for the second), so a
# line of a thousand of them is not tried a million ways.
QUOTE_START = re.compile(
    r"^(On .+ wrote:|Le .+ a écrit\s?:|Op (?>.+? schreef ).+:|Am (?>.+? schrieb ).+:|"
    r"-{2,}\s*(Original Message|Message d'origine|Oorspronkelijk bericht|"
    r"Ursprüngliche Nachricht)\s*-{2,}|(From|De|Van|Von)\s?: .+)$",
    re.IGNORECASE,
)
# The charsets a reply may be written in, by the name codecs.lookup gives them: the Unicode
# encodings, and the national and vendors' ones that mail programs have used.
CHARSETS = frozenset(
    {"ascii", "big5", "big5hkscs", "gb2312", "gbk", "gb18030", "hz", "johab", "tis-620"}
    | {"kz1048", "ptcp154", "hp-roman8", "shift_jis", "shift_jis_2004", "shift_jisx0213"}
)
CHARSET_FAMILIES = ("utf-", "iso8859-", "iso2022_", "cp", "mac-", "koi8-", "euc_")
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# A reply or a DSN holds a few multiparts (mixed, alternative, related, report, a forwarded
# message or two); the parser recurses once per level, and thousands of them crash it.
MAX_MULTIPARTS = 100
MULTIPART = re.compile(rb"^content-type:\s*multipart/", re.IGNORECASE | re.MULTILINE)

# The addresses the ticket's emails to bodies went to, the latest first (a transfer emails
# the new body: both may reply).
BODY_EMAILS_SQL = text(
    "SELECT recipient FROM outbox_messages WHERE report_id = :id AND kind = 'body_new_report' "
    "AND sent_at IS NOT NULL ORDER BY id DESC"
)
SAME_NOTE_SQL = text(
    "SELECT 1 FROM report_updates WHERE report_id = :id AND author = :author AND body = :body "
    "AND NOT public"
)
BOUNCE_SQL = text(
    "UPDATE outbox_messages SET bounced_at = coalesce(bounced_at, clock_timestamp()), "
    "bounce_reason = coalesce(bounce_reason, :reason) WHERE id = :id RETURNING id"
)


@dataclass(frozen=True)
class Outcome:
    """The command's exit status and its one line (no address, no text of the message)."""

    status: int
    said: str


class Refused(Exception):
    def __init__(self, status: int, said: str):
        super().__init__(said)
        self.outcome = Outcome(status, said)


def parse(data: bytes, max_bytes: int) -> EmailMessage:
    """The message, or Refused if it is over `max_bytes`, holds a NUL byte, or nests more
    multiparts than a person's mail does."""
    if len(data) > max_bytes:
        raise Refused(EX_DATAERR, f"refused: the message is over {max_bytes} bytes")
    if b"\x00" in data:
        raise Refused(EX_DATAERR, "refused: the message holds NUL bytes")
    too_deep = Refused(EX_DATAERR, f"refused: over {MAX_MULTIPARTS} multipart parts")
    if len(MULTIPART.findall(data)) > MAX_MULTIPARTS:
        raise too_deep
    try:
        return BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError:
        raise too_deep from None


def recipients(message: EmailMessage, given: str | None) -> list[str]:
    """Where it was sent: the MTA's word (--recipient) first, else the headers it adds."""
    if given:
        return [given]
    found = []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        for value in message.get_all(header, []):
            found += [address.addr_spec for address in getattr(value, "addresses", ())]
    return found


def receive(
    engine: Engine, data: bytes, inbound: InboundAddresses, *, max_bytes: int, recipient=None
) -> Outcome:
    """Take one message for INBOUND_EMAIL_DOMAIN; what was done, or why nothing was."""
    try:
        message = parse(data, max_bytes)
        ours = [inbound.parse(address) for address in recipients(message, recipient)]
        target = next((found for found in ours if found is not None), None)
        if target is None:
            raise Refused(EX_NOPERM, "refused: not addressed to a ticket or bounce address")
        kind, value = target
        if kind == "ticket":
            return _reply(engine, message, cast(uuid.UUID, value))
        return _bounce(engine, message, cast(int, value))
    except Refused as refused:
        return refused.outcome


def _reply(engine: Engine, message: EmailMessage, report_id: uuid.UUID) -> Outcome:
    if _automatic(message):
        raise Refused(EX_DATAERR, "refused: an automatic reply")
    if message.get_content_type() == "multipart/report":
        raise Refused(EX_DATAERR, "refused: a delivery report sent to a reply address")
    note = reply_text(_plain_text(message))
    if not note:
        raise Refused(EX_DATAERR, "refused: the reply has no text of its own")
    ref = str(report_id)[:8]
    with Session(engine) as session, session.begin():
        db = session.connection()
        address = _author(message, db.execute(BODY_EMAILS_SQL, {"id": report_id}).scalars().all())
        if address is None:
            raise Refused(EX_NOUSER, f"refused: ticket {ref} has no email sent to a body")
        author = f"email:{address}"[:200]
        if db.execute(SAME_NOTE_SQL, {"id": report_id, "author": author, "body": note}).first():
            return Outcome(EX_OK, f"reply to ticket {ref} already added")
        add_update(session, report_id, note, actor=Actor(name=author), public=False)
    return Outcome(EX_OK, f"reply added to ticket {ref} as an internal note")


def _author(message: EmailMessage, sent_to: Sequence[str]) -> str | None:
    """The body address the reply speaks for: the one it comes from, if the ticket's email
    went there, else the latest the ticket's email went to (a From header proves nothing,
    the mac does: it only picks between the ticket's own bodies)."""
    senders = {a.addr_spec.lower() for a in getattr(message.get("From"), "addresses", ())}
    return next((a for a in sent_to if a.lower() in senders), sent_to[0] if sent_to else None)


def _automatic(message: EmailMessage) -> bool:
    """An out-of-office or another machine's answer (RFC 3834 and the usual headers)."""
    submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    robot = message.get("X-Autoreply") or message.get("X-Autorespond")
    return submitted != "no" or precedence in AUTO_PRECEDENCE or robot is not None


def _plain_text(message: EmailMessage) -> str:
    """The text of the text/plain part, in a charset a mail program writes; Refused for
    another charset or a text that UTF-8 cannot hold (a lone surrogate, which UTF-7 decodes)."""
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        raise Refused(EX_DATAERR, "refused: no text/plain part (HTML and attachments are not read)")
    if not is_charset(str(part.get_param("charset", "ascii"))):
        raise Refused(EX_DATAERR, "refused: unreadable text (not a charset of text)")
    try:
        content = cast(EmailMessage, part).get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError) as exc:
        raise Refused(EX_DATAERR, f"refused: unreadable text ({type(exc).__name__})") from exc
    if SURROGATE.search(content):
        raise Refused(EX_DATAERR, "refused: unreadable text (a lone surrogate)")
    return content


def is_charset(name: str) -> bool:
    """Whether `name` is a charset text is written in: Python's codecs also read escapes
    (unicode_escape), host names (idna, punycode), compressed or encoded bytes (zlib,
    base64), or nothing (undefined)."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return False
    return codec in CHARSETS or codec.startswith(CHARSET_FAMILIES)


def reply_text(body: str) -> str:
    """The reply's own words: up to the quoted message, without '>' lines nor the signature,
    control characters removed, at most NOTE_MAX_CHARS."""
    kept: list[str] = []
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        # A mail program may wrap its "Le … a écrit :" line in two.
        wrapped = f"{line.strip()} {following.strip()}"
        if line.rstrip() == "--" or QUOTE_START.match(line.strip()) or QUOTE_START.match(wrapped):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    note = CONTROL.sub("", "\n".join(kept)).strip()
    if len(note) > NOTE_MAX_CHARS:
        note = note[: NOTE_MAX_CHARS - 1] + "…"
    return note


def _bounce(engine: Engine, message: EmailMessage, message_id: int) -> Outcome:
    reason = failure(message)
    with engine.begin() as db:
        if db.execute(BOUNCE_SQL, {"id": message_id, "reason": reason}).first() is None:
            raise Refused(EX_NOUSER, f"refused: no outbox message {message_id}")
    return Outcome(EX_OK, f"outbox message {message_id} bounced: {reason}")


def failure(message: EmailMessage) -> str:
    """The status and the remote server's words of a DSN's failed recipient, or Refused."""
    if message.get_content_type() != "multipart/report" or (
        str(message.get_param("report-type", "")).lower() != "delivery-status"
    ):
        raise Refused(EX_DATAERR, "refused: not a delivery status notification")
    for part in message.iter_parts():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks[1:] if isinstance(blocks, list) else ():
            if not isinstance(block, Message):
                continue
            if str(block.get("Action", "")).strip().lower() == "failed":
                return _reason(block)
        raise Refused(EX_OK, "a delivery status notification that is not a failure: ignored")
    raise Refused(EX_DATAERR, "refused: a report without its delivery-status part")


def _reason(block: Message) -> str:
    words = " ".join(str(block.get(name, "")).strip() for name in ("Status", "Diagnostic-Code"))
    return CONTROL.sub("", " ".join(words.split()))[:REASON_MAX_CHARS] or "failed"
