"""Photo: one picture of a report, stored as a display rendition and a thumbnail."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    and_,
    exists,
    false,
    func,
    or_,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column

from app.db import Base


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (
        # The client's photo id is the idempotency key of an upload: one row per report and id.
        UniqueConstraint(
            "report_id", "client_photo_id", name="uq_photos_report_id_client_photo_id"
        ),
        UniqueConstraint("report_id", "position", name="uq_photos_report_id_position"),
        CheckConstraint("position >= 0", name="position_positive"),
        # Serving a file and deciding whether a file may be deleted both look rows up by hash.
        Index("ix_photos_display_sha256", "display_sha256"),
        Index("ix_photos_thumbnail_sha256", "thumbnail_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    client_photo_id: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the bytes as uploaded, to tell a retry from another photo under the same id.
    upload_sha256: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(SmallInteger)
    content_type: Mapped[str] = mapped_column(String(40))
    display_sha256: Mapped[str] = mapped_column(String(64))
    display_width: Mapped[int] = mapped_column(Integer)
    display_height: Mapped[int] = mapped_column(Integer)
    display_bytes: Mapped[int] = mapped_column(Integer)
    thumbnail_sha256: Mapped[str] = mapped_column(String(64))
    thumbnail_width: Mapped[int] = mapped_column(Integer)
    thumbnail_height: Mapped[int] = mapped_column(Integer)
    thumbnail_bytes: Mapped[int] = mapped_column(Integer)
    # Staff will hide photos that show faces or number plates; hidden ones are never served.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())

    @property
    def extension(self) -> str:
        return "jpg" if self.content_type == "image/jpeg" else "webp"

    @property
    def display_key(self) -> str:
        return f"{self.display_sha256}.{self.extension}"

    @property
    def thumbnail_key(self) -> str:
        return f"{self.thumbnail_sha256}.{self.extension}"


def publicly_visible(photo=Photo):
    """The condition every public reader puts on a photo: not hidden, here or anywhere.

    Files are content-addressed, so the same picture sent to another report has the same
    files and URLs: once staff hide a picture, it stays hidden wherever it was or will be
    sent (a re-upload cannot bring it back). Migration 0015 keeps the open data view to the
    same rule, and PhotoFile serves a file only when no hidden row names it.
    """
    other = aliased(Photo)
    hashes = (photo.display_sha256, photo.thumbnail_sha256)
    hidden_elsewhere = exists().where(
        other.hidden.is_(True),
        or_(other.display_sha256.in_(hashes), other.thumbnail_sha256.in_(hashes)),
    )
    return and_(photo.hidden.is_(False), ~hidden_elsewhere)
