"""The DCAT-AP 3.0 catalogue of Pavé's open data, as an rdflib graph built from the database.

One catalogue: a dataset of all reports in Belgium and one per region, each with a CSV and a
GeoJSON distribution (the exports at /opendata/), and two data services over the same data
(OGC API Features, Open311). Titles, descriptions and keywords are in nl, fr, de and en,
language-tagged, and each dataset has an EU data theme and a Belgian one, as DCAT-AP-BE asks.

Its dates say no more about any report than the anonymised data do (see `coverage`). Every
absolute URL starts with the caller's base URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, GEO, RDF, SKOS
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.geo.boundaries import current_set_id
from app.geo.projection import METRIC_SRID
from app.i18n import LANGUAGES

Texts = dict[str, str]

DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
ADMS_LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
EU = "http://publications.europa.eu/resource/authority/"
EU_THEME = Namespace(EU + "data-theme/")
EU_LANGUAGE = Namespace(EU + "language/")
EU_FILE_TYPE = Namespace(EU + "file-type/")
EU_FREQUENCY = Namespace(EU + "frequency/")
EU_COUNTRY = Namespace(EU + "country/")
EU_AVAILABILITY = Namespace(EU + "planned-availability/")
IANA_MEDIA_TYPE = Namespace("http://www.iana.org/assignments/media-types/")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
# The Belgian theme vocabulary of DCAT-AP-BE: data.gov.be harvests and maps themes to it,
# and the Flemish Metadata-DCAT profile only accepts dcat:theme values from it. Its codes
# mirror the EU data themes (…/datatheme/TRAN is the EU's TRAN), so a dataset names both
# with dcat:theme: the EU one for DCAT-AP and data.europa.eu, the Belgian one for the
# Belgian portals. Themes: transport (the reports are about roads and streets) and
# government and public sector (how administrations handle residents' reports).
BE_THEME = Namespace("http://vocab.belgif.be/auth/datatheme/")
BE_THEME_SCHEME = URIRef("http://vocab.belgif.be/auth/datatheme")
EU_THEME_SCHEME = URIRef(EU + "data-theme")
THEME_CODES = ("TRAN", "GOVE")

# CC0 rather than CC BY 4.0: the reports are facts about public space that residents gave
# to be fixed, anonymised before publication; an attribution duty would only make reuse
# (and mixing with other Belgian open data, much of it CC0) harder, for no protection.
LICENCE = URIRef(EU + "licence/CC0")

# The standards the services and files follow.
OGC_API_FEATURES_1 = URIRef("http://www.opengis.net/doc/IS/ogcapi-features-1/1.0")
OPEN311_GEOREPORT_V2 = URIRef("http://wiki.open311.org/GeoReport_v2")
CSV_RFC = URIRef("https://www.rfc-editor.org/rfc/rfc4180")
GEOJSON_RFC = URIRef("https://www.rfc-editor.org/rfc/rfc7946")
# Coordinates are published in WGS84 (lon/lat) and Belgian Lambert 2008 (x/y).
CRS = (
    URIRef("http://www.opengis.net/def/crs/EPSG/0/4326"),
    URIRef(f"http://www.opengis.net/def/crs/EPSG/0/{METRIC_SRID}"),
)

# Regions (by NIS code) as NUTS 1 regions, the EU's authority for them.
REGION_NUTS = {"04000": "BE1", "02000": "BE2", "03000": "BE3"}
# Dates in the catalogue are Belgian calendar days.
BELGIAN_TIME = ZoneInfo("Europe/Brussels")

# The ADMS publisher types (OPENDATA_PUBLISHER_TYPE names one), with their labels.
PUBLISHER_TYPES = {
    "Academia-ScientificOrganisation": "Academia/Scientific organisation",
    "Company": "Company",
    "IndustryConsortium": "Industry consortium",
    "LocalAuthority": "Local authority",
    "NationalAuthority": "National authority",
    "NonGovernmentalOrganisation": "Non-governmental organisation",
    "NonProfitOrganisation": "Non-profit organisation",
    "PrivateIndividual(s)": "Private individual(s)",
    "RegionalAuthority": "Regional authority",
    "StandardisationBody": "Standardisation body",
    "SupraNationalAuthority": "Supra-national authority",
}

# The anonymisation policy of every open-data output (README points here); it is part of
# each dataset's description.
ANONYMISATION_POLICY: Texts = {
    "nl": (
        "Geanonimiseerd van bij het ontwerp: de gegevens bevatten nooit de naam, het "
        "e-mailadres of het telefoonnummer van de melder, noch interne notities van "
        "medewerkers. De vrije beschrijving van een melding wordt pas gepubliceerd nadat een "
        "medewerker ze als publiceerbaar heeft aangeduid, en een foto alleen als medewerkers "
        "ze niet verborgen hebben. Voor gevoelige categorieën wordt de locatie op een raster "
        "van 100 m in Belgische Lambert 2008 (EPSG:3812) gelegd, binnen dezelfde gemeente, en "
        "worden de tijdstippen naar beneden afgerond op het uur."
    ),
    "fr": (
        "Anonymisées dès la conception : les données ne contiennent jamais le nom, l'adresse "
        "e-mail ni le numéro de téléphone de la personne qui signale, ni les notes internes "
        "du personnel. La description libre d'un signalement n'est publiée qu'après qu'un "
        "membre du personnel l'a marquée comme publiable, et une photo seulement si le "
        "personnel ne l'a pas masquée. Pour les catégories sensibles, la position est "
        "ramenée sur une grille de 100 m en Lambert belge 2008 (EPSG:3812), sans sortir de "
        "la commune, et les heures sont arrondies à l'heure inférieure."
    ),
    "de": (
        "Von vornherein anonymisiert: Die Daten enthalten nie Name, E-Mail-Adresse oder "
        "Telefonnummer der meldenden Person und keine internen Notizen des Personals. Die "
        "freie Beschreibung einer Meldung wird erst veröffentlicht, nachdem ein Mitarbeiter "
        "sie als veröffentlichbar markiert hat, und ein Foto nur, wenn das Personal es nicht "
        "ausgeblendet hat. Bei sensiblen Kategorien wird der Standort auf ein 100-m-Raster im "
        "belgischen Lambert 2008 (EPSG:3812) gelegt, innerhalb derselben Gemeinde, und die "
        "Zeitangaben werden auf die volle Stunde abgerundet."
    ),
    "en": (
        "Anonymised by design: the data never contain the reporter's name, email address or "
        "phone number, nor staff's internal notes. A report's free-text description is "
        "published only after a member of staff marked it publishable, and a photo only when "
        "staff did not hide it. For sensitive categories, the location is snapped to a 100 m "
        "grid in Belgian Lambert 2008 (EPSG:3812) and kept within the same commune, and the "
        "times are rounded down to the hour."
    ),
}

CATALOG_TITLE: Texts = {
    "nl": "Open data van Pavé",
    "fr": "Données ouvertes de Pavé",
    "de": "Offene Daten von Pavé",
    "en": "Pavé open data",
}
CATALOG_DESCRIPTION: Texts = {
    "nl": (
        "Problemen op straat die inwoners in België melden (putten in de weg, defecte "
        "straatverlichting, sluikstort…) en hoe de bevoegde besturen ze afhandelen, als "
        "geanonimiseerde open data."
    ),
    "fr": (
        "Les problèmes de voirie que signalent les habitants en Belgique (nids-de-poule, "
        "éclairage public en panne, dépôts clandestins…) et leur traitement par les "
        "administrations responsables, en données ouvertes anonymisées."
    ),
    "de": (
        "Probleme im Straßenraum, die Einwohner in Belgien melden (Schlaglöcher, defekte "
        "Straßenbeleuchtung, illegal abgeladener Müll …), und ihre Bearbeitung durch die "
        "zuständigen Verwaltungen, als anonymisierte offene Daten."
    ),
    "en": (
        "Street problems that residents in Belgium report (potholes, broken streetlights, "
        "dumped rubbish…) and how the responsible administrations handle them, as anonymised "
        "open data."
    ),
}
DATASET_TITLE: Texts = {
    "nl": "Meldingen van problemen op straat",
    "fr": "Signalements de problèmes de voirie",
    "de": "Meldungen von Problemen im Straßenraum",
    "en": "Street problem reports",
}
BELGIUM: Texts = {"nl": "België", "fr": "Belgique", "de": "Belgien", "en": "Belgium"}
DATASET_CONTENT: Texts = {
    "nl": (
        "Eén record per melding: categorie, gemeente (NIS-code en namen), gewest, bevoegd "
        "bestuur, status (met de URI van de OSLO-meldingsstatus), tijdstip van melding en "
        "oplossing, oplostijd, en locatie in WGS84 (lengte/breedte) en in Belgische Lambert "
        "2008 (x/y)."
    ),
    "fr": (
        "Un enregistrement par signalement : catégorie, commune (code INS et noms), région, "
        "administration responsable, statut (avec l'URI du statut OSLO Melding), dates du "
        "signalement et de sa résolution, délai de résolution, et position en WGS84 "
        "(longitude/latitude) et en Lambert belge 2008 (x/y)."
    ),
    "de": (
        "Ein Datensatz pro Meldung: Kategorie, Gemeinde (NIS-Code und Namen), Region, "
        "zuständige Verwaltung, Status (mit der URI des OSLO-Meldungsstatus), Zeitpunkt von "
        "Meldung und Erledigung, Bearbeitungsdauer sowie Standort in WGS84 (Länge/Breite) und "
        "im belgischen Lambert 2008 (x/y)."
    ),
    "en": (
        "One record per report: category, commune (NIS code and names), region, responsible "
        "administration, status (with its OSLO Melding status URI), when it was reported and "
        "resolved, time to resolution, and location in WGS84 (lon/lat) and Belgian Lambert "
        "2008 (x/y)."
    ),
}
AREA: Texts = {
    "nl": "Gebied: {place}.",
    "fr": "Territoire : {place}.",
    "de": "Gebiet: {place}.",
    "en": "Area: {place}.",
}
KEYWORDS: dict[str, tuple[str, ...]] = {
    "nl": ("melding", "openbare ruimte", "straat", "wegbeheer", "Open311"),
    "fr": ("signalement", "espace public", "voirie", "gestion de la voirie", "Open311"),
    "de": ("Meldung", "öffentlicher Raum", "Straße", "Straßenunterhaltung", "Open311"),
    "en": ("report", "public space", "street", "road maintenance", "Open311"),
}
FORMATS = {
    # name: (file type, IANA media type, conformance, title, description)
    "csv": (
        "CSV",
        "text/csv",
        CSV_RFC,
        {
            "nl": "één rij per melding, met een kopregel",
            "fr": "une ligne par signalement, avec une ligne d'en-tête",
            "de": "eine Zeile pro Meldung, mit Kopfzeile",
            "en": "one row per report, with a header row",
        },
    ),
    "geojson": (
        "GEOJSON",
        "application/geo+json",
        GEOJSON_RFC,
        {
            "nl": "een GeoJSON FeatureCollection met één punt per melding (WGS84)",
            "fr": "une FeatureCollection GeoJSON avec un point par signalement (WGS84)",
            "de": "eine GeoJSON-FeatureCollection mit einem Punkt pro Meldung (WGS84)",
            "en": "a GeoJSON FeatureCollection with one point per report (WGS84)",
        },
    ),
}
DISTRIBUTION_FILTERS: Texts = {
    "nl": "Te beperken tot een gemeente, categorie, status of periode.",
    "fr": "Peut être restreint à une commune, une catégorie, un statut ou une période.",
    "de": "Auf eine Gemeinde, Kategorie, einen Status oder Zeitraum einschränkbar.",
    "en": "Can be narrowed to a commune, category, status or period.",
}
SERVICES = {
    "ogc-features": {
        "title": {
            "nl": "OGC API Features van Pavé",
            "fr": "OGC API Features de Pavé",
            "de": "OGC API Features von Pavé",
            "en": "Pavé OGC API Features",
        },
        "description": {
            "nl": (
                "De geanonimiseerde meldingen via OGC API Features (deel 1: Core): "
                "collecties, objecten met bbox, datetime en limit, in GeoJSON en HTML."
            ),
            "fr": (
                "Les signalements anonymisés via OGC API Features (partie 1 : Core) : "
                "collections, entités avec bbox, datetime et limit, en GeoJSON et en HTML."
            ),
            "de": (
                "Die anonymisierten Meldungen über OGC API Features (Teil 1: Core): "
                "Sammlungen, Objekte mit bbox, datetime und limit, in GeoJSON und HTML."
            ),
            "en": (
                "The anonymised reports through OGC API Features (Part 1: Core): "
                "collections, items with bbox, datetime and limit, in GeoJSON and HTML."
            ),
        },
        "keywords": ("OGC API Features", "GeoJSON"),
        "endpoint": "/ogc/",
        "description_url": "/ogc/api",
        "conforms_to": OGC_API_FEATURES_1,
    },
    "open311": {
        "title": {
            "nl": "Open311 GeoReport v2 van Pavé",
            "fr": "Open311 GeoReport v2 de Pavé",
            "de": "Open311 GeoReport v2 von Pavé",
            "en": "Pavé Open311 GeoReport v2",
        },
        "description": {
            "nl": (
                "Open311 GeoReport v2: de categorieën als services en de meldingen in XML "
                "en JSON, met de servicerequestupdates van mySociety."
            ),
            "fr": (
                "Open311 GeoReport v2 : les catégories comme services et les signalements en "
                "XML et en JSON, avec les servicerequestupdates de mySociety."
            ),
            "de": (
                "Open311 GeoReport v2: die Kategorien als Services und die Meldungen in XML "
                "und JSON, mit den servicerequestupdates von mySociety."
            ),
            "en": (
                "Open311 GeoReport v2: the categories as services and the reports in XML and "
                "JSON, with mySociety's servicerequestupdates."
            ),
        },
        "keywords": ("Open311", "GeoReport v2"),
        "endpoint": "/open311/v2",  # as its discovery document says
        "description_url": "/open311/v2/discovery.json",
        "conforms_to": OPEN311_GEOREPORT_V2,
    },
}
# Labels of the concepts the catalogue uses (SKOS concepts need one).
THEME_LABELS: dict[str, Texts] = {
    "TRAN": {"nl": "Vervoer", "fr": "Transports", "de": "Verkehr", "en": "Transport"},
    "GOVE": {
        "nl": "Overheid en publieke sector",
        "fr": "Gouvernement et secteur public",
        "de": "Regierung und öffentlicher Sektor",
        "en": "Government and public sector",
    },
}
THEME_SCHEME_TITLES: dict[URIRef, Texts] = {
    EU_THEME_SCHEME: {
        "nl": "Gegevensthema's (EU)",
        "fr": "Thèmes des données (UE)",
        "de": "Datenthemen (EU)",
        "en": "Data themes (EU)",
    },
    BE_THEME_SCHEME: {
        "nl": "Thema's van data.gov.be",
        "fr": "Thèmes de data.gov.be",
        "de": "Themen von data.gov.be",
        "en": "Data.gov.be themes",
    },
}
LANGUAGE_CODES = {"nl": "NLD", "fr": "FRA", "de": "DEU", "en": "ENG"}


class CatalogSettingsError(ValueError):
    """A setting of the catalogue has a value it cannot publish."""


@dataclass(frozen=True)
class CatalogSettings:
    """Who publishes the data, whom to write to, and where the URLs start."""

    base_url: str
    contact_email: str
    publisher_name: str
    publisher_type: str

    @classmethod
    def from_config(cls, config: Mapping, base_url: str) -> CatalogSettings:
        settings = cls(
            base_url=base_url.rstrip("/"),
            contact_email=config["OPENDATA_CONTACT_EMAIL"],
            publisher_name=config["OPENDATA_PUBLISHER_NAME"],
            publisher_type=config["OPENDATA_PUBLISHER_TYPE"],
        )
        if settings.publisher_type not in PUBLISHER_TYPES:
            raise CatalogSettingsError(
                f"OPENDATA_PUBLISHER_TYPE must be one of {', '.join(PUBLISHER_TYPES)}."
            )
        if "@" not in settings.contact_email:
            raise CatalogSettingsError("OPENDATA_CONTACT_EMAIL must be an email address.")
        return settings


@dataclass(frozen=True)
class Region:
    code: str
    slug: str
    names: Texts


@dataclass(frozen=True)
class Coverage:
    """When a dataset's reports were made, and when one last changed, as published."""

    first_report: dt.datetime
    last_report: dt.datetime
    last_change: dt.datetime


