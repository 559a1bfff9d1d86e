"""Who runs the service: set by the operator, given to the app, linked from every email."""

from __future__ import annotations

import pytest

from app.config import Config
from app.notify.messages import render


def test_nobody_is_named_until_the_operator_says_who_they_are(client):
    config = client.get("/config.json").get_json()
    assert config["operator_name"] == "" == Config.OPERATOR_NAME
    assert config["operator_contact"] == "" == Config.OPERATOR_CONTACT


def test_the_app_reads_the_operator_and_how_to_reach_them(app, client):
    app.config["OPERATOR_NAME"] = "Ville de Bruxelles, service Voirie"
    app.config["OPERATOR_CONTACT"] = "https://www.bruxelles.example/voirie"
    answer = client.get("/config.json")
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.get_json()["operator_name"] == "Ville de Bruxelles, service Voirie"
    assert answer.get_json()["operator_contact"] == "https://www.bruxelles.example/voirie"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "Qui gère Pavé"),
        ("nl", "Wie Pavé beheert"),
        ("de", "Wer Pavé betreibt"),
        ("en", "Who runs Pavé"),
    ],
)
@pytest.mark.parametrize("role", ["reporter", "follower"])
def test_every_email_to_a_resident_links_to_the_about_page(app, lang, words, role):
    with app.app_context():
        email = render(
            "resident_received",
            lang,
            ref="abcd1234",
            reference="abcd1234-0000",
            category="Nid-de-poule",
            commune="Bruxelles",
            body="Ville de Bruxelles",
            follow_url="http://localhost/follow/t",
            unsubscribe_url="http://localhost/follow/t/unsubscribe",
            link_role=role,
        )
    assert f"\n{words}" in email.body
    assert email.body.endswith("\nhttp://localhost/#/about\n")
