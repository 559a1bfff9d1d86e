"""What every read of a report names: its category, its commune and the body handling it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

from app.i18n import COMMUNE_LANGUAGES, names_from


class PlacementNames(TypedDict):
    category_names: dict[str, str]
    commune_names: dict[str, str]
    body_names: dict[str, str]


@dataclass(frozen=True)
class Placement:
    """A report's category, commune and body, by code and by name in every language (the
    HTTP layer picks the reader's); base of the public view and of the staff's ticket row."""

    category_code: str
    category_names: dict[str, str]
    commune_nis_code: str
    commune_names: dict[str, str]
    body_code: str
    body_names: dict[str, str]
    body_region: str | None

    @staticmethod
    def names(values: Any) -> PlacementNames:
        """The three `*_names` fields from a row's (or mapping's) category_<lang>,
        commune_<lang> and body_<lang> columns (communes have no English name)."""
        return {
            "category_names": names_from(values, "category"),
            "commune_names": names_from(values, "commune", COMMUNE_LANGUAGES),
            "body_names": names_from(values, "body"),
        }
