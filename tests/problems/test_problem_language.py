"""problem+json titles and details follow Accept-Language; `type` and machine fields do not."""

from __future__ import annotations

import re
import uuid

import pytest
from marshmallow import Schema, fields, validate
from marshmallow import ValidationError as SchemaError

from app.errors import PaveError
from app.i18n import LANGUAGES
from app.problems import TITLE_PREFIX, catalogue, placeholders, recognise
from tests.helpers.api import GRAND_PLACE, assert_problem, report_body
from tests.helpers.errors import every_error_class

# 301 m from Voeren (73109), across the Dutch border: the brief's own example.
NEAR_VOEREN = {"lat": 50.78, "lon": 5.756}
VOEREN = {"en": "Voeren", "fr": "Fourons", "nl": "Voeren", "de": "Voeren"}
# Words that would show an English text left in a French, Dutch or German answer.
ENGLISH = {
    "the", "must", "not", "field", "missing", "data", "required", "longer", "than", "length",
    "outside", "area", "served", "nearest", "away", "there", "no", "report", "found", "method",
    "allowed", "request", "invalid", "between", "and", "or", "requested", "was",
}  # fmt: skip
OTHERS = ("fr", "nl", "de")


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower())} & ENGLISH


def assert_in_language(response, lang: str) -> dict:
    assert response.headers["Content-Language"] == lang
    assert "Accept-Language" in response.headers.get("Vary", "")
    return response.get_json()


# --- the catalogue


def test_every_message_is_in_the_four_languages_with_the_same_placeholders():
    texts = catalogue()
    english = texts["en"]
    for lang in LANGUAGES:
        assert list(texts[lang]) == list(english), f"{lang}: not the same keys in the same order"
        for key, template in texts[lang].items():
            assert template.strip(), f"{lang}: {key} is empty"
            assert placeholders(template) == placeholders(english[key]), f"{lang}: {key}"


def test_every_problem_type_has_a_title_in_every_language():
    # The catalogue is where a domain error's title is written (PaveError.title reads it):
    # every code, set or inherited, and the invalid request of a schema's refusal.
    slugs = {cls.code for cls in every_error_class() | {PaveError}} | {"invalid-request"}
    texts = catalogue()
    missing = {
        (lang, slug)
        for slug in slugs
        for lang in LANGUAGES
        if TITLE_PREFIX + slug not in texts[lang]
    }
    assert not missing


def schema_messages(field, value) -> list[str]:
    schema = type("One", (Schema,), {"x": field})()
    try:
        schema.load({} if value is ... else {"x": value})
    except SchemaError as exc:
        return exc.messages["x"]
    raise AssertionError("no error")


