"""Population per commune, loaded from a CSV file: the denominators of the rates per 1,000.

The file has two columns, `nis_code,population_YYYY_MM_DD`: the header's second name gives
the day the population was counted (Statbel counts it on 1 January), so that the date cannot
drift from the figures. A load replaces every population in one transaction: loading the same
file twice changes nothing, and a newer file replaces the older one entirely.

A file is refused whole when any line is wrong (a bad header, a NIS code that is not five
digits, a count that is not a whole number, a negative one, a code twice), and when it names
codes that are not communes of the current boundary set (unless `skip_unknown`): such a file
was made for other boundaries (the 581 communes of 2019, say), and loading the rest would
give a merged commune the population of one of its former parts, a rate that looks right and
is not. Current communes that the file leaves out keep no population: their rates are null.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import PaveError

HEADER = re.compile(r"^population_([0-9]{4})_([0-9]{2})_([0-9]{2})$")
NIS = re.compile(r"^[0-9]{5}$")
# A commune of more people than Belgium (11.5 million in 2020) is a typo, and past
# PostgreSQL's integer.
MAX_POPULATION = 20_000_000
DEFAULT_SOURCE = "Statbel"
# Errors listed in a message before "and N more".
SHOWN = 5

CURRENT_CODES_SQL = text(
    "SELECT nis_code FROM communes WHERE id IN (SELECT commune_id FROM commune_parts)"
)
INSERT_SQL = text(
    "INSERT INTO commune_populations (nis_code, population, reference_date, source) "
    "VALUES (:nis_code, :population, :reference_date, :source)"
)


class PopulationFileError(PaveError):
    """A population file that cannot be read, or that does not fit the communes known."""


@dataclass
class PopulationFile:
    path: Path
    reference_date: dt.date
    populations: dict[str, int] = field(default_factory=dict)


@dataclass
class LoadResult:
    communes: int
    inhabitants: int
    reference_date: dt.date
    source: str
    skipped: list[str]
    missing: list[str]


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def _reference_date(path: Path, header: list[str]) -> dt.date:
    wanted = "the header nis_code,population_YYYY_MM_DD (the day of the count)"
    if len(header) != 2 or header[0].strip() != "nis_code":
        raise PopulationFileError(
            f"{path.name}: line 1 is {','.join(header)!r}; expected {wanted}."
        )
    match = HEADER.match(header[1].strip())
    if not match:
        raise PopulationFileError(f"{path.name}: column {header[1]!r} is not {wanted}.")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise PopulationFileError(f"{path.name}: {header[1]!r} is no date: {exc}.") from exc


def _count(row: list[str], seen: dict[str, int]) -> tuple[str, int]:
    """The NIS code and population of one line, or ValueError saying what is wrong."""
    if len(row) != 2:
        raise ValueError(f"has {len(row)} fields, not 2")
    nis, raw = row[0].strip(), row[1].strip()
    if not NIS.match(nis):
        raise ValueError(f"NIS code {nis!r} is not 5 digits")
    if nis in seen:
        raise ValueError(f"NIS code {nis} is listed twice")
    # ASCII digits only: int() would also read other scripts' digits ("١٢٣" is 123).
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise ValueError(f"population {raw[:40]!r} of {nis} is not a whole number")
    population = int(raw)
    if population < 0:
        raise ValueError(f"population {population} of {nis} is negative")
    if population > MAX_POPULATION:
        raise ValueError(f"population {raw[:40]} of {nis} is more than Belgium has")
    return nis, population


def read_population_file(path: str | Path) -> PopulationFile:
    """The file's populations and date; PopulationFileError naming every bad line."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        # csv.Error: a field over the csv module's limit (128 KiB), a NUL byte…
        raise PopulationFileError(f"{path}: cannot be read: {exc}.") from exc
    if not rows:
        raise PopulationFileError(f"{path.name}: the file is empty.")
    result = PopulationFile(path, _reference_date(path, rows[0]))
    errors = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            nis, population = _count(row, result.populations)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        result.populations[nis] = population
    if errors:
        raise PopulationFileError(
            f"{path.name}: {len(errors)} bad line(s), nothing loaded: {_listed(errors)}."
        )
    if not result.populations:
        raise PopulationFileError(f"{path.name}: no commune is listed.")
    return result


def load_populations(
    session: Session,
    source: PopulationFile,
    *,
    origin: str = DEFAULT_SOURCE,
    skip_unknown: bool = False,
) -> LoadResult:
    """Replace every population with the file's (in the session's transaction)."""
    current = set(session.execute(CURRENT_CODES_SQL).scalars())
    if not current:
        raise PopulationFileError(
            "There are no communes yet: import the boundaries first (flask boundaries load-default)."
        )
    unknown = sorted(set(source.populations) - current)
    if unknown and not skip_unknown:
        raise PopulationFileError(
            f"{source.path.name}: {len(unknown)} NIS code(s) are no commune of the current "
            f"boundaries ({_listed(unknown)}); nothing loaded. Is the file made for other "
            "boundaries? --skip-unknown loads the others."
        )
    rows = [
        {
            "nis_code": nis,
            "population": n,
            "reference_date": source.reference_date,
            "source": origin,
        }
        for nis, n in sorted(source.populations.items())
        if nis in current
    ]
    session.execute(text("DELETE FROM commune_populations"))
    session.execute(INSERT_SQL, rows)
    return LoadResult(
        communes=len(rows),
        inhabitants=sum(n for nis, n in source.populations.items() if nis in current),
        reference_date=source.reference_date,
        source=origin,
        skipped=unknown,
        missing=sorted(current - set(source.populations)),
    )