@dataclass(frozen=True)
class Area:
    """An area's bounding box and centroid, in WGS84 degrees."""

    west: float
    south: float
    east: float
    north: float
    centroid: tuple[float, float]

    def bbox_wkt(self) -> str:
        w, s, e, n = (round(v, 5) for v in (self.west, self.south, self.east, self.north))
        return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"

    def centroid_wkt(self) -> str:
        lon, lat = (round(v, 5) for v in self.centroid)
        return f"POINT({lon} {lat})"


@dataclass(frozen=True)
class CatalogFacts:
    """What the catalogue says that comes from the database. The key None is all Belgium."""

    regions: list[Region]
    coverage: dict[str | None, Coverage]
    areas: dict[str | None, Area]
    categories: dict[str, list[str]]


def regions(session: Session) -> list[Region]:
    rows = session.execute(
        text("SELECT code, slug, name_nl, name_fr, name_de, name_en FROM regions ORDER BY slug")
    )
    return [
        Region(row.code, row.slug, {lang: getattr(row, f"name_{lang}") for lang in LANGUAGES})
        for row in rows
    ]


# The first and latest report of each region, and its latest change. Read from the reports
# table rather than the view, so that each is one walk down an index (the view's times are
# expressions, which no index serves: a scan of every report, seconds at a million). The
# EXISTS guard (an index probe per commune) spares a region without reports a walk down the
# whole index.
COVERAGE_SQL = """
SELECT reg.code AS region_code, first.at AS first_report, last.at AS last_report,
       changed.at AS last_change
FROM regions reg
CROSS JOIN LATERAL (
    SELECT r.created_at AS at FROM reports r JOIN communes c ON c.id = r.commune_id
    WHERE c.region_code = reg.code ORDER BY r.created_at LIMIT 1) first
CROSS JOIN LATERAL (
    SELECT r.created_at AS at FROM reports r JOIN communes c ON c.id = r.commune_id
    WHERE c.region_code = reg.code ORDER BY r.created_at DESC LIMIT 1) last
CROSS JOIN LATERAL (
    SELECT r.updated_at AS at FROM reports r JOIN communes c ON c.id = r.commune_id
    WHERE c.region_code = reg.code ORDER BY r.updated_at DESC LIMIT 1) changed
WHERE EXISTS (
    SELECT 1 FROM communes c
    WHERE c.region_code = reg.code
      AND EXISTS (SELECT 1 FROM reports r WHERE r.commune_id = c.id))
"""


