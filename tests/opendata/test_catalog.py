"""The DCAT-AP catalogue at /opendata/catalog: valid against the official DCAT-AP 3.0.1 shapes
and DCAT-AP-BE's rules, the same graph in Turtle and JSON-LD, dates from the published data,
and nothing about any reporter."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SH
from sqlalchemy import text

from app.config import Config
from app.opendata.catalog import CatalogSettingsError
from app.opendata.catalog_vocabulary import (
    BE_THEME,
    BELGIAN_TIME,
    EU,
    EU_THEME,
    VCARD,
)
from app.web import create_app
from tests.factories import FLAGEY

SHAPES = Path(os.environ.get("SHACL_DIR") or Config.SHACL_DIR) / "dcat-ap-3.0.1"
# The rules of DCAT-AP 3.0.1 that must hold without exception, in two packagings: the
# release's single file (cardinalities and ranges; its README's choice for 3.0.x), and the
# same rules split as the EU's ITB validator loads them.
SHAPE_SETS = {
    "dcat-ap-SHACL": ["shacl__dcat-ap-SHACL.ttl"],
    "itb-shapes-range": ["html__shacl__shapes.ttl", "html__shacl__range.ttl"],
}
# Recommended properties and deprecated terms: warnings.
ADVICE = ["html__shacl__shapes_recommended.ttl", "html__shacl__deprecateduris.ttl"]
# Not here: html__shacl__mdr-vocabularies.shape.ttl. It checks that each code list value is
# in its EU vocabulary, which only works with those vocabularies loaded as data (from the
# Publications Office, so not offline); test_code_list_values_come_from_their_authority_tables
# checks the same values against the tables' namespaces, as DCAT-AP-BE's validator does.

# rdflib's own JSON-LD parser builds a ConjunctiveGraph, which rdflib 7.6 itself deprecates.
pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning:rdflib.plugins.parsers.jsonld"
)

LANGUAGES = {"nl", "fr", "de", "en"}
LEUVEN_GROTE_MARKT = (4.7010, 50.8789)  # Leuven, 24062, Flemish Region
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def load_shapes(files: list[str]) -> Graph:
    shapes = Graph()
    for name in files:
        shapes.parse(SHAPES / name)
    # dcat-ap-SHACL.ttl of 3.0.1 lists two property shapes of dcat:DataService that it never
    # defines (their class constraints were dropped from 3.0.0; SEMICeu/DCAT-AP issue 448).
    # SHACL engines refuse such a shapes graph; a shape with no triples constrains nothing.
    for shape, prop in list(shapes.subject_objects(SH.property)):
        if (prop, None, None) not in shapes:
            shapes.remove((shape, SH.property, prop))
    return shapes


@pytest.fixture(scope="module")
def shape_sets() -> dict[str, Graph]:
    return {name: load_shapes(files) for name, files in SHAPE_SETS.items()}


@pytest.fixture(scope="module")
def advice_shapes() -> Graph:
    return load_shapes(ADVICE)


def validate(data: Graph, shapes: Graph) -> tuple[bool, list[dict]]:
    """pySHACL's verdict, and each result as a readable dict (severity, node, path, message)."""
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes)
    results = [
        {
            "severity": report.value(r, SH.resultSeverity).fragment,
            "node": str(report.value(r, SH.focusNode)),
            "path": str(report.value(r, SH.resultPath)),
            "message": str(report.value(r, SH.resultMessage)),
        }
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return conforms, sorted(results, key=lambda r: (r["node"], r["path"]))


def catalogue(client, path: str = "/opendata/catalog.ttl", **kwargs) -> Graph:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.data
    fmt = "json-ld" if response.mimetype == JSON_LD else "turtle"
    return Graph().parse(data=response.data, format=fmt)


def dataset(graph: Graph, slug: str | None = None) -> URIRef:
    suffix = f"-{slug}" if slug else ""
    uri = next(s for s in graph.subjects(RDF.type, DCAT.Dataset) if s.endswith(f"reports{suffix}"))
    return uri


def to_the_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def belgian_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BELGIAN_TIME).date()


