"""Hostile text gets a 4xx, never a 500 (issue 10, item 8).

The attack: text no field can hold, sent wherever a client can put text. NUL (U+0000) made
PostgreSQL raise ("cannot contain NUL"), a lone surrogate (U+D800, which JSON's "\\ud800"
escape produces) made UTF-8 encoding raise, a JSON body nested 100,000 levels deep made the
parser raise RecursionError: each was a 500, some after part of the work was written.

The defence (app/api/hostile.py) refuses them at the edge, for every endpoint at once,
before any view runs: 404 for a path (it names nothing), 400 for a header or for a body
nested deeper than JSON_MAX_DEPTH, 422 naming each field for a query parameter, a JSON
member or a form field (problem type invalid-text, which the apps translate). Overlong
strings get the 422 of each field's maximum length (every string input of the OpenAPI
documents has one). Open311 keeps its own error format, with 400 for what the API calls 422.

The sweep below is not a hand-written list: it enumerates `app.url_map`, so a new endpoint
is attacked as soon as it exists, with the parameter and body field names of the OpenAPI
documents (the API's and the OGC API's) where they are documented, and sensible defaults
where not. It runs anonymously and as a logged-in administrator (with the CSRF token and an
API token as Open311 api_key), and asserts that no answer is a 500.
"""

from __future__ import annotations

import gc
import io
import json
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from app.accounts.models import Role
from app.notify.heartbeat import beat
from tests.helpers.accounts import PASSWORD, login, make_staff, places  # noqa: F401 (fixtures)
from tests.helpers.api import GRAND_PLACE, assert_problem, report_body, row_counts

NUL = "pot\x00hole"
SURROGATE = "pot\ud800hole"
OVERLONG = "x" * 20_000
HOSTILE = {"nul": NUL, "surrogate": SURROGATE, "overlong": OVERLONG}
DEEP = 100_000
DEEP_JSON = "[" * DEEP + "]" * DEEP

CALLERS = ("anonymous", "administrator")
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
VARIABLE = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")

# Values that let a request get past its path to the code that reads its input. A variable
# not named here gets one by its converter (see path_value), so new routes need nothing.
PATH_VALUES = {
    "fmt": "json",
    "body_code": "commune-21004",
    "collection_id": "reports",
    "filename": "swagger-ui.css",
}
# Open311 GeoReport v2 is a published specification: these are its parameters and fields.
OPEN311_FIELDS = {
    "jurisdiction_id": "pave.be",
    "service_code": "pothole",
    "lat": str(GRAND_PLACE["lat"]),
    "long": str(GRAND_PLACE["lon"]),
    "address_string": "Grand-Place, 1000 Bruxelles",
    "email": "resident@example.org",
    "first_name": "Ann",
    "last_name": "Peeters",
    "phone": "+32470123456",
    "description": "A deep pothole",
    "media_url": "https://example.org/photo.jpg",
    "service_request_id": "{report_id}",
    "status": "closed",
    "updated_datetime": "2026-01-01T10:00:00Z",
    "expected_datetime": "2026-01-02T10:00:00Z",
    "duplicate_of": "{report_id}",
    "start_date": "2026-01-01T00:00:00Z",
    "end_date": "2026-01-02T00:00:00Z",
    "page": "1",
    "page_size": "10",
}
# Valid values of body fields, by name, so that one hostile field is not hidden behind the
# 422 of another missing one. Unknown names get one by their schema's type (example_value).
FIELD_VALUES = {
    "category": "pothole",
    "location": {**GRAND_PLACE, "accuracy_m": 8.0},
    "lat": GRAND_PLACE["lat"],
    "lon": GRAND_PLACE["lon"],
    "email": "resident@example.org",
    "phone": "+32470123456",
    "password": "correct horse battery staple",
    "to": "acknowledged",
    "role": "crew_member",
    "language": "fr",
}


def quoted(value: str) -> str:
    """Percent-encoded as a client would send it (a lone surrogate as its raw UTF-8 bytes)."""
    return quote(value, safe="", errors="surrogatepass")


def path_value(converter: str | None, name: str, context: dict) -> str:
    if name in PATH_VALUES:
        return PATH_VALUES[name]
    if converter == "uuid":
        return str(context["report_id"])
    if converter == "int":
        return "1"
    return "x"


