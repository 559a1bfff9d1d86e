"""The dashboard's summary tables (migration 0019), for the metadata: only triggers write them.

app.opendata.dashboard reads them; docs/open-data.md says what each count is.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CHAR, Date, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

_HIDDEN = text("public_from > '-infinity'")


class DashboardDay(Base):
    """Reports per published creation day, commune, category, status, resolution bucket
    , when they enter the view."""

    __tablename__ = "dashboard_days"
    __table_args__ = (Index("ix_dashboard_days_hidden", "public_from", postgresql_where=_HIDDEN),)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    commune_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    hours: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    public_from: Mapped[dt.datetime] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class DashboardMonth(Base):
    """The same per published creation month, whenever they enter the view."""

    __tablename__ = "dashboard_months"
    __table_args__ = (
        Index(
            "ix_dashboard_months_category",
            "category_id",
            "month",
            postgresql_include=["commune_id", "status", "hours", "n"],
        ),
    )

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    commune_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    hours: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)


class DashboardRegionDay(Base):
    """Reports created ('c') or resolved ('r') per day, region, category, status, when
    they enter the view."""

    __tablename__ = "dashboard_region_days"
    __table_args__ = (
        Index("ix_dashboard_region_days_hidden", "public_from", postgresql_where=_HIDDEN),
    )

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(CHAR(1), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    public_from: Mapped[dt.datetime] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class DashboardRegionMonth(Base):
    """The same per month, whenever they enter the view."""

    __tablename__ = "dashboard_region_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(CHAR(1), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class DashboardRegionWeek(Base):
    """Reports created or resolved per week (from Monday), region and category, whenever
    they enter the view: the weekly trend."""

    __tablename__ = "dashboard_region_weeks"

    week: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(CHAR(1), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)


class DashboardCommune(Base):
    """Reports per commune (by NIS code), status and resolution bucket, all time (whenever
    they enter the view): the default national and regional map without adding up months."""

    __tablename__ = "dashboard_communes"

    nis_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    hours: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)