@pytest.fixture
def published(report_factory):
    """Reports in every region, with reporters' contacts, made at known times."""
    return {
        "brussels": [
            report_factory(with_reporter=True, created_at=utc(2026, 1, 5, 10, 5)),
            report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=utc(2026, 2, 10, 10)),
        ],
        "wallonia": [
            report_factory(in_namur=True, with_reporter=True, created_at=utc(2025, 11, 20, 10)),
            report_factory(in_liege=True, closed=True, created_at=utc(2026, 3, 1, 10, 47, 12)),
        ],
        "flanders": [
            report_factory(
                lon=LEUVEN_GROTE_MARKT[0],
                lat=LEUVEN_GROTE_MARKT[1],
                with_reporter=True,
                created_at=utc(2026, 2, 1, 10),
            )
        ],
    }


# --- DCAT-AP 3.0.1 --------------------------------------------------------------------------


@pytest.mark.parametrize("shape_set", list(SHAPE_SETS))
def test_catalogue_has_no_violation_of_the_dcat_ap_3_0_1_shapes(
    client, published, shape_sets, shape_set
):
    graph = catalogue(client)

    conforms, results = validate(graph, shape_sets[shape_set])

    violations = [r for r in results if r["severity"] == "Violation"]
    print(f"{shape_set}: {len(violations)} violations", *violations, sep="\n  ")
    assert violations == []
    assert conforms


def test_catalogue_follows_every_recommendation_of_dcat_ap(client, published, advice_shapes):
    graph = catalogue(client)

    _, results = validate(graph, advice_shapes)

    print(f"recommended shapes and deprecations: {len(results)} warnings", *results, sep="\n  ")
    assert [r for r in results if r["severity"] == "Violation"] == []
    # Every region has reports here, so every dataset has its temporal coverage and dates.
    assert results == []


def test_the_shapes_catch_a_catalogue_without_its_mandatory_title(client, shape_sets):
    graph = catalogue(client)
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    graph.remove((catalog, DCTERMS.title, None))

    for shapes in shape_sets.values():
        conforms, results = validate(graph, shapes)
        assert not conforms
        assert [(r["node"], r["path"]) for r in results] == [(str(catalog), str(DCTERMS.title))]


# --- DCAT-AP-BE -----------------------------------------------------------------------------


def test_titles_descriptions_and_keywords_are_language_tagged_in_nl_fr_de_en(client, published):
    graph = catalogue(client)

    described = 0
    for prop in (DCTERMS.title, DCTERMS.description, DCAT.keyword):
        languages: dict[URIRef, set[str | None]] = {}
        for subject, value in graph.subject_objects(prop):
            assert isinstance(value, Literal), (subject, prop, value)
            languages.setdefault(subject, set()).add(value.language)
        for subject, found in languages.items():
            assert found == LANGUAGES, (subject, prop, found)
        described += len(languages)
    resources = [DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService]
    for cls in resources:
        for resource in graph.subjects(RDF.type, cls):
            assert (resource, DCTERMS.title, None) in graph
            assert (resource, DCTERMS.description, None) in graph
    for cls in (DCAT.Dataset, DCAT.DataService):
        assert all((r, DCAT.keyword, None) in graph for r in graph.subjects(RDF.type, cls))
    assert described > 20