def build_path(rule: str, context: dict, hostile: tuple[str, str] | None = None) -> str:
    """The rule's path with defaults, or with `hostile` = (variable, value) substituted."""

    def substitute(match: re.Match) -> str:
        name = match["name"]
        if hostile and hostile[0] == name:
            return quoted(hostile[1])
        return quoted(path_value(match["converter"], name, context))

    return VARIABLE.sub(substitute, rule)


def openapi_path(rule: str) -> str:
    return VARIABLE.sub(lambda m: "{" + m["name"] + "}", rule)


def _resolve(spec: dict, node: dict) -> dict:
    if node.get("anyOf") or node.get("oneOf"):
        node = (node.get("anyOf") or node.get("oneOf"))[0]
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    if "allOf" in node:
        merged: dict = {"type": "object", "properties": {}}
        for part in node["allOf"]:
            merged["properties"].update(_resolve(spec, part).get("properties", {}))
        return merged
    return node


def example_value(spec: dict, schema: dict, name: str, context: dict, depth: int = 0):
    """A plausible valid value for a field of this schema."""
    schema = _resolve(spec, schema)
    if name in FIELD_VALUES:
        return FIELD_VALUES[name]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" and depth < 3:
        return {
            key: example_value(spec, child, key, context, depth + 1)
            for key, child in schema.get("properties", {}).items()
            if not child.get("readOnly")
        }
    if kind == "array":
        return []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if schema.get("format") == "uuid":
        return str(context["report_id"])
    if schema.get("format") == "date":
        return "2026-01-01"
    if schema.get("format") == "date-time":
        return "2026-01-01T10:00:00Z"
    return "text"


