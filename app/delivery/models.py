"""A body's Open311 connection and the delivery of each report to a body's own system."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

# Bodies.delivery_method: where a body receives its reports.
METHODS = ("pave", "email", "open311", "open311_email")
# The methods that send to the body's Open311 server, and those that email its contact.
OPEN311_METHODS = frozenset({"open311", "open311_email"})
EMAIL_METHODS = frozenset({"email", "open311_email"})


class BodyOpen311(Base):
    """A body's Open311 server: where to send, as whom, and how categories map to services.

    The API key is stored encrypted (app/delivery/crypto.py) and never returned nor logged.
    """

    __tablename__ = "body_open311"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    # The base URL of the GeoReport v2 API, e.g. https://example.be/open311/v2/
    endpoint: Mapped[str] = mapped_column(String(500))
    jurisdiction_id: Mapped[str | None] = mapped_column(String(200))
    api_key_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Pavé category code -> the remote's service_code.
    service_codes: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # Pavé category code -> {attribute name: value}, sent as attribute[name]=value.
    attributes: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    # The status pull's cursor: updates up to this time have been read.
    updates_cursor: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The ids of the updates read at exactly that time (several share a second): skipped when
    # the next round reads from the cursor again.
    updates_cursor_ids: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ReportDelivery(Base):
    """One report sent (or to be sent) to one body's own system, through this outbox.

    `attempt_started_at` is committed before a request leaves and cleared with its outcome:
    a row claimed with it still set had an unknown outcome (a lost answer, a killed worker),
    and is reconciled with the remote before anything is sent again.
    """

    __tablename__ = "report_deliveries"
    __table_args__ = (
        CheckConstraint("method IN ('open311')", name="method"),
        UniqueConstraint("report_id", "body_id"),
        Index(
            "ix_report_deliveries_due",
            "next_attempt_at",
            "id",
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
        Index(
            "ix_report_deliveries_remote",
            "body_id",
            "remote_id",
            unique=True,
            postgresql_where=text("remote_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    method: Mapped[str] = mapped_column(String(20), server_default="open311")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    attempt_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the worker gave up after its maximum attempts; retried only by a person.
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # The same error for the screens (app/delivery/failures.py): its kind, the remote's HTTP
    # status, and the remote's own words or the category without a service code.
    last_error_kind: Mapped[str | None] = mapped_column(String(40))
    last_error_status: Mapped[int | None] = mapped_column(SmallInteger)
    last_error_detail: Mapped[str | None] = mapped_column(Text)
    # The remote's service_request_id, or its token until the id is known.
    remote_id: Mapped[str | None] = mapped_column(String(200))
    remote_token: Mapped[str | None] = mapped_column(String(200))
    # The remote's last status and its text, as pulled or pushed.
    remote_status: Mapped[str | None] = mapped_column(String(40))
    remote_status_text: Mapped[str | None] = mapped_column(Text)
    remote_updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The status pull (app/delivery/pull.py): when the ticket was last asked for (oldest
    # first), and the ids of the remote updates already applied (each applied once).
    remote_checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    remote_update_ids: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))


class Open311PushedUpdate(Base):
    """An update a remote system pushed to POST servicerequestupdates, by its update_id and
    the API key's account: a replay is answered with the first answer, not applied again."""

    __tablename__ = "open311_pushed_updates"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    remote_update_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    # The update_id Pavé answered the first time, and a hash of what the update said.
    update_id: Mapped[str] = mapped_column(String(60))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