def test_every_dataset_and_service_has_an_eu_theme_and_a_belgian_theme(client, published):
    graph = catalogue(client)

    resources = [
        *graph.subjects(RDF.type, DCAT.Dataset),
        *graph.subjects(RDF.type, DCAT.DataService),
    ]
    assert len(resources) == 6
    for resource in resources:
        themes = [str(t) for t in graph.objects(resource, DCAT.theme)]
        assert any(t.startswith(str(EU_THEME)) for t in themes), resource
        assert any(t.startswith(str(BE_THEME)) for t in themes), resource
    assert (EU_THEME.TRAN, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in graph


# Each code list of DCAT-AP, by the property that takes its values (DCAT-AP-BE's "not using EU
# Publication Office authority" and "type must be a resource" rules, and a few more).
CODE_LISTS = {
    DCTERMS.format: EU + "file-type/",
    DCTERMS.language: EU + "language/",
    DCTERMS.accrualPeriodicity: EU + "frequency/",
    DCTERMS.license: EU + "licence/",
    URIRef("http://data.europa.eu/r5r/availability"): EU + "planned-availability/",
    DCAT.mediaType: "http://www.iana.org/assignments/media-types/",
}


def test_code_list_values_come_from_their_authority_tables(client, published):
    graph = catalogue(client)

    for prop, table in CODE_LISTS.items():
        values = list(graph.objects(None, prop))
        assert values, prop
        assert all(isinstance(v, URIRef) and v.startswith(table) for v in values), (prop, values)
    # Spatial coverage: Belgium as a country, the regions as NUTS 1 regions; IRIs, not text.
    spatial = {str(s) for s in graph.objects(None, DCTERMS.spatial)}
    assert spatial == {
        EU + "country/BEL",
        "http://data.europa.eu/nuts/code/BE1",
        "http://data.europa.eu/nuts/code/BE2",
        "http://data.europa.eu/nuts/code/BE3",
    }
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(None, DCTERMS.format)}
    assert formats == {"CSV", "GEOJSON"}


def test_every_resource_has_a_class_and_every_dataset_an_identifier_and_a_contact(
    client, app, published
):
    app.config["OPENDATA_CONTACT_EMAIL"] = "open.data@region.example"
    graph = catalogue(client)

    untyped = {s for s in graph.subjects() if (s, RDF.type, None) not in graph}
    assert untyped == set()
    for ds in graph.subjects(RDF.type, DCAT.Dataset):
        assert graph.value(ds, DCTERMS.identifier) == Literal(str(ds))
        contact = graph.value(ds, DCAT.contactPoint)
        assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:open.data@region.example")
        assert len(list(graph.objects(ds, DCAT.distribution))) == 2


# --- What the catalogue says ------------------------------------------------------------------