def string_leaves(value, path=()):
    """Paths of every string inside a JSON value."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from string_leaves(child, (*path, key))
    elif isinstance(value, str):
        yield path


def replaced(value, path, new):
    if not path:
        return new
    copy = dict(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


class Documents:
    """What the OpenAPI documents say of each path and method: query names, JSON body."""

    def __init__(self, client):
        self.api = client.get("/api/v1/openapi.json").get_json()
        ogc = client.get("/ogc/api", headers={"Accept": "application/vnd.oai.openapi+json"})
        self.ogc = ogc.get_json() if ogc.is_json else {"paths": {}}

    def operation(self, rule: str, method: str) -> tuple[dict, dict]:
        path = openapi_path(rule)
        for spec, prefix in ((self.api, ""), (self.ogc, "/ogc")):
            for documented, item in spec.get("paths", {}).items():
                if prefix + documented == path and method.lower() in item:
                    return spec, {
                        **item[method.lower()],
                        "parameters": item.get("parameters", [])
                        + item[method.lower()].get("parameters", []),
                    }
        return {}, {}

    def query_names(self, rule: str, method: str) -> list[str]:
        spec, operation = self.operation(rule, method)
        names = []
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
            if parameter.get("in") == "query":
                names.append(parameter["name"])
        if rule.startswith("/open311/") and "<path:" not in rule:
            names += list(OPEN311_FIELDS)
        return names or ["q"]

    def body(self, rule: str, method: str, context: dict) -> dict:
        """A valid-looking JSON body of the operation ({} when none is documented)."""
        spec, operation = self.operation(rule, method)
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if not schema:
            return {}
        value = example_value(spec, schema, "", context)
        return value if isinstance(value, dict) else {}


class Caller:
    """A test client, anonymous or logged in, that sends everything the same way.

    A staff caller logs in again as a new administrator whenever an answer says it is no
    longer logged in (the sweep calls logout, and may call whatever ends sessions or tokens).
    """

    def __init__(self, client, login_again=None):
        self.client = client
        self.login_again = login_again
        self.headers: dict = {}
        self.api_key: str | None = None
        self.sent = 0
        if login_again:
            self.client, self.headers, self.api_key = login_again()

    def _send(self, method: str, path: str, kwargs: dict):
        headers = {**self.headers, **kwargs.get("headers", {})}
        if method in CHANGES:
            headers.setdefault("If-Match", '"v1"')
            headers.setdefault("Idempotency-Key", f"hostile-{self.sent}")
        if self.api_key and path.startswith("/open311/"):
            path += ("&" if "?" in path else "?") + "api_key=" + self.api_key
        self.sent += 1
        sent = {k: v for k, v in kwargs.items() if k != "headers"}
        return self.client.open(path, method=method, headers=headers, **sent)

    def send(self, method: str, path: str, **kwargs):
        response = self._send(method, path, kwargs)
        logged_out = response.status_code == 401 or (
            path.startswith("/open311/") and response.status_code == 403
        )
        if self.login_again and logged_out:
            response.close()
            self.client, self.headers, self.api_key = self.login_again()
            response = self._send(method, path, kwargs)
        return response


@pytest.fixture
def context(report_factory, session):
    report = report_factory(in_brussels=True, with_reporter=True, description="Deep pothole")
    # A worker is running, as in service: readiness answers 200, so any 5xx is a fault.
    beat(session.connection(), "hostile-test")
    return {"report_id": report.id}


@pytest.fixture(params=CALLERS)
def caller(request, app, make_staff):  # noqa: F811
    if request.param == "anonymous":
        return Caller(app.test_client())

    admins = [make_staff(Role.ADMINISTRATOR)]

    def login_again():
        client = app.test_client()
        answer = client.post(
            "/api/v1/auth/login", json={"email": admins[-1].email, "password": PASSWORD}
        )
        if answer.status_code != 200:  # the sweep deactivated them: another administrator
            admins.append(make_staff(Role.ADMINISTRATOR))
            answer = client.post(
                "/api/v1/auth/login", json={"email": admins[-1].email, "password": PASSWORD}
            )
        csrf = {"X-CSRF-Token": answer.get_json()["csrf_token"]}
        token = client.post("/api/v1/auth/tokens", json={"name": "open311"}, headers=csrf)
        assert token.status_code == 201, token.get_json()
        return client, csrf, token.get_json()["token"]

    return Caller(app.test_client(), login_again)


def endpoints(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def attack(caller, method, path, label, failures, **kwargs):
    """Send one request; a 500 (or an exception, which the test client shows instead) fails."""
    try:
        response = caller.send(method, path, **kwargs)
    except Exception as exc:
        failures.append(
            f"{method} {path[:120]} [{label}]: raised {type(exc).__name__}: {exc}"[:300]
        )
        return None
    if response.status_code >= 500:
        body = response.get_data(as_text=True)[:200]
        failures.append(f"{method} {path[:120]} [{label}]: {response.status_code} {body}")
    response.close()
    return response


def test_hostile_path_segments(app, caller, context):
    """Each variable of each route, NUL, surrogate or overlong: 4xx (or the page itself)."""
    failures: list[str] = []
    for rule, method in endpoints(app):
        for match in VARIABLE.finditer(rule):
            for kind, value in HOSTILE.items():
                path = build_path(rule, context, (match["name"], value))
                attack(caller, method, path, f"path {match['name']}={kind}", failures)
    assert not failures, "\n".join(failures)


def test_hostile_query_parameters(app, caller, context):
    """Each documented query parameter (and an undocumented one) of each route."""
    documents = Documents(app.test_client())
    failures: list[str] = []
    for rule, method in endpoints(app):
        path = build_path(rule, context)
        names = documents.query_names(rule, method)
        for name in dict.fromkeys(names):
            for kind, value in HOSTILE.items():
                target = f"{path}?{quoted(name)}={quoted(value)}"
                attack(caller, method, target, f"query {name}={kind}", failures)
        for kind, value in HOSTILE.items():
            target = f"{path}?{quoted(value)}=1"
            attack(caller, method, target, f"query name {kind}", failures)
    assert not failures, "\n".join(failures)


def test_hostile_json_bodies(app, caller, context):
    """Each string field of each documented body, a hostile member name, deep nesting."""
    documents = Documents(app.test_client())
    failures: list[str] = []
    for rule, method in endpoints(app):
        if method not in CHANGES:
            continue
        path = build_path(rule, context)
        base = documents.body(rule, method, context) or {"name": "text", "description": "text"}
        bodies = {}
        for leaf in string_leaves(base):
            for kind, value in HOSTILE.items():
                bodies[f"{'/'.join(leaf)}={kind}"] = json.dumps(replaced(base, leaf, value))
        for kind, value in HOSTILE.items():
            bodies[f"member name {kind}"] = json.dumps({**base, value: "text"})
        bodies["deep body"] = DEEP_JSON
        first = next(iter(base))
        bodies[f"deep {first}"] = json.dumps(base)[:-1] + f', "{first}": {DEEP_JSON}}}'
        for label, data in bodies.items():
            attack(
                caller, method, path, label, failures, data=data, content_type="application/json"
            )
    assert not failures, "\n".join(failures)


def multipart(fields: list[tuple[str, str | bytes, str | None]]) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand: the test client cannot encode surrogates."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value, filename in fields:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out.write(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode(errors="surrogatepass")
        )
        if filename is not None:
            out.write(b"Content-Type: image/jpeg\r\n")
        out.write(b"\r\n")
        out.write(value if isinstance(value, bytes) else value.encode(errors="surrogatepass"))
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 20, 30)).save(out, "JPEG")
    return out.getvalue()


def test_hostile_multipart_fields(app, caller, context):
    """Each body field as a multipart part, a `report` JSON part with it, a hostile photo name."""
    documents = Documents(app.test_client())
    photo = _jpeg()
    failures: list[str] = []
    for rule, method in endpoints(app):
        if method not in CHANGES:
            continue
        path = build_path(rule, context)
        base = documents.body(rule, method, context) or {"name": "text", "description": "text"}
        if "/reports" in rule and not base.get("category"):
            base = report_body()
        for leaf in string_leaves(base):
            for kind, value in HOSTILE.items():
                as_json = json.dumps(replaced(base, leaf, value))
                parts = [("report", as_json, None), (leaf[-1], value, None)]
                parts.append(("photo", photo, "photo.jpg"))
                data, content_type = multipart(parts)
                label = f"multipart {'/'.join(leaf)}={kind}"
                attack(caller, method, path, label, failures, data=data, content_type=content_type)
        for kind, value in HOSTILE.items():
            parts = [("report", json.dumps(base), None), ("photo", photo, f"{value}.jpg")]
            parts.append((value, "text", None))
            data, content_type = multipart(parts)
            label = f"multipart names {kind}"
            attack(caller, method, path, label, failures, data=data, content_type=content_type)
    assert not failures, "\n".join(failures)


def test_hostile_form_fields(app, caller, context):
    """Each field of a form-encoded body (Open311's fields, the documented body's fields)."""
    documents = Documents(app.test_client())
    failures: list[str] = []
    for rule, method in endpoints(app):
        if method not in CHANGES:
            continue
        path = build_path(rule, context)
        form = documents.body(rule, method, context)
        form = {name: value for name, value in form.items() if isinstance(value, str)}
        if rule.startswith("/open311/") and "<path:" not in rule:
            form |= {name: value.format(**context) for name, value in OPEN311_FIELDS.items()}
            changes = [(name, (name,)) for name in form]
        else:
            # Other endpoints take no form: one body with every field hostile at once.
            changes = [("every field", tuple(form) or ("name",))]
        for label, names in changes:
            for kind, value in HOSTILE.items():
                hostile = {**form, **dict.fromkeys(names, value)}
                data = "&".join(f"{quoted(k)}={quoted(v)}" for k, v in hostile.items())
                attack(
                    caller,
                    method,
                    path,
                    f"form {label}={kind}",
                    failures,
                    data=data,
                    content_type="application/x-www-form-urlencoded",
                )
    assert not failures, "\n".join(failures)


# A selection, with the exact answer a client gets.


@pytest.fixture
def admin(app, make_staff):  # noqa: F811
    client = app.test_client()
    user = make_staff(Role.ADMINISTRATOR)
    return client, {"X-CSRF-Token": login(client, user)}


def field_errors(problem: dict) -> dict[str, str]:
    return {error["pointer"]: error["detail"] for error in problem.get("errors", [])}


def test_nul_in_login_email_is_a_422_naming_the_field(client):
    response = client.post("/api/v1/auth/login", json={"email": "a\x00@b.be", "password": "p"})
    problem = assert_problem(response, 422)
    assert "NUL" in field_errors(problem)["/email"]


def test_nul_in_token_name_is_a_422_and_no_token_is_made(admin):
    client, csrf = admin
    response = client.post("/api/v1/auth/tokens", json={"name": "ci\x00"}, headers=csrf)
    problem = assert_problem(response, 422)
    assert "NUL" in field_errors(problem)["/name"]
    assert client.get("/api/v1/auth/tokens").get_json()["tokens"] == []


def test_lone_surrogate_in_description_is_a_422_and_nothing_is_written(client, connection):
    before = row_counts(connection)
    data = json.dumps(report_body(description="Trou \ud800 profond"))
    response = client.post("/api/v1/reports", data=data, content_type="application/json")
    problem = assert_problem(response, 422)
    assert "unpaired surrogate" in field_errors(problem)["/description"]
    assert row_counts(connection) == before


def test_lone_surrogate_in_the_report_part_of_a_multipart_report(client, connection):
    before = row_counts(connection)
    report = json.dumps(report_body(reporter={"name": "An\udc00n"}))
    data, content_type = multipart([("report", report, None), ("photo", _jpeg(), "a.jpg")])
    response = client.post("/api/v1/reports", data=data, content_type=content_type)
    problem = assert_problem(response, 422)
    assert "unpaired surrogate" in field_errors(problem)["/reporter/name"]
    assert row_counts(connection) == before


def test_json_nested_100000_levels_is_a_400(client):
    response = client.post("/api/v1/reports", data=DEEP_JSON, content_type="application/json")
    problem = assert_problem(response, 400)
    assert "nested too deeply" in problem["detail"]


def test_json_depth_limit_is_exact(app, client):
    """JSON_MAX_DEPTH levels pass the edge (the schema then judges them); one more is a 400."""
    limit = app.config["JSON_MAX_DEPTH"]

    def nested(levels: int) -> str:  # the body object is the first level
        return '{"description": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"

    at_limit = client.post("/api/v1/reports", data=nested(limit), content_type="application/json")
    assert assert_problem(at_limit, 422)["title"] == "Invalid request"
    beyond = client.post("/api/v1/reports", data=nested(limit + 1), content_type="application/json")
    assert "nested too deeply" in assert_problem(beyond, 400)["detail"]


def test_nul_in_a_body_code_in_the_path_is_a_404(admin):
    client, _ = admin
    response = client.get("/api/v1/staff/bodies/commune-21004%00/members")
    problem = assert_problem(response, 404)
    assert "NUL" in problem["detail"]


def test_nul_in_a_follow_token_is_a_404(client):
    problem = assert_problem(client.get("/api/v1/follow/abc%00def"), 404)
    assert "NUL" in problem["detail"]
    # The resident app's page answers its own plain 404.
    assert client.get("/follow/abc%00def").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_nul_in_open311_service_code_keeps_open311_errors(client, fmt):
    response = client.get(f"/open311/v2/services/pot%00hole.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.mimetype == "application/json"
        [error] = response.get_json()
        assert error["code"] == 404
        assert "NUL" in error["description"]
    else:
        assert response.mimetype == "text/xml"
        assert b"<code>404</code>" in response.data
        assert b"NUL" in response.data


def test_nul_in_open311_posted_service_code_is_a_400_and_nothing_is_written(admin, connection):
    client, csrf = admin
    token = client.post("/api/v1/auth/tokens", json={"name": "o311"}, headers=csrf).get_json()
    before = row_counts(connection)
    form = {"api_key": token["token"], "service_code": "pothole\x00", "lat": "50.8467"}
    form["long"] = "4.3525"
    response = client.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 400
    [error] = response.get_json()
    assert "service_code" in error["description"] and "NUL" in error["description"]
    assert row_counts(connection) == before


def test_overlong_query_parameter_is_a_422(client):
    problem = assert_problem(client.get(f"/api/v1/communes?q={OVERLONG}"), 422)
    assert "q" in field_errors(problem)


def test_lone_surrogate_answer_has_the_type_the_apps_translate(client):
    data = json.dumps(report_body(description="\ud83d"))  # half of an emoji, as maxlength cuts it
    response = client.post("/api/v1/reports", data=data, content_type="application/json")
    assert assert_problem(response, 422)["type"].endswith("/invalid-text")
    root = Path(__file__).resolve().parents[2] / "pwa" / "src"
    assert "'invalid-text'" in (root / "js" / "ui" / "refusal.js").read_text()
    for lang in ("fr", "nl", "de", "en"):
        strings = json.loads((root / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
        assert strings["problem.invalid-text"] and strings["follow.problem.invalidText"]


def _unbounded_strings(spec: dict, schema: dict, path: str, seen: set) -> list[str]:
    """Request string fields with neither a maxLength nor an enum nor a bounded format."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen = {*seen, name}
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if kind == "object":
        return [
            found
            for key, child in schema.get("properties", {}).items()
            if not child.get("readOnly")
            for found in _unbounded_strings(spec, child, f"{path}/{key}", seen)
        ]
    if kind == "array":
        return _unbounded_strings(spec, schema.get("items", {}), f"{path}/-", seen)
    bounded = "maxLength" in schema or "enum" in schema or "pattern" in schema
    if kind == "string" and not bounded and schema.get("format") not in BOUNDED_FORMATS:
        return [path]
    return []


