"""The one table from domain errors to HTTP (app/api/errors.py), resolved along the hierarchy."""

from __future__ import annotations

from collections import Counter

import pytest

from app.api.errors import DOMAIN_STATUS, PROBLEM_BASE, PROBLEM_JSON, status_of
from app.errors import NotFoundError, PaveError
from app.tickets.errors import StaleVersionError
from app.web import create_app
from tests.helpers.errors import every_error_class


def test_every_domain_error_has_a_code_and_a_status():
    for cls in every_error_class():
        assert isinstance(cls.code, str) and cls.code, cls
        assert status_of(cls) in range(400, 600), cls


def test_each_code_is_set_by_one_class_and_each_such_class_has_its_status():
    own = [cls for cls in every_error_class() | {PaveError} if "code" in cls.__dict__]
    twice = [code for code, n in Counter(cls.code for cls in own).items() if n > 1]
    assert not twice
    assert set(own) == set(DOMAIN_STATUS)


class FreshlyMovedError(NotFoundError):
    """A subclass no table names: it answers as its parent does."""


class StaleAgainError(StaleVersionError):
    pass


@pytest.fixture
def bare_app():
    app = create_app({"TESTING": True, "PUBLIC_BASE_URL": "http://localhost"})

    @app.get("/raise/<name>")
    def _raise(name):
        if name == "moved":
            raise FreshlyMovedError("Nothing here.")
        if name == "plain":
            raise PaveError("Not this way.")
        raise StaleAgainError("Someone else changed it.", current_version=3)

    return app


@pytest.mark.parametrize(
    "name, status, code", [("moved", 404, "not-found"), ("stale", 412, "stale-version")]
)
def test_a_subclass_gets_its_parents_status_and_code(bare_app, name, status, code):
    response = bare_app.test_client().get(f"/raise/{name}")
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json()
    assert body["type"] == PROBLEM_BASE + code
    assert body["status"] == status


@pytest.mark.parametrize(
    "lang, title",
    [
        ("en", "Not found"),
        ("fr", "Introuvable"),
        ("nl", "Niet gevonden"),
        ("de", "Nicht gefunden"),
    ],
)
def test_the_title_is_the_catalogues_in_the_readers_language(bare_app, lang, title):
    response = bare_app.test_client().get("/raise/moved", headers={"Accept-Language": lang})
    assert response.get_json()["title"] == title


@pytest.mark.parametrize(
    "lang, title",
    [("en", "Request cannot be processed"), ("fr", "La demande ne peut pas être traitée")],
)
def test_the_generic_error_has_a_title_in_the_readers_language_too(bare_app, lang, title):
    response = bare_app.test_client().get("/raise/plain", headers={"Accept-Language": lang})
    assert response.status_code == 400
    assert response.get_json()["title"] == title
