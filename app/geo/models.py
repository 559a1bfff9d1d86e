"""Regions, communes with versioned boundaries, and the subdivided parts used for routing."""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.geo.projection import WGS84


class Region(Base):
    """One of Belgium's three regions, keyed by its REFNIS code (02000, 03000, 04000)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    slug: Mapped[str] = mapped_column(String(20), unique=True)
    name_fr: Mapped[str] = mapped_column(String(100))
    name_nl: Mapped[str] = mapped_column(String(100))
    name_de: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class BoundarySet(Base):
    """One imported boundary file; its validity runs until the next set starts."""

    __tablename__ = "boundary_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[dt.date] = mapped_column(Date, unique=True)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    commune_count: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class Commune(Base):
    """A commune as it was during one validity period (communes merge and change)."""

    __tablename__ = "communes"
    __table_args__ = (UniqueConstraint("nis_code", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nis_code: Mapped[str] = mapped_column(String(5), index=True)
    name_fr: Mapped[str | None] = mapped_column(String(100))
    name_nl: Mapped[str | None] = mapped_column(String(100))
    name_de: Mapped[str | None] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    boundary_set_id: Mapped[int] = mapped_column(ForeignKey("boundary_sets.id", ondelete="CASCADE"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    boundary = mapped_column(
        Geometry("MULTIPOLYGON", srid=WGS84, spatial_index=True), nullable=False
    )

    region: Mapped[Region] = relationship(lazy="joined")

    def names(self) -> dict[str, str]:
        return {
            lang: name
            for lang, name in (("fr", self.name_fr), ("nl", self.name_nl), ("de", self.name_de))
            if name
        }


class CommunePart(Base):
    """A small piece (ST_Subdivide) of a current commune: point lookups test few vertices."""

    __tablename__ = "commune_parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    geom = mapped_column(Geometry("POLYGON", srid=WGS84, spatial_index=True), nullable=False)


class CommunePopulation(Base):
    """A commune's population on a reference date, by NIS code (it survives a boundary
    import); its source and date are cited wherever a rate per 1,000 inhabitants is shown."""

    __tablename__ = "commune_populations"
    __table_args__ = (
        CheckConstraint("nis_code ~ '^[0-9]{5}$'", name="ck_commune_populations_nis_code"),
        CheckConstraint("population >= 0", name="ck_commune_populations_population"),
    )

    nis_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    reference_date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))
    loaded_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class CommuneOutlineFile(Base):
    """The dashboard map's GeoJSON of the current outlines (plain and gzipped) for one
    version of the boundaries and population; a cache that any command may replace."""

    __tablename__ = "commune_outline_files"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    gzipped: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
