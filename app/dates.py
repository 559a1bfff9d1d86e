"""Dates and times as the reader of an email writes them, in Belgian time.

A resident reads "8 décembre 2026", never 2026-12-08, and a deadline in the time of their
clock, never in UTC. Four languages need twelve month names each: a table here spares a
dependency on a whole locale library.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BELGIAN_TIME = ZoneInfo("Europe/Brussels")

MONTHS = {
    "fr": ("janvier février mars avril mai juin juillet août septembre octobre novembre décembre"),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "en": "January February March April May June July August September October November December",
}
MONTH_NAMES = {language: tuple(names.split()) for language, names in MONTHS.items()}

# How a time follows the date: "8 décembre 2026 à 14:30", "8. Dezember 2026 um 14:30 Uhr".
AT_TIME = {"fr": "{date} à {time}", "nl": "{date} om {time}", "de": "{date} um {time} Uhr"}


def long_date(day: dt.date, language: str) -> str:
    """The day in full: 8 décembre 2026, 8 december 2026, 8. Dezember 2026, 8 December 2026."""
    month = MONTH_NAMES.get(language, MONTH_NAMES["en"])[day.month - 1]
    if language == "de":
        return f"{day.day}. {month} {day.year}"
    # French writes the first of the month as an ordinal: 1er décembre.
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{number} {month} {day.year}"


def long_datetime(moment: dt.datetime, language: str) -> str:
    """The moment in Belgian time (a naive one is taken as UTC), date in full, 24-hour clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(BELGIAN_TIME)
    pattern = AT_TIME.get(language, "{date} at {time}")
    return pattern.format(date=long_date(local.date(), language), time=f"{local:%H:%M}")
