"""Open311 clients: API keys of staff accounts, and readers of both formats of each answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.accounts.models import Role
from app.accounts.services import issue_token
from tests.factories import GRAND_PLACE
from tests.helpers.accounts import make_staff, places

__all__ = ["make_staff", "places"]

BASE = "/open311/v2"


def parse_xml(response) -> ET.Element:
    """The XML document of a response, after checking what the spec asks of its headers."""
    assert response.mimetype == "text/xml"
    assert response.mimetype_params.get("charset") == "utf-8"
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.data)


def xml_items(response, root: str, item: str) -> list[dict[str, str | None]]:
    """The flat items under `root`, each as {child tag: text}."""
    document = parse_xml(response)
    assert document.tag == root
    assert all(child.tag == item for child in document)
    return [{field.tag: field.text for field in element} for element in document]


def json_array(response) -> list:
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, list)
    return body


def xml_error(response, status: int) -> str:
    assert response.status_code == status, response.data
    errors = xml_items(response, "errors", "error")
    assert len(errors) == 1 and errors[0]["code"] == str(status)
    return errors[0]["description"]


def json_error(response, status: int) -> str:
    assert response.status_code == status, response.data
    errors = json_array(response)
    assert len(errors) == 1 and errors[0]["code"] == status
    return errors[0]["description"]


@pytest.fixture
def api_key(session, make_staff):
    """An API token of a crew member of Bruxelles: the api_key of its commune's system."""
    user = make_staff(Role.CREW_MEMBER)
    _, token = issue_token(session, user, "Open311")
    session.commit()
    return token


@pytest.fixture
def namur_key(session, make_staff, places):
    """An API token of a crew member of Namur, who may not change Bruxelles' tickets."""
    user = make_staff(Role.CREW_MEMBER, body_id=places.namur)
    _, token = issue_token(session, user, "Open311")
    session.commit()
    return token


@pytest.fixture
def ticket(report_factory):
    """A new report at the Grand-Place (Bruxelles), whose reporter left their contact."""
    return report_factory(in_brussels=True, with_reporter=True)


def form(api_key, **fields):
    """A POST /requests form at the Grand-Place with this api_key; keywords replace fields."""
    base = {"api_key": api_key, "service_code": "pothole", "lat": GRAND_PLACE[1]}
    return {**base, "long": GRAND_PLACE[0], **fields}