def test_datasets_cover_belgium_and_each_region_with_csv_and_geojson_downloads(
    app, client, published
):
    app.config["PUBLIC_BASE_URL"] = "http://pave.test"
    graph = catalogue(client, base_url="http://pave.test/")

    catalog = URIRef("http://pave.test/opendata/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert len(list(graph.objects(catalog, DCAT.dataset))) == 4
    downloads = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
    assert downloads == {
        f"http://pave.test/opendata/reports.{fmt}{query}"
        for fmt in ("csv", "geojson")
        for query in ("", "?region=brussels", "?region=flanders", "?region=wallonia")
    }
    wallonia = dataset(graph, "wallonia")
    titles = {t.language: str(t) for t in graph.objects(wallonia, DCTERMS.title)}
    assert "Région wallonne" in titles["fr"]
    assert "Waals Gewest" in titles["nl"]
    for lang, description in (
        (d.language, str(d)) for d in graph.objects(wallonia, DCTERMS.description)
    ):
        assert "EPSG:3812" in description, lang
        assert "100" in description, lang
    en = next(str(d) for d in graph.objects(wallonia, DCTERMS.description) if d.language == "en")
    assert "never contain the reporter's name, email address or phone number" in en
    assert "rounded down to the hour" in en


def test_services_describe_the_ogc_api_and_open311_endpoints(app, client, published):
    app.config["PUBLIC_BASE_URL"] = "http://pave.test"
    graph = catalogue(client, base_url="http://pave.test/")

    services = {
        str(graph.value(s, DCAT.endpointURL)): s for s in graph.subjects(RDF.type, DCAT.DataService)
    }
    assert set(services) == {"http://pave.test/ogc/", "http://pave.test/open311/v2"}
    ogc = services["http://pave.test/ogc/"]
    assert graph.value(ogc, DCAT.endpointDescription) == URIRef("http://pave.test/ogc/api")
    assert graph.value(ogc, DCTERMS.conformsTo) == URIRef(
        "http://www.opengis.net/doc/IS/ogcapi-features-1/1.0"
    )
    assert graph.value(ogc, DCAT.servesDataset) == dataset(graph)
    # Open311's endpoint is the base its clients add paths to, as its discovery document says.
    open311 = services["http://pave.test/open311/v2"]
    discovery = graph.value(open311, DCAT.endpointDescription)
    assert discovery == URIRef("http://pave.test/open311/v2/discovery.json")
    document = client.get("/open311/v2/discovery.json", base_url="http://pave.test/").get_json()
    assert [e["url"] for e in document["endpoints"]] == [
        str(graph.value(open311, DCAT.endpointURL))
    ]
    assert graph.value(open311, DCTERMS.conformsTo) == URIRef(
        document["endpoints"][0]["specification"]
    )


def test_the_catalogue_says_the_api_and_open311_publish_the_same_anonymised_reports(
    client, published
):
    graph = catalogue(client)

    open311 = next(
        s for s in graph.subjects(RDF.type, DCAT.DataService) if "open311" in str(s).lower()
    )
    said = {d.language: str(d) for d in graph.objects(open311, DCTERMS.description)}
    assert "anonymised reports (the same as in the open data)" in said["en"]
    assert "signalements anonymisés" in said["fr"]
    assert "geanonimiseerde meldingen" in said["nl"]
    assert "anonymisierten Meldungen" in said["de"]
    en = next(
        str(d) for d in graph.objects(dataset(graph), DCTERMS.description) if d.language == "en"
    )
    assert "Pavé's API, Open311 and OGC API Features publish the same anonymised projection" in en
    assert "status changes and updates too" in en


def test_dates_and_temporal_coverage_come_from_the_reports(client, published):
    graph = catalogue(client)

    for slug in (None, "brussels", "flanders", "wallonia"):
        reports = [r for region, rs in published.items() if slug in (None, region) for r in rs]
        ds = dataset(graph, slug)
        period = graph.value(ds, DCTERMS.temporal)
        start = graph.value(period, DCAT.startDate).toPython()
        end = graph.value(period, DCAT.endDate).toPython()
        assert start == belgian_date(min(r.created_at for r in reports)), slug
        assert end == belgian_date(max(r.created_at for r in reports)), slug
        assert graph.value(ds, DCTERMS.issued).toPython() == start
        # The latest change to the hour: the view gives no more for a sensitive report.
        modified = graph.value(ds, DCTERMS.modified).toPython()
        assert modified == to_the_hour(max(r.updated_at for r in reports)), slug
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert graph.value(catalog, DCTERMS.modified) == graph.value(dataset(graph), DCTERMS.modified)
    assert graph.value(catalog, DCTERMS.issued).toPython() == dt.date(2025, 11, 20)


def test_a_region_without_reports_has_no_dates_yet(client, report_factory):
    report = report_factory(created_at=utc(2026, 4, 2, 10, 30))

    graph = catalogue(client)

    flanders = dataset(graph, "flanders")
    for prop in (DCTERMS.temporal, DCTERMS.issued, DCTERMS.modified):
        assert graph.value(flanders, prop) is None
    brussels = dataset(graph, "brussels")
    assert graph.value(brussels, DCTERMS.issued).toPython() == dt.date(2026, 4, 2)
    assert graph.value(dataset(graph), DCTERMS.modified).toPython() == to_the_hour(
        report.updated_at
    )


def test_urls_start_with_public_base_url_when_it_is_set(client, app):
    app.config["PUBLIC_BASE_URL"] = "https://data.pave.example/"

    # Whatever host a trusted request names (here a local name): the public one is used.
    graph = catalogue(client, base_url="http://127.0.0.1:8000/")

    iris = {str(n) for triple in graph for n in triple if isinstance(n, URIRef)}
    assert "https://data.pave.example/opendata/catalog" in iris
    assert "https://data.pave.example/opendata/reports.csv?region=flanders" in iris
    assert not [i for i in iris if "127.0.0.1" in i]


def test_an_unknown_publisher_type_stops_the_app_at_start():
    with pytest.raises(CatalogSettingsError, match="OPENDATA_PUBLISHER_TYPE"):
        create_app({"TESTING": True, "OPENDATA_PUBLISHER_TYPE": "Bakery"})


# --- Formats and content negotiation ------------------------------------------------------------


def test_turtle_and_json_ld_are_the_same_graph(client, published):
    turtle = catalogue(client, "/opendata/catalog.ttl")
    json_ld = catalogue(client, "/opendata/catalog.jsonld")
    negotiated = catalogue(client, "/opendata/catalog", headers={"Accept": JSON_LD})

    assert len(turtle) > 300
    assert isomorphic(turtle, json_ld)
    assert isomorphic(turtle, negotiated)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TURTLE),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSON_LD),
        ("text/html,application/xhtml+xml,*/*;q=0.8", TURTLE),
        ("application/ld+json;q=0.9, text/turtle;q=0.5", JSON_LD),
        ("application/*", JSON_LD),
    ],
)
def test_the_catalogue_comes_in_the_format_accept_asks_for(client, accept, expected):
    headers = {"Accept": accept} if accept else {}

    response = client.get("/opendata/catalog", headers=headers)

    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.vary
    fmt = "json-ld" if expected == JSON_LD else "turtle"
    assert len(Graph().parse(data=response.data, format=fmt)) > 0


