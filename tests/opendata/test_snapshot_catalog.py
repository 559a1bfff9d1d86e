"""The snapshot files in the DCAT-AP catalogue: distributions of the dataset of all of Belgium
with their size, sha256 and modification time, still valid against the official shapes."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, XSD

from app.config import Config
from app.opendata.snapshot_files import FILES

SPDX = "http://spdx.org/rdf/terms#"
SHAPES = Path(os.environ.get("SHACL_DIR") or Config.SHACL_DIR) / "dcat-ap-3.0.1"
SHAPE_FILES = [
    ["shacl__dcat-ap-SHACL.ttl"],
    ["html__shacl__shapes.ttl", "html__shacl__range.ttl"],
    ["html__shacl__shapes_recommended.ttl", "html__shacl__deprecateduris.ttl"],
]

pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning:rdflib.plugins.parsers.jsonld"
)


@pytest.fixture
def written(app, report_factory) -> Path:
    report_factory(in_brussels=True, created_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC))
    report_factory(in_namur=True, created_at=dt.datetime(2026, 2, 5, 10, tzinfo=dt.UTC))
    report_factory(in_liege=True, created_at=dt.datetime(2026, 2, 6, 10, tzinfo=dt.UTC))
    report_factory(lon=4.7010, lat=50.8789, created_at=dt.datetime(2026, 2, 7, 10, tzinfo=dt.UTC))
    result = app.test_cli_runner().invoke(args=["opendata", "snapshot"])
    assert result.exit_code == 0, result.output
    return Path(app.config["SNAPSHOT_DIR"])


def catalogue(client) -> Graph:
    response = client.get("/opendata/catalog.ttl")
    assert response.status_code == 200
    return Graph().parse(data=response.data, format="turtle")


def snapshot_distributions(graph: Graph) -> dict[str, URIRef]:
    return {
        str(url).rsplit(".", 1)[1]: distribution
        for distribution, url in graph.subject_objects(DCAT.downloadURL)
        if "/opendata/snapshots/" in str(url)
    }


def test_each_snapshot_is_a_distribution_with_its_size_checksum_and_date(client, written):
    graph = catalogue(client)

    found = snapshot_distributions(graph)
    assert set(found) == set(FILES)
    everything = next(s for s in graph.subjects(RDF.type, DCAT.Dataset) if s.endswith("reports"))
    for fmt, distribution in found.items():
        body = (written / FILES[fmt]).read_bytes()
        assert (everything, DCAT.distribution, distribution) in graph
        size = graph.value(distribution, DCAT.byteSize)
        assert size == Literal(len(body), datatype=XSD.nonNegativeInteger), fmt
        checksum = graph.value(distribution, URIRef(SPDX + "checksum"))
        algorithm = graph.value(checksum, URIRef(SPDX + "algorithm"))
        assert algorithm == URIRef(SPDX + "checksumAlgorithm_sha256")
        value = graph.value(checksum, URIRef(SPDX + "checksumValue"))
        assert value.datatype == XSD.hexBinary
        assert str(value) == hashlib.sha256(body).hexdigest(), fmt
        modified = graph.value(distribution, DCTERMS.modified).toPython()
        mtime = dt.datetime.fromtimestamp((written / FILES[fmt]).stat().st_mtime, dt.UTC)
        assert abs((modified - mtime).total_seconds()) < 1, fmt
        assert graph.value(distribution, DCTERMS.license) is not None
        titles = {t.language for t in graph.objects(distribution, DCTERMS.title)}
        assert titles == {"nl", "fr", "de", "en"}
    # Region datasets keep their two filtered exports only.
    regional = [s for s in graph.subjects(RDF.type, DCAT.Dataset) if s != everything]
    assert all(len(list(graph.objects(d, DCAT.distribution))) == 2 for d in regional)


def test_the_catalogue_with_snapshots_has_no_violation_nor_warning(client, written):
    graph = catalogue(client)
    assert len(snapshot_distributions(graph)) == 4

    for files in SHAPE_FILES:
        shapes = Graph()
        for name in files:
            shapes.parse(SHAPES / name)
        for shape, prop in list(shapes.subject_objects(SH.property)):
            if (prop, None, None) not in shapes:
                shapes.remove((shape, SH.property, prop))
        conforms, report, text = pyshacl.validate(graph, shacl_graph=shapes)
        assert conforms, text
        assert not list(report.subjects(RDF.type, SH.ValidationResult)), text


def test_every_snapshot_link_of_the_catalogue_answers(client, written):
    graph = catalogue(client)

    for fmt, distribution in snapshot_distributions(graph).items():
        url = str(graph.value(distribution, DCAT.downloadURL))
        response = client.get(url.removeprefix("http://localhost"), buffered=True)
        assert response.status_code == 200, fmt
        assert response.headers["ETag"].strip('"') == str(
            graph.value(
                graph.value(distribution, URIRef(SPDX + "checksum")), URIRef(SPDX + "checksumValue")
            )
        )


def test_without_snapshots_the_catalogue_lists_none(client, report_factory):
    report_factory(in_brussels=True)

    assert snapshot_distributions(catalogue(client)) == {}