BOUNDED_FORMATS = {"uuid", "date", "date-time", "binary"}


def test_every_documented_string_input_has_a_maximum_length(app):
    """An overlong value gets its field's 422: every string a client sends has a maxLength."""
    documents = Documents(app.test_client())
    unbounded = []
    for spec in (documents.api, documents.ogc):
        for path, item in spec.get("paths", {}).items():
            for method, operation in item.items():
                if not isinstance(operation, dict) or method == "parameters":
                    continue
                for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                    if "$ref" in parameter:
                        name = parameter["$ref"].rsplit("/", 1)[-1]
                        parameter = spec["components"]["parameters"][name]
                    if parameter.get("in") == "query":
                        where = f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
                        unbounded += _unbounded_strings(
                            spec, parameter.get("schema", {}), where, set()
                        )
                for kind, media in operation.get("requestBody", {}).get("content", {}).items():
                    if kind == "multipart/form-data":
                        continue  # files, and the report's JSON, checked by its own schema
                    where = f"{method.upper()} {path} body "
                    unbounded += _unbounded_strings(spec, media.get("schema", {}), where, set())
    assert not unbounded, "\n".join(unbounded)


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ("Idempotency-Key", "/api/v1/reports"),
        ("Authorization", "/api/v1/auth/me"),
        ("Accept-Language", "/api/v1/categories"),
    ],
)
def test_nul_in_a_header_is_a_400(client, connection, header, path):
    before = row_counts(connection)
    value = "Bearer pave_x\x00y" if header == "Authorization" else "fr\x00"
    method = "POST" if path == "/api/v1/reports" else "GET"
    response = client.open(path, method=method, json=report_body(), headers={header: value})
    problem = assert_problem(response, 400)
    assert header in problem["detail"] and "NUL" in problem["detail"]
    assert row_counts(connection) == before


