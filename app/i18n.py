"""Languages of use and how a name is picked from its translations."""

from __future__ import annotations

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
