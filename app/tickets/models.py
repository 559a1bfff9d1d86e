"""Ticket updates, the append-only audit log and the notification outbox."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class ReportUpdate(Base):
    """A message on a ticket: public (the resident and everyone see it) or an internal note."""

    __tablename__ = "report_updates"
    __table_args__ = (Index("ix_report_updates_report_id_created_at", "report_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(200))
    # A plain integer until the users table exists (migration 0005); see reports.assignee.
    author_user_id: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # The follow link that wrote a resident's comment: its author reads it before staff
    # publish it.
    follow_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_follow_tokens.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class AuditEntry(Base):
    """One action on a ticket, with the fields it changed before and after.

    Append-only: a trigger made by migration 0006 refuses UPDATE and DELETE. The report id has
    no foreign key, so that the trail outlives anything that happens to the report.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_report_id_id", "report_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    report_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    after: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class OutboxMessage(Base):
    """An email to send, written in the transaction of the change it tells about."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker only ever looks for due messages neither sent nor given up.
        Index(
            "ix_outbox_messages_due",
            "next_attempt_at",
            "id",
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set when the worker gave up after OUTBOX_MAX_ATTEMPTS; the row is kept for inspection.
    failed_at: Mapped[dt.datetime | None]
    # The private links in the body, replaced by a marker once the message is sent or given up.
    redactions: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    # Refused for good by the recipient's mail system: a 5xx at SMTP time (then also
    # failed_at, never retried) or a delivery status notification received later.
    bounced_at: Mapped[dt.datetime | None] = mapped_column()
    bounce_reason: Mapped[str | None] = mapped_column(Text)


class StaffRequestKey(Base):
    """A staff change made under an Idempotency-Key: a retry with the key is answered, not redone.

    Written in the change's own transaction, so the key exists if and only if the change does.
    Keys belong to the user who sent them: another user's key never replays for someone else.
    """

    __tablename__ = "staff_request_keys"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # SHA-256 of the operation, the ticket and the validated body: a reused key is told apart.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The status the first answer had (200 or 201), which a replay answers with again.
    response_status: Mapped[int] = mapped_column(SmallInteger)
    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
