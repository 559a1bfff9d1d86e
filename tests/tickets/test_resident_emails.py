"""Every email to a resident, in each language, carries their follow and unsubscribe links."""

from __future__ import annotations

import pytest

from app.tickets.messages import TEMPLATES, render

# The request to confirm a follow is the one email to a resident without a follow link: the
# address has not confirmed yet, so it gets nothing but the question.
CONFIRM_KIND = "resident_follow_confirm"
RESIDENT_KINDS = sorted(
    kind for kind in TEMPLATES if kind.startswith("resident_") and kind != CONFIRM_KIND
)
VALUES = {
    "ref": "ab12cd34",
    "reference": "ab12cd34-0000-0000-0000-000000000000",
    "category": "Nid-de-poule",
    "commune": "Namur",
    "body": "Ville de Namur",
    "description": "",
    "planned_for": "2026-12-14",
    "reason": "Voirie privée",
    "follow_url": "https://pave.example.be/follow/TOKEN",
    "unsubscribe_url": "https://pave.example.be/follow/TOKEN/unsubscribe",
}


def test_the_resident_hears_of_receipt_of_following_and_of_the_four_steps():
    assert RESIDENT_KINDS == [
        "resident_acknowledged",
        "resident_following",
        "resident_planned",
        "resident_received",
        "resident_rejected",
        "resident_resolved",
    ]


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
@pytest.mark.parametrize("kind", RESIDENT_KINDS)
def test_each_resident_email_has_both_links(kind, language):
    email = render(kind, language, **VALUES)
    assert email.language == language
    assert "https://pave.example.be/follow/TOKEN\n" in email.body
    assert "https://pave.example.be/follow/TOKEN/unsubscribe\n" in email.body
    if kind == "resident_planned":
        assert "2026-12-14" in email.body
    if kind == "resident_rejected":
        assert "Voirie privée" in email.body


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_request_to_confirm_a_follow_carries_only_its_confirmation_link(language):
    values = {k: v for k, v in VALUES.items() if not k.endswith("_url")}
    confirm_url = "https://pave.example.be/follow/confirm/TOKEN"
    email = render(CONFIRM_KIND, language, **values, confirm_url=confirm_url, expires="X")
    assert email.language == language
    assert f"{confirm_url}\n" in email.body
    assert email.body.count("https://") == 1
    assert "ab12cd34" in email.subject


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_a_followers_email_does_not_offer_to_say_it_is_fixed(language):
    reporter = render("resident_resolved", language, **VALUES)
    follower = render("resident_resolved", language, **VALUES, link_role="follower")
    assert "https://pave.example.be/follow/TOKEN\n" in follower.body
    assert "https://pave.example.be/follow/TOKEN/unsubscribe\n" in follower.body
    assert follower.body != reporter.body
    fixed = {"fr": "réparé", "nl": "hersteld", "de": "behoben", "en": "fixed"}[language]
    footer = follower.body.split("\n\n")[-2:]
    assert not any(fixed in part for part in footer)
