"""The OpenAPI document marks every staff operation, and public answers never leak secrets."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services import issue_token
from tests.helpers.api import GRAND_PLACE

STAFF_SECURITY = [{"cookieAuth": []}, {"bearerAuth": []}]
METHODS = {"get", "post", "put", "patch", "delete"}
# What a public answer must never contain, whatever its shape.
SECRET_FIELDS = {
    "password",
    "password_hash",
    "token_hash",
    "invitation_hash",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def fill(path: str, spec_params: list[dict]) -> str:
    """A request path for an anonymous probe: any well-formed value will do."""
    kinds = {p["name"]: p.get("schema", {}) for p in spec_params if p.get("in") == "path"}

    def value(match):
        schema = kinds.get(match.group(1), {})
        if schema.get("type") == "integer":
            return "1"
        return str(uuid.uuid4()) if schema.get("format") == "uuid" else "x"

    return re.sub(r"{(\w+)}", value, path)


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_security_schemes_are_declared(spec):
    schemes = spec["components"]["securitySchemes"]

    assert schemes["cookieAuth"] == {"type": "apiKey", "in": "cookie", "name": "pave_session"}
    assert schemes["bearerAuth"]["type"] == "http" and schemes["bearerAuth"]["scheme"] == "bearer"


def test_every_operation_that_needs_a_login_declares_it_and_only_those(client, spec):
    """Probed anonymously: 401 exactly where the document declares the security schemes."""
    undeclared, overdeclared = [], []
    for method, path, operation in operations(spec):
        params = spec["paths"][path].get("parameters", []) + operation.get("parameters", [])
        kwargs = {"json": {}} if "requestBody" in operation else {}
        response = client.open(fill(path, params), method=method.upper(), **kwargs)
        declared = operation.get("security") == STAFF_SECURITY
        if response.status_code == 401 and not declared:
            undeclared.append((method, path))
        if declared and response.status_code != 401:
            overdeclared.append((method, path, response.status_code))
        if declared:
            assert {"401", "403"} <= set(operation["responses"]), (method, path)

    assert undeclared == []
    assert overdeclared == []
    assert any(op.get("security") for _, _, op in operations(spec))


def test_public_answers_never_show_hashes_tokens_or_reporter_contact(
    client, spec, session, make_staff, report_factory, connection
):
    staff = make_staff(Role.COMMUNE_MANAGER)
    _, token = issue_token(session, staff, "ticketing system")
    session.commit()
    report = report_factory(in_brussels=True, with_reporter=True)
    stored = session.scalar(select(User).where(User.id == staff.id))
    secrets = [
        stored.password_hash,
        token,
        report.reporter_email,
        report.reporter_phone,
        report.reporter_name,
    ]
    query = {"lat": GRAND_PLACE["lat"], "lon": GRAND_PLACE["lon"]}

    checked = 0
    for method, path, operation in operations(spec):
        if method != "get" or operation.get("security"):
            continue
        url = path.replace("{report_id}", str(report.id))
        if "{" in url:
            continue
        response = client.get(url, query_string=query)
        text = response.get_data(as_text=True)
        assert not [s for s in secrets if s and s in text], (path, response.status_code)
        assert not SECRET_FIELDS & set(re.findall(r'"(\w+)"\s*:', text)), path
        checked += response.status_code == 200
    assert checked >= 5


def test_public_response_schemas_have_no_secret_fields(spec):
    def resolve(ref: str):
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def fields(node, seen):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref not in seen:
                seen.add(ref)
                yield from fields(resolve(ref), seen)
            yield from node.get("properties", {})
            for child in node.values():
                yield from fields(child, seen)
        elif isinstance(node, list):
            for child in node:
                yield from fields(child, seen)

    for method, path, operation in operations(spec):
        if operation.get("security"):
            continue
        found = SECRET_FIELDS & set(fields(operation.get("responses", {}), set()))
        assert not found, (method, path, found)
