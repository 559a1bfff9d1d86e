"""Category: a stable code, names in four languages, a group, and who handles it."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


class CategoryGroup(Base):
    __tablename__ = "category_groups"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, server_default="0")

    def names(self) -> dict[str, str]:
        return {"fr": self.name_fr, "nl": self.name_nl, "de": self.name_de, "en": self.name_en}


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint("handler IN ('commune', 'region', 'body')", name="handler"),
        CheckConstraint("handler <> 'body' OR body_id IS NOT NULL", name="body_handler_has_body"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    group_code: Mapped[str] = mapped_column(ForeignKey("category_groups.code"))
    name_fr: Mapped[str] = mapped_column(String(200))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_de: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # 'commune': the commune where it is; 'region': that commune's region; 'body': body_id.
    handler: Mapped[str] = mapped_column(String(20), server_default="commune")
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    position: Mapped[int] = mapped_column(Integer, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    # Reports of a sensitive category could point at a home (dumped rubbish in front of a
    # house): open data shows them on a 100 m grid with times rounded to the hour.
    sensitive: Mapped[bool] = mapped_column(Boolean, server_default=false())

    group: Mapped[CategoryGroup] = relationship(lazy="joined")

    def names(self) -> dict[str, str]:
        return {"fr": self.name_fr, "nl": self.name_nl, "de": self.name_de, "en": self.name_en}