# Dates at the edges of what Python and PostgreSQL can hold: the OGC API's `datetime`, and
# the `start`/`end` of the open-data exports and dashboard figures.


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59.999999Z",
        "2026-01-01/9999-12-31",
        "9999-12-31/P2D",
        "P1D/9999-12-31",
        "P3000Y/0002-01-01",
        "0001-01-01/..",
    ],
)
def test_ogc_datetime_at_the_end_of_the_calendar_is_open_ended(client, value):
    # A valid RFC 3339 date: its end (10000-01-01) has no datetime, so the period is open.
    response = client.get("/ogc/collections/reports/items", query_string={"datetime": value})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["type"] == "FeatureCollection"


@pytest.mark.parametrize(
    "value", ["2026-01-01T00:00:00-20:00", "0001-01-01T00:00:00+23:59", "2026-01-01T00:00:00+16:00"]
)
def test_ogc_datetime_with_an_offset_no_database_holds_is_a_400(client, value):
    response = client.get("/ogc/collections/reports/items", query_string={"datetime": value})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["code"] == "InvalidParameterValue"
    assert "offset" in response.get_json()["description"]


PERIOD_PATHS = (
    "/opendata/reports.csv",
    "/opendata/reports.geojson",
    "/opendata/dashboard/communes",
    "/opendata/dashboard/categories",
    "/opendata/dashboard/statuses",
    "/opendata/dashboard/trend.csv",
)


