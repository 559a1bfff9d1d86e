"""How a feature's properties read on the OGC API's HTML pages, in the reader's language.

People read these pages on a phone: each property under a label in their language, statuses
and regions by name, yes or no, times in Belgian local time (the machine value kept in
<time datetime>). The JSON and GeoJSON answers keep the data as it is; this module only
writes HTML. Status names are the PWA's (pwa/src/i18n), so that the residents' app and the
open data name a status alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

from markupsafe import Markup, escape

from app.dates import BELGIAN_TIME

PWA_STRINGS = Path(__file__).resolve().parents[2] / "pwa" / "src" / "i18n"
LANGS = ("fr", "nl", "de", "en")

# Each property's label, in fr, nl, de and en; `category`, `commune`, `body` and `name` stand
# for their names in every language, shown once in the reader's.
_LABELS: dict[str, tuple[str, str, str, str]] = {
    "id": ("Identifiant", "Identificatie", "Kennung", "Identifier"),
    "status": ("Statut", "Status", "Status", "Status"),
    "open311_status": ("Statut Open311", "Open311-status", "Open311-Status", "Open311 status"),
    "oslo_status_uri": ("Statut OSLO", "OSLO-status", "OSLO-Status", "OSLO status"),
    "category": ("Catégorie", "Categorie", "Kategorie", "Category"),
    "category_code": ("Code de catégorie", "Categoriecode", "Kategoriecode", "Category code"),
    "commune": ("Commune", "Gemeente", "Gemeinde", "Commune"),
    "commune_nis_code": ("Code INS", "NIS-code", "NIS-Code", "NIS code"),
    "nis_code": ("Code INS", "NIS-code", "NIS-Code", "NIS code"),
    "name": ("Nom", "Naam", "Name", "Name"),
    "region": ("Région", "Gewest", "Region", "Region"),
    "region_code": ("Code de région", "Gewestcode", "Regionscode", "Region code"),
    "body": ("Gestionnaire", "Beheerder", "Zuständige Stelle", "Responsible body"),
    "body_code": ("Code du gestionnaire", "Code van de beheerder", "Code der Stelle", "Body code"),
    "created_at": ("Signalé le", "Gemeld op", "Gemeldet am", "Reported"),
    "updated_at": ("Mis à jour le", "Bijgewerkt op", "Aktualisiert am", "Updated"),
    "resolved_at": ("Résolu le", "Opgelost op", "Erledigt am", "Resolved"),
    "resolution_hours": (
        "Délai de résolution (heures)",
        "Oplostijd (uren)",
        "Bearbeitungszeit (Stunden)",
        "Time to resolve (hours)",
    ),
    "description": ("Description", "Beschrijving", "Beschreibung", "Description"),
    "duplicate_of": ("Doublon de", "Dubbel van", "Duplikat von", "Duplicate of"),
    "location_generalised": (
        "Lieu arrondi à 100 m",
        "Plaats afgerond op 100 m",
        "Ort auf 100 m gerundet",
        "Location rounded to 100 m",
    ),
    "valid_from": ("En vigueur depuis le", "Geldig sinds", "Gültig seit", "Valid from"),
    "valid_to": ("En vigueur jusqu'au", "Geldig tot", "Gültig bis", "Valid until"),
}
LABELS = {lang: {k: v[i] for k, v in _LABELS.items()} for i, lang in enumerate(LANGS)}

_WORDS: dict[str, tuple[str, str, str, str]] = {
    "yes": ("Oui", "Ja", "Ja", "Yes"),
    "no": ("Non", "Nee", "Nein", "No"),
    "open": ("ouvert", "open", "offen", "open"),
    "closed": ("clôturé", "afgesloten", "abgeschlossen", "closed"),
    "Point": ("Point", "Punt", "Punkt", "Point"),
    "Polygon": ("Polygone", "Polygoon", "Polygon", "Polygon"),
    "MultiPolygon": ("Multipolygone", "Multipolygoon", "Multipolygon", "Multipolygon"),
    "region.brussels": ("Bruxelles", "Brussel", "Brüssel", "Brussels"),
    "region.flanders": ("Flandre", "Vlaanderen", "Flandern", "Flanders"),
    "region.wallonia": ("Wallonie", "Wallonië", "Wallonien", "Wallonia"),
}
WORDS = {lang: {k: v[i] for k, v in _WORDS.items()} for i, lang in enumerate(LANGS)}

# The collections' keywords (English in the JSON) in fr, nl and de; names stay as they are.
_KEYWORDS: dict[str, tuple[str, str, str]] = {
    "street": ("rue", "straat", "Straße"),
    "incident": ("incident", "incident", "Vorfall"),
    "report": ("signalement", "melding", "Meldung"),
    "public space": ("espace public", "openbare ruimte", "öffentlicher Raum"),
    "Belgium": ("Belgique", "België", "Belgien"),
    "municipality": ("municipalité", "gemeente", "Gemeinde"),
    "boundary": ("limite", "grens", "Grenze"),
}


def keywords(words, lang: str) -> str:
    """A collection's keywords in `lang`, each once."""
    if lang == "en":
        return ", ".join(words)
    index = LANGS.index(lang)
    shown = [_KEYWORDS[w][index] if w in _KEYWORDS else w for w in words]
    return ", ".join(dict.fromkeys(shown))