@pytest.mark.parametrize(
    "field, value",
    [
        (fields.String(required=True), ...),
        (fields.String(allow_none=False), None),
        (fields.String(), 12),
        (fields.Integer(), "x"),
        (fields.Float(), "x"),
        (fields.Float(allow_nan=False), "nan"),
        (fields.Boolean(), "x"),
        (fields.AwareDateTime(), "x"),
        (fields.Date(), "x"),
        (fields.UUID(), "x"),
        (fields.Email(), "x"),
        (fields.List(fields.String()), "x"),
        (fields.Dict(), "x"),
        (fields.String(validate=validate.Length(max=4000)), "x" * 4001),
        (fields.String(validate=validate.Length(min=3)), "x"),
        (fields.String(validate=validate.Length(1, 60)), ""),
        (fields.Float(validate=validate.Range(-90, 90)), 91),
        (fields.Integer(validate=validate.Range(min=1)), 0),
        (fields.String(validate=validate.OneOf(["fr", "nl"])), "es"),
        (fields.String(validate=validate.Regexp(r"^a$")), "b"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, fields.Field) else None,
)
def test_marshmallow_messages_are_in_the_catalogue(field, value):
    for message in schema_messages(field, value):
        assert recognise(message) is not None, message


# --- answers


@pytest.mark.parametrize("lang", LANGUAGES)
def test_outside_the_area_names_the_nearest_commune_in_the_readers_language(client, lang):
    response = client.post(
        "/api/v1/reports",
        json=report_body(location=NEAR_VOEREN),
        headers={"Accept-Language": lang},
    )

    problem = assert_in_language(response, lang)
    assert_problem(response, 422)
    assert problem["type"] == "https://pave.example/problems/outside-service-area"
    nearest = problem["nearest_commune"]
    assert (nearest["nis_code"], nearest["distance_m"]) == ("73109", 301)
    assert nearest["names"] == {"fr": "Fourons", "nl": "Voeren", "de": "Voeren"}
    assert VOEREN[lang] in problem["detail"]
    assert "301 m" in problem["detail"]
    if lang == "en":
        assert problem["title"] == "Outside the area served"
    else:
        assert not english_words(problem["title"] + " " + problem["detail"]), problem


@pytest.mark.parametrize("lang", OTHERS)
def test_a_refused_report_is_explained_without_english(client, lang):
    body = report_body(description="x" * 5001, category="")
    del body["location"]["lat"]

    response = client.post("/api/v1/reports", json=body, headers={"Accept-Language": lang})

    problem = assert_in_language(response, lang)
    assert_problem(response, 422)
    pointers = {e["pointer"] for e in problem["errors"]}
    assert {"/description", "/category", "/location/lat"} <= pointers
    for error in problem["errors"]:
        assert error["location"] == "json"
        assert not english_words(error["detail"]), error
        assert error["detail"] in problem["detail"]
    assert not english_words(problem["title"]), problem["title"]


@pytest.mark.parametrize(
    "lang, title, detail",
    [
        ("en", "Invalid request", "Missing data for required field."),
        ("fr", "Demande non valide", "Donnée manquante pour un champ obligatoire."),
        ("nl", "Ongeldig verzoek", "Gegevens ontbreken voor een verplicht veld."),
        ("de", "Ungültige Anfrage", "Angabe fehlt für ein Pflichtfeld."),
    ],
)
def test_a_validation_error_follows_the_language(client, lang, title, detail):
    body = report_body()
    del body["category"]

    response = client.post("/api/v1/reports", json=body, headers={"Accept-Language": lang})

    problem = assert_in_language(response, lang)
    assert problem["title"] == title
    assert problem["errors"] == [{"pointer": "/category", "location": "json", "detail": detail}]
    assert problem["detail"] == f"/category: {detail}"


@pytest.mark.parametrize(
    "lang, title, detail",
    [
        ("en", "Not found", "There is no report {id}."),
        ("fr", "Introuvable", "Il n'y a pas de signalement {id}."),
        ("nl", "Niet gevonden", "Er is geen melding {id}."),
        ("de", "Nicht gefunden", "Es gibt keine Meldung {id}."),
    ],
)
def test_a_domain_error_follows_the_language(client, lang, title, detail):
    report_id = uuid.uuid4()

    response = client.get(f"/api/v1/reports/{report_id}", headers={"Accept-Language": lang})

    problem = assert_in_language(response, lang)
    assert_problem(response, 404)
    assert problem["type"] == "https://pave.example/problems/not-found"
    assert problem["title"] == title
    assert problem["detail"] == detail.format(id=report_id)


@pytest.mark.parametrize(
    "lang, not_found, not_allowed",
    [
        ("en", "Not Found", "Method Not Allowed"),
        ("fr", "Introuvable", "Méthode non autorisée"),
        ("nl", "Niet gevonden", "Methode niet toegestaan"),
        ("de", "Nicht gefunden", "Methode nicht erlaubt"),
    ],
)
def test_http_errors_follow_the_language(client, lang, not_found, not_allowed):
    missing = client.get("/api/v1/no-such-thing", headers={"Accept-Language": lang})
    refused = client.delete("/api/v1/categories", headers={"Accept-Language": lang})

    for response, status, title in ((missing, 404, not_found), (refused, 405, not_allowed)):
        problem = assert_in_language(response, lang)
        assert_problem(response, status)
        assert problem["type"] == "about:blank"
        assert problem["title"] == title
        if lang != "en":
            assert not english_words(problem["title"] + " " + problem["detail"]), problem
    assert "GET" in refused.headers["Allow"]


@pytest.mark.parametrize(
    "header, lang",
    [
        (None, "en"),
        ("es", "en"),
        ("nl-BE", "nl"),
        ("fr;q=0.5, nl;q=0.9", "nl"),
        ("de-DE, de;q=0.9, en;q=0.8", "de"),
        ("es, fr;q=0.3", "fr"),
        ("*", "en"),
    ],
)
def test_the_language_is_negotiated_with_q_values(client, header, lang):
    headers = {"Accept-Language": header} if header else {}
    body = report_body(location={**GRAND_PLACE, "lat": 91})

    response = client.post("/api/v1/reports", json=body, headers=headers)

    problem = assert_in_language(response, lang)
    assert problem["errors"][0]["pointer"] == "/location/lat"
    english = "Must be greater than or equal to -90 and less than or equal to 90."
    assert (problem["errors"][0]["detail"] == english) == (lang == "en")


@pytest.mark.parametrize(
    "lang, detail",
    [
        ("en", "Not a valid email address: it contains U+000B."),
        ("fr", "Adresse e-mail non valide : elle contient U+000B."),
        ("nl", "Geen geldig e-mailadres: het bevat U+000B."),
        ("de", "Keine gültige E-Mail-Adresse: Sie enthält U+000B."),
    ],
)
def test_an_email_refused_names_the_character_in_the_readers_language(client, lang, detail):
    body = report_body(reporter={"name": "Eve", "email": "eve\x0b@example.com"})

    response = client.post("/api/v1/reports", json=body, headers={"Accept-Language": lang})

    problem = assert_in_language(response, lang)
    assert problem["errors"] == [
        {"pointer": "/reporter/email", "location": "json", "detail": detail}
    ]
