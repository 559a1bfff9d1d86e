"""The DCAT-AP 3.0 catalogue of Pavé's open data, as an rdflib graph built from the database.

One catalogue: a dataset of all reports in Belgium and one per region, each with a CSV and a
GeoJSON distribution (the exports at /opendata/), and two data services over the same data
(OGC API Features, Open311). Titles, descriptions and keywords are in nl, fr, de and en,
language-tagged, and each dataset has an EU data theme and a Belgian one, as DCAT-AP-BE asks.

Its dates say no more about any report than the anonymised data do (see
`catalog_facts.coverage`). Every absolute URL starts with the caller's base URL. The
vocabularies are in `catalog_vocabulary`, the texts in four languages in catalog_texts.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, GEO, RDF, SKOS, XSD
from sqlalchemy.orm import Session

from app.i18n import LANGUAGES
from app.opendata.catalog_facts import (
    CatalogFacts,
    Coverage,
    Region,
    catalog_facts,
)
from app.opendata.catalog_vocabulary import (
    ADMS_LICENCE_TYPE,
    ADMS_PUBLISHER_TYPE,
    ANONYMISATION_POLICY,
    AREA,
    BE_THEME,
    BE_THEME_SCHEME,
    BELGIAN_TIME,
    BELGIUM,
    CATALOG_DESCRIPTION,
    CATALOG_TITLE,
    CRS,
    DATASET_CONTENT,
    DATASET_TITLE,
    DCATAP,
    DISTRIBUTION_FILTERS,
    EU_AVAILABILITY,
    EU_COUNTRY,
    EU_FILE_TYPE,
    EU_FREQUENCY,
    EU_LANGUAGE,
    EU_THEME,
    EU_THEME_SCHEME,
    FORMATS,
    IANA_MEDIA_TYPE,
    KEYWORDS,
    LANGUAGE_CODES,
    LICENCE,
    NUTS,
    PUBLIC_DOMAIN,
    PUBLISHER_TYPES,
    REGION_NUTS,
    SERVICES,
    SNAPSHOT_DESCRIPTION,
    SNAPSHOT_FORMATS,
    SNAPSHOT_TITLE,
    SPDX,
    STABLE,
    THEME_CODES,
    THEME_LABELS,
    THEME_SCHEME_TITLES,
    VCARD,
    Texts,
)
from app.opendata.snapshot_files import SnapshotFile

# A node of the graph: a named resource or a blank node.
_Node = TypeVar("_Node", URIRef, BNode)


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


def build_catalog(
    session: Session, settings: CatalogSettings, snapshots: Mapping[str, SnapshotFile] | None = None
) -> Graph:
    """The whole catalogue, read from the database now; `snapshots` are the snapshot files
    there are (app.opendata.snapshot_files.current_snapshots), by format."""
    return CatalogGraph(settings, catalog_facts(session), snapshots or {}).build()


class CatalogGraph:
    """Writes the catalogue's triples; one method per kind of resource."""

    def __init__(
        self,
        settings: CatalogSettings,
        facts: CatalogFacts,
        snapshots: Mapping[str, SnapshotFile] | None = None,
    ):
        self.settings = settings
        self.facts = facts
        self.snapshots = snapshots or {}
        self.g = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("foaf", FOAF),
            ("skos", SKOS),
            ("vcard", VCARD),
            ("dcatap", DCATAP),
            ("geo", GEO),
            ("spdx", SPDX),
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

    def typed(self, node: _Node, *classes: URIRef) -> _Node:
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
        public_domain = self.concept(ADMS_LICENCE_TYPE.PublicDomain, PUBLIC_DOMAIN)
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
        if region is None:
            for snapshot in self.snapshots.values():
                self.add(dataset, DCAT.distribution, self.snapshot(dataset, snapshot, place))
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
        self.file_description(distribution, file_type, media_type)
        self.add(distribution, DCTERMS.conformsTo, self.typed(standard, DCTERMS.Standard))
        return distribution

    def file_description(self, distribution: URIRef, file_type: str, media_type: str) -> None:
        self.add(
            distribution,
            DCTERMS.format,
            self.typed(EU_FILE_TYPE[file_type], DCTERMS.MediaTypeOrExtent),
        )
        self.add(
            distribution, DCAT.mediaType, self.typed(IANA_MEDIA_TYPE[media_type], DCTERMS.MediaType)
        )
        self.add(distribution, DCTERMS.license, self.licence())
        self.add(distribution, DCTERMS.language, *self.languages())
        self.add(distribution, DCATAP.availability, self.concept(EU_AVAILABILITY.STABLE, STABLE))

    def snapshot(self, dataset: URIRef, snapshot: SnapshotFile, place: Texts) -> URIRef:
        """A nightly snapshot file: its size, sha256 and modification time, as written."""
        file_type, media_type, standard, what, label = SNAPSHOT_FORMATS[snapshot.format]
        distribution = self.typed(
            URIRef(f"{dataset}-snapshot-{snapshot.format}"), DCAT.Distribution
        )
        self.texts(
            distribution,
            DCTERMS.title,
            {
                lang: f"{t} ({place[lang]}), {SNAPSHOT_TITLE[lang]}, {label}"
                for lang, t in DATASET_TITLE.items()
            },
        )
        self.texts(
            distribution,
            DCTERMS.description,
            {
                lang: f"{what[lang][0].upper()}{what[lang][1:]}. {SNAPSHOT_DESCRIPTION[lang]}"
                for lang in LANGUAGES
            },
        )
        download = self.url(f"/opendata/snapshots/{snapshot.name}")
        self.add(distribution, DCAT.accessURL, download)
        self.add(distribution, DCAT.downloadURL, download)
        self.file_description(distribution, file_type, media_type)
        self.add(distribution, DCTERMS.conformsTo, self.typed(standard, DCTERMS.Standard))
        self.add(
            distribution, DCAT.byteSize, Literal(snapshot.size, datatype=XSD.nonNegativeInteger)
        )
        checksum = self.typed(BNode(), SPDX.Checksum)
        algorithm = self.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
        self.add(checksum, SPDX.algorithm, algorithm)
        self.add(checksum, SPDX.checksumValue, Literal(snapshot.sha256, datatype=XSD.hexBinary))
        self.add(distribution, SPDX.checksum, checksum)
        self.add(distribution, DCTERMS.modified, Literal(snapshot.modified_at))
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