# Dates as Belgians write them in each language; the decimal comma but in English.
DATE_FORMATS = {"fr": "%d/%m/%Y", "nl": "%d-%m-%Y", "de": "%d.%m.%Y", "en": "%d/%m/%Y"}
DECIMAL_POINT = {"fr": ",", "nl": ",", "de": ",", "en": "."}
# Identifiers, in their own letters (a category's code may read as an English word).
CODES = ("category_code", "body_code", "duplicate_of")
# Shown in the reader's language instead of one property a language.
NAMES = {"category": "category_name", "commune": "commune_name", "body": "body_name"}
# Not shown as a row: the names (shown by NAMES) and the photo (a link below the list).
HIDDEN_PREFIXES = ("category_name_", "commune_name_", "body_name_", "name_", "photo_")


@functools.cache
def status_names(lang: str) -> dict[str, str]:
    """The PWA's names of the report statuses in `lang`, by status."""
    strings = json.loads((PWA_STRINGS / f"{lang}.json").read_text(encoding="utf-8"))
    return {k.removeprefix("status."): v for k, v in strings.items() if k.startswith("status.")}


def timestamp(value: str, lang: str) -> Markup:
    """An RFC 3339 time (or a date) in Belgian local time, the machine value kept."""
    if len(value) == 10:
        shown = dt.date.fromisoformat(value).strftime(DATE_FORMATS[lang])
    else:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(BELGIAN_TIME)
        shown = moment.strftime(f"{DATE_FORMATS[lang]} %H:%M")
    return Markup('<time datetime="{}">{}</time>').format(value, shown)


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def value(name: str, properties: dict, lang: str, pick_name) -> Markup | str:
    """The property `name` of a feature as the reader reads it; "" when it has none.

    `pick_name(properties, prefix, lang)` names a category, commune or body in `lang`.
    """
    if name in NAMES:
        return pick_name(properties, NAMES[name], lang)
    if name == "name":
        return pick_name(properties, "name", lang)
    raw = properties.get(name)
    if raw is None or raw == "":
        return ""
    words = WORDS[lang]
    if isinstance(raw, bool):
        return words["yes" if raw else "no"]
    if name == "status":
        return _capital(status_names(lang).get(raw, raw))
    if name == "open311_status":
        return _capital(words.get(raw, raw))
    if name == "region":
        return words.get(f"region.{raw}", raw)
    if name.endswith("_at") or name in ("valid_from", "valid_to"):
        return timestamp(raw, lang)
    if isinstance(raw, float):
        return str(raw).replace(".", DECIMAL_POINT[lang])
    if name == "oslo_status_uri":
        return Markup('<a href="{}">{}</a>').format(raw, raw)
    if name in CODES:
        return Markup("<code>{}</code>").format(raw)
    return escape(str(raw))


def rows(properties: dict, lang: str, pick_name) -> list[tuple[str, Markup | str]]:
    """(label, value) of each property a person reads, in the order of the data."""
    names: list[str] = []
    for key in properties:
        short = next((n for n, p in NAMES.items() if key.startswith(p + "_")), None)
        if key.startswith("name_") and "name" not in names:
            names.append("name")
        elif short and short not in names:
            names.append(short)
        elif not key.startswith(HIDDEN_PREFIXES):
            names.append(key)
    # A property added later, not labelled yet, still shows (under its name).
    shown = [(LABELS[lang].get(n, n), value(n, properties, lang, pick_name)) for n in names]
    return [(label, v) for label, v in shown if v != ""]