@pytest.mark.parametrize("path", PERIOD_PATHS)
@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("start", "2026-01-01T00:00:00-20:00"),
        ("start", "0001-01-01T00:00:00-23:59"),
        ("end", "2026-01-01T00:00:00+16:00"),
        ("start", "0001-01-01T00:00:00+01:00"),  # before year 1 in UTC
        ("end", "9999-12-31T23:00:00-05:00"),  # after year 9999 in UTC
        ("end", "9999-12-31"),  # the day after it ends has no date
    ],
)
def test_period_bound_no_database_or_calendar_holds_is_a_422_naming_it(
    client, path, parameter, value
):
    response = client.get(path, query_string={parameter: value})
    problem = assert_problem(response, 422)
    assert parameter in problem["detail"], problem


def test_a_refused_multipart_closes_every_part_of_a_repeated_name(client, connection):
    """Seen in a CI run: a hostile field refused the form, and the second photo of the same
    name was left open (a leaked temporary file, and a ResourceWarning at collection)."""
    before = row_counts(connection)
    parts = [("report", "\x00", None), ("photo", _jpeg(), "a.jpg"), ("photo", _jpeg(), "b.jpg")]
    data, content_type = multipart(parts)

    response = client.post("/api/v1/reports", data=data, content_type=content_type)

    assert_problem(response, 422)
    assert row_counts(connection) == before
    del response
    gc.collect()  # an unclosed part warns here, which the suite's settings make an error
