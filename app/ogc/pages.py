"""The words of the OGC API's HTML pages in fr, nl, de and en, and names in the reader's language.

The JSON documents stay as the standard has them (English titles, every name property); the
HTML pages, read by people, follow ?lang= or Accept-Language and name a commune by its name.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from app.i18n import pick_name
from app.ogc import labels

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "site": "Pavé open data",
        "site_description": "Street problem reports in Belgium, anonymised, and the communes "
        "they are routed to, through OGC API Features.",
        "also_as": "Also as",
        "breadcrumb": "Breadcrumb",
        "collections": "Collections",
        "collections_link": "The collections",
        "collections_what": "reports and communes",
        "conformance": "Conformance",
        "conformance_classes": "Conformance classes",
        "conformance_link": "The conformance classes",
        "conformance_what": "this API meets",
        "api_doc": "The API documentation",
        "api_definition": "its OpenAPI 3.0 definition",
        "collection": "Collection",
        "description": "Description",
        "features": "Features",
        "browse": "Browse",
        "browse_features": "Browse the features",
        "keywords": "Keywords",
        "extent": "Extent (CRS84)",
        "time": "Time",
        "from_to": "from {start} to {end}",
        "since": "from {start} to now",
        "crs": "Coordinate reference systems",
        "stored_in": "Stored in",
        "count_one": "1 feature on this page",
        "count_other": "{n} features on this page",
        "matching": "of {n} matching",
        "previous": "Previous page",
        "next": "Next page",
        "map": "Map of the features on this page",
        "map_one": "Map of this feature",
        "photo": "The photo",
        "geometry": "Geometry",
        "coordinates": "Coordinates",
        "report": "Report",
        "reports.title": "Street problem reports",
        "reports.description": "Problems residents reported in Belgian streets and what became "
        "of them, anonymised.",
        "communes.title": "Communes",
        "communes.description": "Belgium's communes in force today, with their NIS code, "
        "names, region and boundary.",
    },
    "fr": {
        "site": "Données ouvertes de Pavé",
        "site_description": "Les signalements de problèmes de voirie en Belgique, anonymisés, "
        "et les communes qui les traitent, par OGC API Features.",
        "also_as": "Aussi en",
        "breadcrumb": "Fil d'Ariane",
        "collections": "Collections",
        "collections_link": "Les collections",
        "collections_what": "signalements et communes",
        "conformance": "Conformité",
        "conformance_classes": "Classes de conformité",
        "conformance_link": "Les classes de conformité",
        "conformance_what": "que cette API respecte",
        "api_doc": "La documentation de l'API",
        "api_definition": "sa définition OpenAPI 3.0",
        "collection": "Collection",
        "description": "Description",
        "features": "Objets",
        "browse": "Parcourir",
        "browse_features": "Parcourir les objets",
        "keywords": "Mots-clés",
        "extent": "Étendue (CRS84)",
        "time": "Période",
        "from_to": "du {start} au {end}",
        "since": "depuis le {start}",
        "crs": "Systèmes de coordonnées",
        "stored_in": "Stocké en",
        "count_one": "1 objet sur cette page",
        "count_other": "{n} objets sur cette page",
        "matching": "sur {n} correspondants",
        "previous": "Page précédente",
        "next": "Page suivante",
        "map": "Carte des objets de cette page",
        "map_one": "Carte de cet objet",
        "photo": "La photo",
        "geometry": "Géométrie",
        "coordinates": "Coordonnées",
        "report": "Signalement",
        "reports.title": "Signalements de problèmes de voirie",
        "reports.description": "Les problèmes signalés par les habitants dans les rues de "
        "Belgique et leur suite, anonymisés.",
        "communes.title": "Communes",
        "communes.description": "Les communes de Belgique en vigueur aujourd'hui, avec leur "
        "code INS, leurs noms, leur région et leurs limites.",
    },
    "nl": {
        "site": "Open data van Pavé",
        "site_description": "Meldingen van problemen op straat in België, geanonimiseerd, en "
        "de gemeenten die ze behandelen, via OGC API Features.",
        "also_as": "Ook als",
        "breadcrumb": "Kruimelpad",
        "collections": "Collecties",
        "collections_link": "De collecties",
        "collections_what": "meldingen en gemeenten",
        "conformance": "Conformiteit",
        "conformance_classes": "Conformiteitsklassen",
        "conformance_link": "De conformiteitsklassen",
        "conformance_what": "waaraan deze API voldoet",
        "api_doc": "De documentatie van de API",
        "api_definition": "de OpenAPI 3.0-definitie",
        "collection": "Collectie",
        "description": "Beschrijving",
        "features": "Objecten",
        "browse": "Bekijken",
        "browse_features": "De objecten bekijken",
        "keywords": "Trefwoorden",
        "extent": "Omvang (CRS84)",
        "time": "Periode",
        "from_to": "van {start} tot {end}",
        "since": "sinds {start}",
        "crs": "Coördinatenstelsels",
        "stored_in": "Opgeslagen in",
        "count_one": "1 object op deze pagina",
        "count_other": "{n} objecten op deze pagina",
        "matching": "van {n} die overeenkomen",
        "previous": "Vorige pagina",
        "next": "Volgende pagina",
        "map": "Kaart van de objecten op deze pagina",
        "map_one": "Kaart van dit object",
        "photo": "De foto",
        "geometry": "Geometrie",
        "coordinates": "Coördinaten",
        "report": "Melding",
        "reports.title": "Meldingen van problemen op straat",
        "reports.description": "Problemen die bewoners in Belgische straten meldden en wat "
        "ermee gebeurde, geanonimiseerd.",
        "communes.title": "Gemeenten",
        "communes.description": "De gemeenten van België die vandaag gelden, met hun NIS-code, "
        "namen, gewest en grenzen.",
    },
    "de": {
        "site": "Offene Daten von Pavé",
        "site_description": "Meldungen von Straßenschäden in Belgien, anonymisiert, und die "
        "Gemeinden, die sie bearbeiten, über OGC API Features.",
        "also_as": "Auch als",
        "breadcrumb": "Brotkrümelnavigation",
        "collections": "Sammlungen",
        "collections_link": "Die Sammlungen",
        "collections_what": "Meldungen und Gemeinden",
        "conformance": "Konformität",
        "conformance_classes": "Konformitätsklassen",
        "conformance_link": "Die Konformitätsklassen",
        "conformance_what": "die diese API erfüllt",
        "api_doc": "Die Dokumentation der API",
        "api_definition": "ihre OpenAPI-3.0-Definition",
        "collection": "Sammlung",
        "description": "Beschreibung",
        "features": "Objekte",
        "browse": "Ansehen",
        "browse_features": "Die Objekte ansehen",
        "keywords": "Schlagwörter",
        "extent": "Ausdehnung (CRS84)",
        "time": "Zeitraum",
        "from_to": "vom {start} bis {end}",
        "since": "seit {start}",
        "crs": "Koordinatenreferenzsysteme",
        "stored_in": "Gespeichert in",
        "count_one": "1 Objekt auf dieser Seite",
        "count_other": "{n} Objekte auf dieser Seite",
        "matching": "von {n} passenden",
        "previous": "Vorige Seite",
        "next": "Nächste Seite",
        "map": "Karte der Objekte auf dieser Seite",
        "map_one": "Karte dieses Objekts",
        "photo": "Das Foto",
        "geometry": "Geometrie",
        "coordinates": "Koordinaten",
        "report": "Meldung",
        "reports.title": "Meldungen von Straßenschäden",
        "reports.description": "Probleme, die Einwohner in belgischen Straßen gemeldet haben, "
        "und was daraus wurde, anonymisiert.",
        "communes.title": "Gemeinden",
        "communes.description": "Die heute geltenden Gemeinden Belgiens, mit NIS-Code, Namen, "
        "Region und Grenzen.",
    },
}

# The table of items: the properties shown in its columns (app/ogc/labels.py writes them).
COLUMNS = {
    "reports": ("status", "category", "commune", "created_at", "resolved_at"),
    "communes": ("nis_code", "region"),
}
# The first column: a link to the feature's page, reading its id, or a commune's name.
FIRST_COLUMN = {"reports": "id", "communes": "name"}
# A report's id, 36 characters, is cut to this many in the table; the link holds it whole.
SHORT_ID = 8


def name_in(properties: dict, prefix: str, lang: str) -> str:
    """`<prefix>_<lang>` of a feature's properties, or the name in another language."""
    names = {code: properties.get(f"{prefix}_{code}") for code in ("fr", "nl", "de", "en")}
    found = {code: name for code, name in names.items() if name}
    return pick_name(found, lang, properties.get("region_code")) if found else ""


