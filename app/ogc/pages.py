"""The words of the OGC API's HTML pages in fr, nl, de and en, and names in the reader's language.

The JSON documents stay as the standard has them (English titles, every name property); the
HTML pages, read by people, follow ?lang= or Accept-Language and name a commune by its name.
"""

from __future__ import annotations

from typing import Any

from app.i18n import pick_name

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
        "now": "now",
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
        "geometry": "geometry",
        "coordinates": "coordinates",
        "report": "Report",
        "reports.title": "Street problem reports",
        "reports.description": "Problems residents reported in Belgian streets and what became "
        "of them, anonymised.",
        "communes.title": "Communes",
        "communes.description": "Belgium's communes in force today, with their NIS code, "
        "names, region and boundary.",
        "col.status": "status",
        "col.category": "category",
        "col.commune": "commune",
        "col.created_at": "reported",
        "col.resolved_at": "resolved",
        "col.name": "name",
        "col.id": "id",
        "col.nis_code": "NIS code",
        "col.region": "region",
        "region.brussels": "Brussels",
        "region.flanders": "Flanders",
        "region.wallonia": "Wallonia",
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
        "now": "aujourd'hui",
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
        "geometry": "géométrie",
        "coordinates": "coordonnées",
        "report": "Signalement",
        "reports.title": "Signalements de problèmes de voirie",
        "reports.description": "Les problèmes signalés par les habitants dans les rues de "
        "Belgique et leur suite, anonymisés.",
        "communes.title": "Communes",
        "communes.description": "Les communes de Belgique en vigueur aujourd'hui, avec leur "
        "code INS, leurs noms, leur région et leurs limites.",
        "col.status": "statut",
        "col.category": "catégorie",
        "col.commune": "commune",
        "col.created_at": "signalé le",
        "col.resolved_at": "résolu le",
        "col.name": "nom",
        "col.id": "id",
        "col.nis_code": "code INS",
        "col.region": "région",
        "region.brussels": "Bruxelles",
        "region.flanders": "Flandre",
        "region.wallonia": "Wallonie",
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
        "now": "nu",
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
        "geometry": "geometrie",
        "coordinates": "coördinaten",
        "report": "Melding",
        "reports.title": "Meldingen van problemen op straat",
        "reports.description": "Problemen die bewoners in Belgische straten meldden en wat "
        "ermee gebeurde, geanonimiseerd.",
        "communes.title": "Gemeenten",
        "communes.description": "De gemeenten van België die vandaag gelden, met hun NIS-code, "
        "namen, gewest en grenzen.",
        "col.status": "status",
        "col.category": "categorie",
        "col.commune": "gemeente",
        "col.created_at": "gemeld op",
        "col.resolved_at": "opgelost op",
        "col.name": "naam",
        "col.id": "id",
        "col.nis_code": "NIS-code",
        "col.region": "gewest",
        "region.brussels": "Brussel",
        "region.flanders": "Vlaanderen",
        "region.wallonia": "Wallonië",
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
        "now": "heute",
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
        "col.status": "Status",
        "col.category": "Kategorie",
        "col.commune": "Gemeinde",
        "col.created_at": "gemeldet am",
        "col.resolved_at": "erledigt am",
        "col.name": "Name",
        "col.id": "ID",
        "col.nis_code": "NIS-Code",
        "col.region": "Region",
        "region.brussels": "Brüssel",
        "region.flanders": "Flandern",
        "region.wallonia": "Wallonien",
    },
}

# The table of items: each column's heading key and how a feature's value is found.
COLUMNS = {
    "reports": ("status", "category", "commune", "created_at", "resolved_at"),
    "communes": ("nis_code", "region"),
}
# The first column: a link to the feature's page, reading its id, or a commune's name.
FIRST_COLUMN = {"reports": "id", "communes": "name"}


def name_in(properties: dict, prefix: str, lang: str) -> str:
    """`<prefix>_<lang>` of a feature's properties, or the name in another language."""
    names = {code: properties.get(f"{prefix}_{code}") for code in ("fr", "nl", "de", "en")}
    found = {code: name for code, name in names.items() if name}
    return pick_name(found, lang, properties.get("region_code")) if found else ""


def cell(collection_id: str, column: str, properties: dict, lang: str):
    """A feature's value in one column of the HTML table, names in the reader's language."""
    if column == "category":
        return name_in(properties, "category_name", lang)
    if column == "commune":
        return name_in(properties, "commune_name", lang)
    if column == "name":
        return name_in(properties, "name", lang)
    if column == "region" and properties.get("region"):
        return TEXTS[lang].get(f"region.{properties['region']}", properties["region"])
    return properties.get(column)


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