@pytest.mark.parametrize(
    "accept", ["application/json", "text/html", "application/rdf+xml", "text/turtle;q=0"]
)
def test_an_unsupported_accept_gets_406_naming_the_two_formats(client, accept):
    response = client.get("/opendata/catalog", headers={"Accept": accept})

    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 406
    assert problem["available"] == [TURTLE, JSON_LD]
    assert TURTLE in problem["detail"] and JSON_LD in problem["detail"]


def test_suffixed_paths_name_their_format_whatever_accept_says(client):
    headers = {"Accept": "application/json"}
    assert client.get("/opendata/catalog.ttl", headers=headers).mimetype == TURTLE
    assert client.get("/opendata/catalog.jsonld", headers=headers).mimetype == JSON_LD
    unknown = client.get("/opendata/catalog.rdf")
    assert unknown.status_code == 404
    assert unknown.mimetype == "application/problem+json"


def test_an_unchanged_catalogue_answers_304_to_its_etag(client, published):
    first = client.get("/opendata/catalog.ttl")
    etag = first.headers["ETag"]

    again = client.get("/opendata/catalog.ttl", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.data == b""


# --- Privacy ----------------------------------------------------------------------------------


def test_no_reporter_contact_in_the_catalogue(client, session, published):
    contacts = session.execute(
        text("SELECT reporter_email, reporter_name, reporter_phone FROM reports")
    ).all()
    secrets = {value for row in contacts for value in row if value}
    assert len(secrets) == 9  # the three reporters' email, name and phone

    for path in ("/opendata/catalog.ttl", "/opendata/catalog.jsonld"):
        body = client.get(path).get_data(as_text=True)
        assert [s for s in secrets if s in body] == [], path


def test_every_link_of_the_catalogue_answers(app, client, published):
    app.config["PUBLIC_BASE_URL"] = "http://pave.test"
    graph = catalogue(client, base_url="http://pave.test/")
    links = {
        str(o)
        for p in (DCAT.accessURL, DCAT.downloadURL, DCAT.landingPage, DCAT.endpointDescription)
        for o in graph.objects(None, p)
    }
    links.add("http://pave.test/ogc/")  # the OGC API's endpoint is its landing page

    assert len(links) == 12
    failing = {}
    for link in sorted(links):
        response = client.get(link.removeprefix("http://pave.test"), base_url="http://pave.test/")
        # Read to the end: the exports stream from a cursor that must run its course.
        body = response.get_data()
        if response.status_code != 200:
            failing[link] = (response.status_code, body[:200])
    assert failing == {}