def label(name: str, lang: str) -> str:
    """A property's label in `lang`."""
    return labels.LABELS[lang][name]


def cell(column: str, properties: dict, lang: str):
    """A feature's value in one column of the HTML table, in the reader's language."""
    return labels.value(column, properties, lang, name_in)


def period(interval: list, lang: str) -> Markup:
    """A collection's time span, from its first report (local time) to now."""
    start = labels.timestamp(interval[0], lang) if interval[0] else "…"
    if not interval[1]:  # open-ended: "depuis le …", not "du … au aujourd'hui"
        return Markup(escape(TEXTS[lang]["since"])).format(start=start)
    end = labels.timestamp(interval[1], lang)
    return Markup(escape(TEXTS[lang]["from_to"])).format(start=start, end=end)


def geometry_type(kind: str, lang: str) -> str:
    """A GeoJSON geometry's type in `lang`."""
    return labels.WORDS[lang].get(kind, kind)


def rows(properties: dict, lang: str) -> list:
    """(label, value) of each property of a feature, for its page."""
    return labels.rows(properties, lang, name_in)


def feature_title(collection_id: str, feature: dict, lang: str) -> str:
    """A commune by its name; a report by its category and commune (its id stays beside)."""
    properties = feature.get("properties") or {}
    if collection_id == "communes":
        return name_in(properties, "name", lang) or str(feature.get("id"))
    what = name_in(properties, "category_name", lang) or TEXTS[lang]["report"]
    where = name_in(properties, "commune_name", lang)
    return f"{what}, {where}" if where else what


# A ring drawn on the small map keeps at most this many of its points.
MAP_RING_POINTS = 200


def _thin(ring: list) -> list:
    step = max(1, len(ring) // MAP_RING_POINTS)
    return [[round(x, 5), round(y, 5)] for x, y, *_ in ring[::step]]


def map_shapes(features: list[dict], titles: list[str]) -> list[dict]:
    """What the small map draws (in CRS84): a point or the outer rings of each feature."""
    shapes = []
    for feature, title in zip(features, titles, strict=True):
        geometry = feature.get("geometry") or {}
        kind = geometry.get("type")
        coordinates: Any = geometry.get("coordinates")
        if kind == "Point":
            shapes.append({"point": [round(c, 6) for c in coordinates[:2]], "title": title})
        elif kind in ("Polygon", "MultiPolygon"):
            polygons = [coordinates] if kind == "Polygon" else coordinates
            rings = [_thin(polygon[0]) for polygon in polygons if polygon]
            shapes.append({"rings": rings, "title": title})
    return shapes
