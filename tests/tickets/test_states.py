"""The lifecycle table says which status may follow which, and maps each to Open311 and OSLO."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from app.config import SHARED_DATA
from app.reports.states import Status
from app.tickets.states import (
    OSLO_STATUS,
    TRANSITIONS,
    allowed_transitions,
    is_allowed,
    open311_status,
    oslo_status,
)

OSLO_CODE_LIST = Path(SHARED_DATA) / "shacl" / "oslo-melding" / "MeldingStatuswaarde.ttl"

# Every transition staff may make, written out so that a change to the table shows here.
ALLOWED = {
    ("new", "acknowledged"),
    ("new", "rejected"),
    ("new", "duplicate"),
    ("new", "transferred"),
    ("acknowledged", "planned"),
    ("acknowledged", "in_progress"),
    ("acknowledged", "resolved"),
    ("acknowledged", "rejected"),
    ("acknowledged", "duplicate"),
    ("acknowledged", "transferred"),
    ("planned", "in_progress"),
    ("planned", "resolved"),
    ("planned", "rejected"),
    ("planned", "duplicate"),
    ("planned", "transferred"),
    ("in_progress", "planned"),
    ("in_progress", "resolved"),
    ("in_progress", "rejected"),
    ("in_progress", "transferred"),
    ("resolved", "reopened"),
    ("rejected", "reopened"),
    ("duplicate", "reopened"),
    *(
        (start, to)
        for start in ("transferred", "reopened")
        for to in (
            "acknowledged",
            "planned",
            "in_progress",
            "resolved",
            "rejected",
            "duplicate",
            "transferred",
        )
    ),
}


def test_the_table_allows_exactly_the_listed_transitions():
    table = {(start.value, to.value) for start, targets in TRANSITIONS.items() for to in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("start", "to"), sorted(ALLOWED))
def test_allowed_transition(start, to):
    assert is_allowed(start, to)
    assert Status(to) in allowed_transitions(start)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("new", "resolved"),
        ("new", "planned"),
        ("new", "reopened"),
        ("new", "new"),
        ("acknowledged", "new"),
        ("planned", "planned"),
        ("in_progress", "duplicate"),
        ("resolved", "in_progress"),
        ("resolved", "rejected"),
        ("rejected", "resolved"),
        ("duplicate", "acknowledged"),
    ],
)
def test_forbidden_transition(start, to):
    assert not is_allowed(start, to)


def test_every_status_has_a_way_out():
    for status in Status:
        assert allowed_transitions(status), status


def test_allowed_transitions_come_in_lifecycle_order():
    assert allowed_transitions("new") == [
        Status.ACKNOWLEDGED,
        Status.REJECTED,
        Status.DUPLICATE,
        Status.TRANSFERRED,
    ]


def test_the_reporter_may_only_reopen_a_resolved_report():
    assert allowed_transitions("resolved", by_reporter=True) == [Status.REOPENED]
    for status in set(Status) - {Status.RESOLVED}:
        assert allowed_transitions(status, by_reporter=True) == []


def test_closed_tickets_only_reopen_and_are_closed_for_open311():
    for status in ("resolved", "rejected", "duplicate"):
        assert open311_status(status) == "closed"
        assert allowed_transitions(status) == [Status.REOPENED]


def test_every_status_maps_to_an_oslo_concept():
    assert set(OSLO_STATUS) == set(Status)
    assert oslo_status("new").label_nl == "Ingediend"
    assert oslo_status("resolved").label_nl == "Opgelost"
    assert oslo_status("rejected").label_nl == "Afgewezen"


def test_oslo_concepts_exist_in_the_published_code_list_with_their_labels():
    graph = Graph().parse(OSLO_CODE_LIST, format="turtle")
    scheme = URIRef("https://data.vlaanderen.be/id/conceptscheme/MeldingStatuswaarde")
    for status, concept in OSLO_STATUS.items():
        uri = URIRef(concept.uri)
        assert (uri, RDF.type, SKOS.Concept) in graph, status
        assert (uri, SKOS.inScheme, scheme) in graph, status
        assert (uri, SKOS.prefLabel, Literal(concept.label_nl, lang="nl")) in graph, status
