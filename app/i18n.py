"""Languages of use and how a name is picked from its translations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGUAGES = ("fr", "nl", "de", "en")
# The usual language of each region, used when the asked-for one has no name.
REGION_LANGUAGES = {"02000": ("nl", "fr"), "03000": ("fr", "de"), "04000": ("fr", "nl")}


def pick_name(names: dict[str, str], lang: str | None, region_code: str | None = None) -> str:
    """The name in `lang` if there is one, else in the region's languages, else any."""
    order = [lang] if lang else []
    order += list(REGION_LANGUAGES.get(region_code or "", ())) + list(LANGUAGES)
    for candidate in order:
        if names.get(candidate):
            return names[candidate]
    return next(iter(names.values()), "")


# Communes have no English name.
COMMUNE_LANGUAGES = ("fr", "nl", "de")


def names_from(row: Any, prefix: str, languages: tuple[str, ...] = LANGUAGES) -> dict[str, str]:
    """A name per language from a row's `<prefix>_<lang>` columns, the empty ones left out.

    `row` is a result row (columns as attributes) or a mapping of column names (RowMapping).
    """
    if isinstance(row, Mapping):
        names = {lang: row.get(f"{prefix}_{lang}") for lang in languages}
    else:
        names = {lang: getattr(row, f"{prefix}_{lang}", None) for lang in languages}
    return {lang: name for lang, name in names.items() if name}


def name_columns(source: str, prefix: str, languages: tuple[str, ...] = LANGUAGES) -> str:
    """SQL selecting `<source>_<lang> AS <prefix>_<lang>` in each language: what names_from
    then reads (`source` is a column name but for its language, such as c.name)."""
    return ", ".join(f"{source}_{lang} AS {prefix}_{lang}" for lang in languages)