def to_the_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def coverage(session: Session) -> dict[str | None, Coverage]:
    """When each region's reports (and all, key None) were made and last changed; none if none.

    No finer than the published data: the view rounds a sensitive report's times down to the
    hour, so the latest change is given to the hour. The days of the first and latest reports
    need no rounding: a time rounded to the hour stays on its day (Belgium's offset from UTC
    is whole hours).
    """
    found = {
        row.region_code: Coverage(row.first_report, row.last_report, to_the_hour(row.last_change))
        for row in session.execute(text(COVERAGE_SQL))
    }
    if found:
        found[None] = Coverage(
            min(c.first_report for c in found.values()),
            max(c.last_report for c in found.values()),
            max(c.last_change for c in found.values()),
        )
    return found


# Areas of a boundary set, by its content hash: they only change with the boundaries, and
# cost a pass over every commune polygon.
_AREAS: dict[str, dict[str | None, Area]] = {}


def areas(session: Session) -> dict[str | None, Area]:
    """Bounding box and centroid of each region and of Belgium (None), from the communes."""
    set_id = current_set_id(session)
    if set_id is None:
        return {}
    sha = session.execute(
        text("SELECT sha256 FROM boundary_sets WHERE id = :id"), {"id": set_id}
    ).scalar_one()
    if sha not in _AREAS:
        # The centroid is computed in Lambert 2008, where areas are true to scale.
        rows = session.execute(
            text(
                "SELECT region_code, ST_XMin(extent) AS west, ST_YMin(extent) AS south, "
                "ST_XMax(extent) AS east, ST_YMax(extent) AS north, "
                "ST_X(centroid) AS lon, ST_Y(centroid) AS lat FROM ("
                "  SELECT region_code, ST_Extent(boundary) AS extent, "
                "  ST_Transform(ST_Centroid(ST_Collect(ST_Transform(boundary, :srid))), 4326) "
                "  AS centroid FROM communes WHERE boundary_set_id = :set_id "
                "  GROUP BY ROLLUP (region_code)) a"
            ),
            {"set_id": set_id, "srid": METRIC_SRID},
        )
        _AREAS[sha] = {
            row.region_code: Area(row.west, row.south, row.east, row.north, (row.lon, row.lat))
            for row in rows
        }
    return _AREAS[sha]


