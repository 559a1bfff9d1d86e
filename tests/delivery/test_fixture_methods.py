"""The seed data keeps today's behaviour: a body the fixtures give an email is emailed its
tickets (delivery_method 'email'), and loading them again keeps a method chosen since."""

from __future__ import annotations

import json

from sqlalchemy import text

from app.categories.fixtures import load_fixtures

BODY = {
    "code": "test-agency",
    "kind": "operator",
    "region_code": "04000",
    "names": {"fr": "Agence"},
}


def _load(session, tmp_path, **contact):
    (tmp_path / "bodies.json").write_text(json.dumps({"bodies": [{**BODY, **contact}]}))
    (tmp_path / "categories.json").write_text(json.dumps({"groups": [], "categories": []}))
    load_fixtures(session, tmp_path)
    return session.execute(
        text("SELECT delivery_method FROM bodies WHERE code = 'test-agency'")
    ).scalar_one()


def test_a_body_with_an_email_in_the_fixtures_is_emailed(session, tmp_path):
    assert _load(session, tmp_path, contact_email="agence@example.be") == "email"


def test_a_body_without_one_uses_the_crew_screens_until_it_gets_one(session, tmp_path):
    assert _load(session, tmp_path) == "pave"
    assert _load(session, tmp_path, contact_email="agence@example.be") == "email"


def test_loading_again_keeps_the_method_chosen_since(session, tmp_path):
    _load(session, tmp_path, contact_email="agence@example.be")
    session.execute(
        text("UPDATE bodies SET delivery_method = 'open311' WHERE code = 'test-agency'")
    )
    assert _load(session, tmp_path, contact_email="agence@example.be") == "open311"
    session.execute(text("UPDATE bodies SET delivery_method = 'pave' WHERE code = 'test-agency'"))
    assert _load(session, tmp_path, contact_email="agence@example.be") == "pave"
