"""Report and its status history."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Uuid,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.bodies.models import Body
from app.categories.models import Category
from app.db import Base
from app.geo.models import Commune
from app.geo.projection import METRIC_SRID, WGS84
from app.i18n import LANGUAGES
from app.reports.states import CLOSED_STATUSES, OPEN_STATUSES, Priority, Status

STATUS_VALUES = ", ".join(f"'{s.value}'" for s in Status)
OPEN_VALUES = ", ".join(f"'{s.value}'" for s in Status if s in OPEN_STATUSES)
CLOSED_VALUES = ", ".join(f"'{s.value}'" for s in Status if s in CLOSED_STATUSES)
PRIORITY_VALUES = ", ".join(f"'{p.value}'" for p in Priority)
LANGUAGE_VALUES = ", ".join(f"'{lang}'" for lang in LANGUAGES)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUS_VALUES})", name="status"),
        CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="accuracy_positive"),
        CheckConstraint(f"priority IN ({PRIORITY_VALUES})", name="priority"),
        CheckConstraint(f"reporter_language IN ({LANGUAGE_VALUES})", name="reporter_language"),
        CheckConstraint("duplicate_of <> id", name="not_duplicate_of_itself"),
        CheckConstraint("media_url ~ '^https?://'", name="media_url_http"),
        # Newest-first listing and its keyset cursor walk this index.
        Index("ix_reports_created_at_id", "created_at", "id"),
        # A body's tickets newest first: the staff list and map stop after a page of it.
        Index("ix_reports_body_id_created_at_id", "body_id", "created_at", "id"),
        # Open data (migration 0009): bbox queries on the published location, and the
        # exports' "changed since" walk.
        Index("ix_reports_public_location", "public_location", postgresql_using="gist"),
        Index("ix_reports_updated_at_id", "updated_at", "id"),
        # Public lists, newest first as published, and their keyset cursor (migration 0016).
        Index("ix_reports_public_created_at_id", "public_created_at", "id"),
        # Open311 GET for one service code, or its open or closed requests, newest first as
        # published (migration 0021).
        Index(
            "ix_reports_category_id_public_created_at_id", "category_id", "public_created_at", "id"
        ),
        Index(
            "ix_reports_open_public_created_at_id",
            "public_created_at",
            "id",
            postgresql_where=text(f"status IN ({OPEN_VALUES})"),
        ),
        Index(
            "ix_reports_closed_public_created_at_id",
            "public_created_at",
            "id",
            postgresql_where=text(f"status IN ({CLOSED_VALUES})"),
        ),
        # "Nearby" measures to the published point in Lambert 2008 (migration 0016); the index
        # makes it a range scan.
        Index(
            "ix_reports_public_location_3812",
            text(f"ST_Transform(public_location, {METRIC_SRID})"),
            postgresql_using="gist",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    location = mapped_column(Geometry("POINT", srid=WGS84, spatial_index=True), nullable=False)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), server_default=Status.NEW.value, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    # The unique constraint, not Python, is what guarantees one report per client key.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # SHA-256 of the canonical request body, to tell a true retry from a reused key.
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Private: never serialised by a public endpoint.
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    reporter_phone: Mapped[str | None] = mapped_column(String(40))
    # The language of the emails the reporter receives.
    reporter_language: Mapped[str] = mapped_column(String(2), server_default="fr")
    # The ticket lifecycle (app/tickets): every change increments the version, which the API
    # exposes as the ETag so that a stale edit is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    priority: Mapped[str] = mapped_column(String(10), server_default=Priority.NORMAL.value)
    # No foreign key yet: the users table arrives with migration 0005, written in parallel;
    # a later migration adds the constraint.
    assignee_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    planned_for: Mapped[dt.date | None] = mapped_column(Date)
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    # Open data (migration 0009). Staff mark the resident's free text publishable; until then
    # no export shows it. The database keeps the other two: a trigger sets resolved_at when the
    # ticket becomes resolved (and clears it otherwise) and public_location, the location as
    # published (generalised for sensitive categories and, since 0018, for a duplicate of a
    # sensitive report), whenever the location, category, commune or original changes.
    description_public: Mapped[bool] = mapped_column(Boolean, server_default=false())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(
        server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    public_location = mapped_column(
        Geometry("POINT", srid=WGS84, spatial_index=False),
        nullable=False,
        server_default=FetchedValue(),
        server_onupdate=FetchedValue(),
    )
    # The creation time as published (migration 0016: to the hour when generalised),
    # kept by the same trigger, so that public lists walk an index newest first.
    public_created_at: Mapped[dt.datetime] = mapped_column(
        nullable=False,
        server_default=FetchedValue(),
        server_onupdate=FetchedValue(),
    )
    # Whether it is published generalised (its category sensitive, or its original's), kept
    # by the same trigger: the dashboard's summaries read it from the old row (migration 0019).
    public_generalised: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    # What the public view would otherwise compute for every row it reads (migration 0021),
    # kept by triggers: its update and resolution times as published, and its first publicly
    # visible photo's file.
    public_updated_at: Mapped[dt.datetime] = mapped_column(
        nullable=False,
        server_default=FetchedValue(),
        server_onupdate=FetchedValue(),
    )
    public_resolved_at: Mapped[dt.datetime | None] = mapped_column(
        server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    public_photo_key: Mapped[str | None] = mapped_column(
        Text, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    # The published point as the exports write it: WGS84 to 6 decimals, Lambert 2008 to 2.
    public_lon: Mapped[Decimal] = mapped_column(
        Numeric, nullable=False, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    public_lat: Mapped[Decimal] = mapped_column(
        Numeric, nullable=False, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    public_x_lambert2008: Mapped[Decimal] = mapped_column(
        Numeric, nullable=False, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    public_y_lambert2008: Mapped[Decimal] = mapped_column(
        Numeric, nullable=False, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )
    # A picture elsewhere, linked by a commune's system through Open311's media_url (migration
    # 0010): http or https only; Open311 shows it when the report has no photo of its own.
    media_url: Mapped[str | None] = mapped_column(String(2000))

    category: Mapped[Category] = relationship(lazy="joined")
    commune: Mapped[Commune] = relationship(lazy="joined")
    body: Mapped[Body] = relationship(lazy="joined")
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="report", order_by="StatusChange.id"
    )


class StatusChange(Base):
    """One change of a report's status: when, by whom, and why."""

    __tablename__ = "report_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    # A rejection's or transfer's reason is told to the reporter; published only if staff
    # marked it so.
    reason_public: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))

    report: Mapped[Report] = relationship(back_populates="history")
