"""The Body model: a commune, a region or another operator, with a contact."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Body(Base):
    __tablename__ = "bodies"
    __table_args__ = (
        CheckConstraint("kind IN ('commune', 'region', 'operator')", name="kind"),
        # A commune body is tied to a NIS code, which outlives any one boundary version.
        CheckConstraint("kind <> 'commune' OR nis_code IS NOT NULL", name="commune_has_nis"),
        CheckConstraint("kind <> 'region' OR region_code IS NOT NULL", name="region_has_code"),
        CheckConstraint("notify_mode IN ('immediate', 'daily')", name="notify_mode"),
        CheckConstraint(
            "delivery_method IN ('pave', 'email', 'open311', 'open311_email')",
            name="delivery_method",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_fr: Mapped[str | None] = mapped_column(String(200))
    name_nl: Mapped[str | None] = mapped_column(String(200))
    name_de: Mapped[str | None] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    nis_code: Mapped[str | None] = mapped_column(String(5), unique=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_url: Mapped[str | None] = mapped_column(String(500))
    # New tickets are emailed to contact_email one by one, or once a day as a digest.
    notify_mode: Mapped[str] = mapped_column(String(10), server_default="immediate")
    # How the body receives its reports (app/delivery): 'pave' (the crew screens only),
    # 'email' (contact_email, as notify_mode says), 'open311' (its own system, body_open311)
    # or 'open311_email' (both).
    delivery_method: Mapped[str] = mapped_column(String(20), server_default="pave")

    def names(self) -> dict[str, str]:
        pairs = (("fr", self.name_fr), ("nl", self.name_nl), ("de", self.name_de))
        return {lang: name for lang, name in (*pairs, ("en", self.name_en)) if name}