def category_names(session: Session) -> dict[str, list[str]]:
    """The active categories' names by language: they are the datasets' natural keywords."""
    rows = session.execute(
        text(
            "SELECT name_nl, name_fr, name_de, name_en FROM categories WHERE active "
            "ORDER BY position, code"
        )
    ).all()
    return {lang: [getattr(row, f"name_{lang}") for row in rows] for lang in LANGUAGES}


def catalog_facts(session: Session) -> CatalogFacts:
    return CatalogFacts(
        regions(session), coverage(session), areas(session), category_names(session)
    )


def build_catalog(session: Session, settings: CatalogSettings) -> Graph:
    """The whole catalogue, read from the database now."""
    return CatalogGraph(settings, catalog_facts(session)).build()


class CatalogGraph:
    """Writes the catalogue's triples; one method per kind of resource."""

    def __init__(self, settings: CatalogSettings, facts: CatalogFacts):
        self.settings = settings
        self.facts = facts
        self.g = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("foaf", FOAF),
            ("skos", SKOS),
            ("vcard", VCARD),
            ("dcatap", DCATAP),
            ("geo", GEO),
        ):
            self.g.bind(prefix, namespace)
        self.catalog = self.url("/opendata/catalog")
        self.publisher = URIRef(f"{self.catalog}#publisher")
        self.contact = URIRef(f"{self.catalog}#contact-point")

    def url(self, path: str) -> URIRef:
        return URIRef(self.settings.base_url + path)

    def add(self, subject, predicate, *objects) -> None:
        for obj in objects:
            self.g.add((subject, predicate, obj))

    def texts(self, subject, predicate, texts: Texts) -> None:
        for lang in LANGUAGES:
            self.g.add((subject, predicate, Literal(texts[lang], lang=lang)))

    def typed(self, node, *classes) -> URIRef:
        for cls in classes:
            self.g.add((node, RDF.type, cls))
        return node

    def build(self) -> Graph:
        g, catalog = self.g, self.catalog
        self.typed(catalog, DCAT.Catalog)
        self.texts(catalog, DCTERMS.title, CATALOG_TITLE)
        self.texts(catalog, DCTERMS.description, CATALOG_DESCRIPTION)
        self.add(catalog, DCTERMS.publisher, self.agent())
        self.add(catalog, DCAT.contactPoint, self.contact_point())
        self.add(catalog, FOAF.homepage, self.typed(self.url("/"), FOAF.Document))
        self.add(catalog, DCTERMS.license, self.licence())
        self.add(catalog, DCTERMS.language, *self.languages())
        self.add(catalog, DCTERMS.spatial, self.location(EU_COUNTRY.BEL, None))
        self.add(catalog, DCAT.themeTaxonomy, *self.theme_schemes())
        self.dates(catalog, self.facts.coverage.get(None))
        datasets = [self.dataset(None)] + [self.dataset(r) for r in self.facts.regions]
        self.add(catalog, DCAT.dataset, *datasets)
        self.add(catalog, DCAT.service, *(self.service(name, datasets[0]) for name in SERVICES))
        return g

    def dates(self, subject, covered: Coverage | None) -> None:
        """Issued the day of the first report; modified the hour a report last changed."""
        if covered is None:
            return
        issued = covered.first_report.astimezone(BELGIAN_TIME).date()
        self.add(subject, DCTERMS.issued, Literal(issued))
        self.add(subject, DCTERMS.modified, Literal(covered.last_change))

    def agent(self) -> URIRef:
        code = self.settings.publisher_type
        kind = self.concept(ADMS_PUBLISHER_TYPE[code], {"en": PUBLISHER_TYPES[code]})
        self.typed(self.publisher, FOAF.Agent)
        self.add(self.publisher, FOAF.name, Literal(self.settings.publisher_name))
        self.add(self.publisher, DCTERMS.type, kind)
        return self.publisher

    def contact_point(self) -> URIRef:
        # vcard:Organization for DCAT-AP-BE's checks, vcard:Kind for DCAT-AP's range.
        self.typed(self.contact, VCARD.Kind, VCARD.Organization)
        self.add(self.contact, VCARD.fn, Literal(self.settings.publisher_name))
        self.add(self.contact, VCARD.hasEmail, URIRef(f"mailto:{self.settings.contact_email}"))
        return self.contact

    def licence(self) -> URIRef:
        public_domain = self.concept(
            ADMS_LICENCE_TYPE.PublicDomain,
            {
                "nl": "Publiek domein",
                "fr": "Domaine public",
                "de": "Gemeinfrei",
                "en": "Public domain",
            },
        )
        self.typed(LICENCE, DCTERMS.LicenseDocument)
        self.add(LICENCE, DCTERMS.type, public_domain)
        return LICENCE

    def languages(self) -> list[URIRef]:
        return [
            self.typed(EU_LANGUAGE[LANGUAGE_CODES[lang]], DCTERMS.LinguisticSystem)
            for lang in LANGUAGES
        ]

    def concept(self, uri: URIRef, labels: Texts, scheme: URIRef | None = None) -> URIRef:
        self.typed(uri, SKOS.Concept)
        for lang, label in labels.items():
            self.add(uri, SKOS.prefLabel, Literal(label, lang=lang))
        if scheme is not None:
            self.add(uri, SKOS.inScheme, scheme)
        return uri

    def theme_schemes(self) -> list[URIRef]:
        for scheme, titles in THEME_SCHEME_TITLES.items():
            self.typed(scheme, SKOS.ConceptScheme)
            self.texts(scheme, DCTERMS.title, titles)
        return list(THEME_SCHEME_TITLES)

    def themes(self) -> list[URIRef]:
        return [
            self.concept(namespace[code], THEME_LABELS[code], scheme)
            for code in THEME_CODES
            for namespace, scheme in ((EU_THEME, EU_THEME_SCHEME), (BE_THEME, BE_THEME_SCHEME))
        ]

    def location(self, uri: URIRef, region_code: str | None) -> URIRef:
        self.typed(uri, DCTERMS.Location)
        area = self.facts.areas.get(region_code)
        if area is not None:
            self.add(uri, DCAT.bbox, Literal(area.bbox_wkt(), datatype=GEO.wktLiteral))
            self.add(uri, DCAT.centroid, Literal(area.centroid_wkt(), datatype=GEO.wktLiteral))
        return uri

    def period(self, covered: Coverage) -> BNode:
        period = self.typed(BNode(), DCTERMS.PeriodOfTime)
        for predicate, moment in (
            (DCAT.startDate, covered.first_report),
            (DCAT.endDate, covered.last_report),
        ):
            self.add(period, predicate, Literal(moment.astimezone(BELGIAN_TIME).date()))
        return period

    def dataset(self, region: Region | None) -> URIRef:
        suffix = f"-{region.slug}" if region else ""
        dataset = self.typed(URIRef(f"{self.catalog}#dataset-reports{suffix}"), DCAT.Dataset)
        place = region.names if region else BELGIUM
        self.texts(
            dataset,
            DCTERMS.title,
            {lang: f"{t} ({place[lang]})" for lang, t in DATASET_TITLE.items()},
        )
        self.texts(
            dataset,
            DCTERMS.description,
            {
                lang: " ".join(
                    (
                        AREA[lang].format(place=place[lang]),
                        DATASET_CONTENT[lang],
                        ANONYMISATION_POLICY[lang],
                    )
                )
                for lang in LANGUAGES
            },
        )
        for lang in LANGUAGES:
            words = [*KEYWORDS[lang], place[lang], *self.facts.categories.get(lang, [])]
            self.add(dataset, DCAT.keyword, *(Literal(w, lang=lang) for w in words))
        self.add(dataset, DCTERMS.identifier, Literal(str(dataset)))
        self.add(dataset, DCAT.theme, *self.themes())
        spatial = NUTS[REGION_NUTS[region.code]] if region else EU_COUNTRY.BEL
        self.add(dataset, DCTERMS.spatial, self.location(spatial, region.code if region else None))
        covered = self.facts.coverage.get(region.code if region else None)
        if covered is not None:
            self.add(dataset, DCTERMS.temporal, self.period(covered))
        self.dates(dataset, covered)
        frequency = self.typed(EU_FREQUENCY.CONT, DCTERMS.Frequency)
        self.add(dataset, DCTERMS.accrualPeriodicity, frequency)
        self.add(dataset, DCTERMS.publisher, self.publisher)
        self.add(dataset, DCAT.contactPoint, self.contact)
        self.add(dataset, DCTERMS.language, *self.languages())
        self.add(dataset, DCTERMS.conformsTo, *(self.typed(crs, DCTERMS.Standard) for crs in CRS))
        landing = self.typed(self.url("/ogc/collections/reports"), FOAF.Document)
        self.add(dataset, DCAT.landingPage, landing)
        for name in FORMATS:
            self.add(dataset, DCAT.distribution, self.distribution(dataset, region, name, place))
        return dataset

    def distribution(
        self, dataset: URIRef, region: Region | None, name: str, place: Texts
    ) -> URIRef:
        file_type, media_type, standard, what = FORMATS[name]
        distribution = self.typed(URIRef(f"{dataset}-{name}"), DCAT.Distribution)
        self.texts(
            distribution,
            DCTERMS.title,
            {lang: f"{t} ({place[lang]}), {file_type}" for lang, t in DATASET_TITLE.items()},
        )
        self.texts(
            distribution,
            DCTERMS.description,
            {
                lang: f"{what[lang][0].upper()}{what[lang][1:]}. {DISTRIBUTION_FILTERS[lang]}"
                for lang in LANGUAGES
            },
        )
        query = f"?region={region.slug}" if region else ""
        download = self.url(f"/opendata/reports.{name}{query}")
        self.add(distribution, DCAT.accessURL, download)
        self.add(distribution, DCAT.downloadURL, download)
        self.add(
            distribution,
            DCTERMS.format,
            self.typed(EU_FILE_TYPE[file_type], DCTERMS.MediaTypeOrExtent),
        )
        self.add(
            distribution, DCAT.mediaType, self.typed(IANA_MEDIA_TYPE[media_type], DCTERMS.MediaType)
        )
        self.add(distribution, DCTERMS.conformsTo, self.typed(standard, DCTERMS.Standard))
        self.add(distribution, DCTERMS.license, self.licence())
        self.add(distribution, DCTERMS.language, *self.languages())
        stable = self.concept(
            EU_AVAILABILITY.STABLE,
            {"nl": "Stabiel", "fr": "Stable", "de": "Stabil", "en": "Stable"},
        )
        self.add(distribution, DCATAP.availability, stable)
        return distribution

    def service(self, name: str, dataset: URIRef) -> URIRef:
        spec = SERVICES[name]
        service = self.typed(URIRef(f"{self.catalog}#service-{name}"), DCAT.DataService)
        self.texts(service, DCTERMS.title, spec["title"])
        self.texts(service, DCTERMS.description, spec["description"])
        for lang in LANGUAGES:
            self.add(service, DCAT.keyword, *(Literal(w, lang=lang) for w in spec["keywords"]))
        self.add(service, DCAT.endpointURL, self.url(spec["endpoint"]))
        self.add(service, DCAT.endpointDescription, self.url(spec["description_url"]))
        self.add(service, DCAT.servesDataset, dataset)
        self.add(service, DCTERMS.conformsTo, self.typed(spec["conforms_to"], DCTERMS.Standard))
        self.add(service, DCAT.theme, *self.themes())
        self.add(service, DCTERMS.publisher, self.publisher)
        self.add(service, DCAT.contactPoint, self.contact)
        self.add(service, DCTERMS.license, self.licence())
        return service
