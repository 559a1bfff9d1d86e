"""Every XML document Pavé serves stays well-formed, whatever text residents and clients send.

The attack: text with a character XML 1.0 forbids (here U+0001) in a comment or description.
ElementTree writes it as it is, so the XML answer that carries it cannot be parsed: one
Open311 update pushed with it made servicerequestupdates.xml unreadable for every client for
the whole 90-day window.

The defence: one sanitiser (app/xmltext.py) removes the forbidden characters (C0 controls but
tab, LF and CR; U+FFFE, U+FFFF; lone surrogates) from every text of every XML document
(Open311 is the only XML the app serves: DCAT is Turtle and JSON-LD, OGC JSON and HTML). The
tests send every forbidden class and parse each answer with real XML parsers (ElementTree
and lxml).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from lxml import etree

from app.api.open311.documents import render
from app.xmltext import xml_text
from tests.helpers.accounts import make_staff, places
from tests.helpers.open311 import api_key, ticket

__all__ = ["api_key", "make_staff", "places", "ticket"]

BASE = "/open311/v2"
# Every character XML 1.0 forbids that PostgreSQL can store (it refuses NUL, and UTF-8
# cannot carry a lone surrogate: those two are checked on the document alone below).
FORBIDDEN = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
SENT = f"Loose{FORBIDDEN} kerb\tstone\nby the school"
READ = "Loose kerb\tstone\nby the school"


def _parse(response):
    """The document, parsed by ElementTree and by lxml (which is stricter): both must agree."""
    assert response.mimetype == "text/xml", response.data
    tree = ET.fromstring(response.data)
    strict = etree.fromstring(response.data, etree.XMLParser(recover=False))
    assert [e.text for e in tree.iter()] == [e.text for e in strict.iter()]
    return tree


def test_forbidden_characters_never_break_an_open311_answer(client, api_key, ticket):
    # Control characters in a description are refused, as in the staff API and the report
    # API, and the refusal that names the field is well-formed XML too.
    for path, extra in (
        (
            "servicerequestupdates.xml",
            {"service_request_id": str(ticket.id), "status": "acknowledged"},
        ),
        ("requests.xml", {"service_code": "pothole", "lat": "50.8467", "long": "4.3525"}),
    ):
        refused = client.post(
            f"{BASE}/{path}", data={"api_key": api_key, **extra, "description": SENT}
        )
        assert refused.status_code == 400, refused.data
        (said,) = [e.text for e in _parse(refused).iter("description")]
        assert said.startswith("description: Must not contain control characters"), said
    pushed = client.post(
        f"{BASE}/servicerequestupdates.xml",
        data={
            "api_key": api_key,
            "service_request_id": str(ticket.id),
            "status": "acknowledged",
            "description": READ,
        },
    )
    assert pushed.status_code == 200, pushed.data
    _parse(pushed)
    created = client.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": api_key,
            "service_code": "pothole",
            "lat": "50.8467",
            "long": "4.3525",
            "description": READ,
        },
    )
    assert created.status_code in (200, 201), created.data
    (request_id,) = [e.text for e in _parse(created).iter("service_request_id")]

    updates = _parse(client.get(f"{BASE}/servicerequestupdates.xml"))
    assert READ in [e.text for e in updates.iter("description")]
    # The description of a request is published by its body later; the answers parse.
    for path in (f"{BASE}/requests.xml", f"{BASE}/requests/{request_id}.xml"):
        assert _parse(client.get(path)).tag == "service_requests"


def test_an_error_that_repeats_the_request_is_well_formed(client, api_key, ticket):
    answer = client.post(
        f"{BASE}/servicerequestupdates.xml",
        data={"api_key": api_key, "service_request_id": str(ticket.id), "status": SENT},
    )
    assert answer.status_code == 400
    (description,) = [e.text for e in _parse(answer).iter("description")]
    assert description.startswith("status 'Loose")


@pytest.mark.parametrize("forbidden", ["\x00", "\ud800", "\udfff", *FORBIDDEN])
def test_every_forbidden_character_is_removed_from_a_document(forbidden):
    document = render("xml", "service_requests", [{"description": f"a{forbidden}b"}])
    tree = etree.fromstring(document, etree.XMLParser(recover=False))
    assert tree.findtext("request/description") == "ab"


def test_allowed_characters_are_kept():
    kept = "tab\t lf\n cr\r é € 𝄞 \ud7ff\ue000\ufffd"
    assert xml_text(kept) == kept
