"""The vocabularies of Pavé's DCAT-AP catalogue: namespaces, themes, licence, publisher
types, formats and services. Their texts in four languages are in catalog_texts.json, read
once here (TEXTS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rdflib import Namespace, URIRef

from app.geo.projection import METRIC_SRID, WGS84, epsg_uri

Texts = dict[str, str]

# The catalogue's fixed texts by language; the keys are described in the file.
TEXTS: dict[str, Any] = json.loads(
    (Path(__file__).with_name("catalog_texts.json")).read_text(encoding="utf-8")
)

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

# The anonymisation policy of every open-data output (docs/open-data.md, "Anonymisation", points here); it is part of
# each dataset's description.
ANONYMISATION_POLICY: Texts = TEXTS["anonymisation_policy"]
CATALOG_TITLE: Texts = TEXTS["catalog_title"]
CATALOG_DESCRIPTION: Texts = TEXTS["catalog_description"]
DATASET_TITLE: Texts = TEXTS["dataset_title"]
BELGIUM: Texts = TEXTS["belgium"]
DATASET_CONTENT: Texts = TEXTS["dataset_content"]
AREA: Texts = TEXTS["area"]
KEYWORDS: dict[str, list[str]] = TEXTS["keywords"]
PUBLIC_DOMAIN: Texts = TEXTS["public_domain"]
STABLE: Texts = TEXTS["stable"]
FORMATS = {
    # name: (file type, IANA media type, conformance, description)
    "csv": ("CSV", "text/csv", CSV_RFC, TEXTS["format_descriptions"]["csv"]),
    "geojson": (
        "GEOJSON",
        "application/geo+json",
        GEOJSON_RFC,
        TEXTS["format_descriptions"]["geojson"],
    ),
}
DISTRIBUTION_FILTERS: Texts = TEXTS["distribution_filters"]
# The nightly snapshot files (app.opendata.snapshot), distributions of the dataset of all of
# Belgium. FlatGeobuf has neither an EU file type nor an IANA media type registration: its
# distribution is an octet stream (both tables have one) that conforms to the FlatGeobuf
# specification, which is what names the format.
SPDX = Namespace("http://spdx.org/rdf/terms#")
GEOPACKAGE = URIRef("http://www.opengis.net/doc/IS/geopackage/1.3")
FLATGEOBUF = URIRef("https://flatgeobuf.org/")
SNAPSHOT_FORMATS = {
    # name: (file type, IANA media type, conformance, description, name in titles)
    "csv": (*FORMATS["csv"], "CSV"),
    "geojson": (*FORMATS["geojson"], "GeoJSON"),
    "gpkg": (
        "GPKG",
        "application/geopackage+sqlite3",
        GEOPACKAGE,
        TEXTS["format_descriptions"]["gpkg"],
        "GeoPackage",
    ),
    "fgb": (
        "OCTET",
        "application/octet-stream",
        FLATGEOBUF,
        TEXTS["format_descriptions"]["fgb"],
        "FlatGeobuf",
    ),
}
SNAPSHOT_TITLE: Texts = TEXTS["snapshot_title"]
SNAPSHOT_DESCRIPTION: Texts = TEXTS["snapshot_description"]
SERVICES = {
    "ogc-features": {
        **TEXTS["services"]["ogc-features"],  # title, description
        "keywords": ("OGC API Features", "GeoJSON"),
        "endpoint": "/ogc/",
        "description_url": "/ogc/api",
        "conforms_to": OGC_API_FEATURES_1,
    },
    "open311": {
        **TEXTS["services"]["open311"],
        "keywords": ("Open311", "GeoReport v2"),
        "endpoint": "/open311/v2",  # as its discovery document says
        "description_url": "/open311/v2/discovery.json",
        "conforms_to": OPEN311_GEOREPORT_V2,
    },
}
# Labels of the concepts the catalogue uses (SKOS concepts need one).
THEME_LABELS: dict[str, Texts] = TEXTS["theme_labels"]
THEME_SCHEME_TITLES: dict[URIRef, Texts] = {
    EU_THEME_SCHEME: TEXTS["theme_scheme_titles"]["eu"],
    BE_THEME_SCHEME: TEXTS["theme_scheme_titles"]["be"],
}
LANGUAGE_CODES = {"nl": "NLD", "fr": "FRA", "de": "DEU", "en": "ENG"}
