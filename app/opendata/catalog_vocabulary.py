"""The vocabularies and fixed texts of Pavé's DCAT-AP catalogue: namespaces, themes, licence,
publisher types, the datasets' and services' texts in four languages, the formats."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rdflib import Namespace, URIRef

from app.geo.projection import METRIC_SRID, WGS84, epsg_uri

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
CRS = (URIRef(epsg_uri(WGS84)), URIRef(epsg_uri(METRIC_SRID)))

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
        "worden de tijdstippen (ook die van statuswijzigingen en updates) naar beneden "
        "afgerond op het uur, zonder nauwkeurigheid van de locatie. Een melding die als "
        "duplicaat aan zo'n melding gekoppeld is, wordt op dezelfde manier veralgemeend, en "
        "beide verschijnen pas nadat hun gepubliceerde uur voorbij is. De API van Pavé, Open311 "
        "en OGC API Features publiceren dezelfde geanonimiseerde projectie onder dezelfde "
        "identificatoren."
    ),
    "fr": (
        "Anonymisées dès la conception : les données ne contiennent jamais le nom, l'adresse "
        "e-mail ni le numéro de téléphone de la personne qui signale, ni les notes internes "
        "du personnel. La description libre d'un signalement n'est publiée qu'après qu'un "
        "membre du personnel l'a marquée comme publiable, et une photo seulement si le "
        "personnel ne l'a pas masquée. Pour les catégories sensibles, la position est "
        "ramenée sur une grille de 100 m en Lambert belge 2008 (EPSG:3812), sans sortir de "
        "la commune, sans précision de position, et les heures (y compris celles des "
        "changements de statut et des mises à jour) sont arrondies à l'heure inférieure. "
        "Un signalement fusionné comme doublon dans un tel signalement est généralisé de même, "
        "et l'un comme l'autre n'apparaît qu'une fois son heure publiée écoulée. L'API de Pavé, Open311 et OGC API Features publient la même projection anonymisée, "
        "sous les mêmes identifiants."
    ),
    "de": (
        "Von vornherein anonymisiert: Die Daten enthalten nie Name, E-Mail-Adresse oder "
        "Telefonnummer der meldenden Person und keine internen Notizen des Personals. Die "
        "freie Beschreibung einer Meldung wird erst veröffentlicht, nachdem ein Mitarbeiter "
        "sie als veröffentlichbar markiert hat, und ein Foto nur, wenn das Personal es nicht "
        "ausgeblendet hat. Bei sensiblen Kategorien wird der Standort auf ein 100-m-Raster im "
        "belgischen Lambert 2008 (EPSG:3812) gelegt, innerhalb derselben Gemeinde, und die "
        "Zeitangaben (auch die von Statusänderungen und Aktualisierungen) werden auf die "
        "volle Stunde abgerundet, ohne Angabe der Standortgenauigkeit. Eine Meldung, die als "
        "Duplikat mit einer solchen Meldung zusammengeführt wurde, wird ebenso verallgemeinert, "
        "und beide erscheinen erst, wenn ihre veröffentlichte Stunde vorbei ist. Die API von Pavé, "
        "Open311 und OGC API Features veröffentlichen dieselbe anonymisierte Projektion unter "
        "denselben Kennungen."
    ),
    "en": (
        "Anonymised by design: the data never contain the reporter's name, email address or "
        "phone number, nor staff's internal notes. A report's free-text description is "
        "published only after a member of staff marked it publishable, and a photo only when "
        "staff did not hide it. For sensitive categories, the location is snapped to a 100 m "
        "grid in Belgian Lambert 2008 (EPSG:3812) and kept within the same commune, and the "
        "times (those of status changes and updates too) are rounded down to the hour, "
        "without the location's accuracy. A report merged into such a "
        "report as its duplicate is generalised the same way, and either appears only once "
        "its published hour is over. Pavé's API, Open311 and OGC API Features publish "
        "the same anonymised projection, under the same identifiers."
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
                "Open311 GeoReport v2: de categorieën als services en de geanonimiseerde "
                "meldingen (dezelfde als in de open data) in XML en JSON, met de "
                "servicerequestupdates van mySociety."
            ),
            "fr": (
                "Open311 GeoReport v2 : les catégories comme services et les signalements "
                "anonymisés (les mêmes que dans les données ouvertes) en XML et en JSON, avec "
                "les servicerequestupdates de mySociety."
            ),
            "de": (
                "Open311 GeoReport v2: die Kategorien als Services und die anonymisierten "
                "Meldungen (dieselben wie in den offenen Daten) in XML und JSON, mit den "
                "servicerequestupdates von mySociety."
            ),
            "en": (
                "Open311 GeoReport v2: the categories as services and the anonymised reports "
                "(the same as in the open data) in XML and JSON, with mySociety's "
                "servicerequestupdates."
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
