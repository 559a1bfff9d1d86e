"""The email to a body as the worker sends it: photo links, where replies go, where bounces go.

A body's email is written with the ticket (app/notify/notifications.py), but its photos often
come a moment later (the app uploads them after the report), so the worker adds their links
when it sends the message, and the row keeps the message as it was sent.

Photos are links to the display image (about 100 kB, at most 5), not attachments: the message
stays a few kilobytes whatever the photos weigh, well under any administration's size limit
and spam filter's distrust of attached images; the worker needs no access to the photo
storage; and a photo that staff hide later (a face, a number plate) stops being served to
anyone holding the link.

With INBOUND_EMAIL_DOMAIN, each message carries addresses at that domain that Pavé reads
(app/delivery/inbound.py, `flask --app app notify inbound`):
- Reply-To `ticket+<report id>.<mac>@domain` on a new ticket's email: a reply becomes an
  internal note of the ticket;
- the envelope sender (Return-Path) `bounces+<outbox id>.<mac>@domain` on every message: a
  delivery status notification marks that message bounced.
The mac (an HMAC-SHA256 of the address's kind and id, under a key derived from SECRET_KEY,
64 bits in lowercase hex) keeps anyone from writing to a ticket or bouncing a message by
guessing an address. Without the setting, no reply is read and the body's email says so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from string import Template

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.notify.body_messages import (
    DIGEST_REPLY_NOT_READ,
    PHOTOS_SECTION,
    REPLY_NOT_READ,
    REPLY_READ,
)
from app.notify.outbox import Message
from app.urls import public_url

PHOTO_PATH = "/api/v1/photos/{key}"
MAC_HEX = 16
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ADDRESS = re.compile(r"^(ticket|bounces)\+([0-9a-f]{32}|[0-9]{1,18})\.([0-9a-f]{16})$")

# The report's photos that anyone may see, in their order: not hidden here nor elsewhere
# (the rule of app.media.models.publicly_visible), and the link an Open311 client gave.
PHOTOS_SQL = text(
    """
    SELECT p.display_sha256 || CASE WHEN p.content_type = 'image/jpeg' THEN '.jpg'
                                    ELSE '.webp' END AS key
    FROM photos p
    WHERE p.report_id = :id AND NOT p.hidden
      AND NOT EXISTS (SELECT 1 FROM photos o WHERE o.hidden
                      AND (o.display_sha256 IN (p.display_sha256, p.thumbnail_sha256)
                           OR o.thumbnail_sha256 IN (p.display_sha256, p.thumbnail_sha256)))
    ORDER BY p.position
    """
)
MEDIA_URL_SQL = text("SELECT media_url FROM reports WHERE id = :id")


def photo_links(db: Connection, report_id: uuid.UUID, base_url: str | None = None) -> list[str]:
    """The addresses of the report's visible display photos (and of its Open311 media_url),
    under `base_url` (default: PUBLIC_BASE_URL of the running app, else the environment's)."""
    keys = db.execute(PHOTOS_SQL, {"id": report_id}).scalars().all()
    config = {"PUBLIC_BASE_URL": base_url} if base_url else None
    links = [public_url(PHOTO_PATH.format(key=key), config) for key in keys]
    media_url = db.execute(MEDIA_URL_SQL, {"id": report_id}).scalar_one_or_none()
    return [*links, media_url] if media_url else links


@dataclass(frozen=True)
class InboundAddresses:
    """The addresses at INBOUND_EMAIL_DOMAIN that Pavé reads, and their check."""

    domain: str
    key: bytes

    @classmethod
    def from_settings(cls, domain: str, secret_key: str) -> InboundAddresses | None:
        """None without a domain; ValueError for one that is not a plain host name."""
        domain = (domain or "").strip().lower()
        if not domain:
            return None
        if not DOMAIN.match(domain):
            raise ValueError(
                f"INBOUND_EMAIL_DOMAIN is a host name such as replies.pave.example.be, "
                f"not {domain!r}."
            )
        key = hmac.new(secret_key.encode(), b"pave inbound email", hashlib.sha256).digest()
        return cls(domain, key)

    def _mac(self, kind: str, value: str) -> str:
        digest = hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest[:MAC_HEX]

    def reply_address(self, report_id: uuid.UUID) -> str:
        return f"ticket+{report_id.hex}.{self._mac('ticket', report_id.hex)}@{self.domain}"

    def bounce_address(self, message_id: int) -> str:
        return f"bounces+{message_id}.{self._mac('bounces', str(message_id))}@{self.domain}"

    def parse(self, address: str) -> tuple[str, uuid.UUID | int] | None:
        """("ticket", report id) or ("bounces", outbox id) for one of our addresses whose mac
        is right; None for anything else (another domain, a forged or altered mac)."""
        local, at, domain = address.strip().strip("<>").lower().rpartition("@")
        found = ADDRESS.match(local)
        if not at or domain != self.domain or found is None:
            return None
        kind, value, mac = found.groups()
        if not hmac.compare_digest(mac, self._mac(kind, value)):
            return None
        if kind == "ticket":
            return (kind, uuid.UUID(hex=value)) if len(value) == 32 else None
        return (kind, int(value)) if len(value) < 32 else None


def compose(
    db: Connection,
    message: Message,
    inbound: InboundAddresses | None,
    base_url: str | None = None,
) -> Message:
    """The message as it leaves: a body's email with its photos (under `base_url`, see
    photo_links) and the note on replies, and the Reply-To and Return-Path addresses when
    Pavé reads them."""
    return_path = inbound.bounce_address(message.id) if inbound else None
    body, reply_to = message.body, None
    if message.kind == "body_new_report" and message.report_id is not None:
        report_id, lang = message.report_id, message.language
        links = photo_links(db, report_id, base_url)
        if links:
            section = Template(PHOTOS_SECTION[lang])
            body += section.substitute(count=len(links), links="\n".join(links))
        if inbound is not None:
            reply_to = inbound.reply_address(report_id)
            body += Template(REPLY_READ[lang]).substitute(ref=str(report_id)[:8])
        else:
            body += REPLY_NOT_READ[lang]
    elif message.kind == "body_digest":
        body += DIGEST_REPLY_NOT_READ[message.language]
    return dataclasses.replace(message, body=body, reply_to=reply_to, return_path=return_path)
