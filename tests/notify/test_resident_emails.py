"""Every email to a resident, in each language, carries their follow and unsubscribe links."""

from __future__ import annotations

import pytest

from app.notify.follower_messages import FOLLOWER_REASON, FOLLOWER_TEMPLATES
from app.notify.messages import TEMPLATES, render
from app.tickets.services import RESIDENT_NOTIFIED

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
    "update": "Le bitume arrive lundi 14.",
    "follow_url": "https://pave.example.be/follow/TOKEN",
    "unsubscribe_url": "https://pave.example.be/follow/TOKEN/unsubscribe",
}


def test_the_resident_hears_of_receipt_of_following_of_each_step_and_the_news():
    assert RESIDENT_KINDS == [
        "resident_acknowledged",
        "resident_duplicate",
        "resident_following",
        "resident_planned",
        "resident_received",
        "resident_rejected",
        "resident_reopened",
        "resident_resolved",
        "resident_transferred",
        "resident_update",
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
    if kind in ("resident_rejected", "resident_reopened", "resident_transferred"):
        assert "Voirie privée" in email.body
    if kind == "resident_update":
        assert "\n\nLe bitume arrive lundi 14.\n" in email.body


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


# Every email a follower (a neighbour who confirmed, or the reporter of a merged duplicate)
# can get: each step the reporter hears of, and the welcome once they follow.
STEPS = sorted(f"resident_{status.value}" for status in RESIDENT_NOTIFIED)
# And the news: a reopening (by staff, or by the reporter's "not fixed"), a public update.
NEWS = ["resident_reopened", "resident_not_fixed", "resident_update"]
FOLLOWER_KINDS = [*STEPS, *NEWS, "resident_following"]
# What only the reporter may read: "your report", and thanks for making it.
REPORTERS_WORDS = {
    "fr": ("votre signalement", "merci"),
    "nl": ("uw melding", "bedankt"),
    "de": ("ihre meldung", "danke"),
    "en": ("your report", "thank you", "you reported"),
}
FOLLOWED = {
    "fr": "le signalement ab12cd34 que vous suivez",
    "nl": "de melding ab12cd34 die u volgt",
    "de": "die meldung ab12cd34, der sie folgen",
    "en": "the report ab12cd34 you follow",
}


def test_a_follower_hears_of_each_step_the_news_and_of_following():
    assert FOLLOWER_KINDS == [
        "resident_acknowledged",
        "resident_duplicate",
        "resident_planned",
        "resident_rejected",
        "resident_resolved",
        "resident_transferred",
        "resident_reopened",
        "resident_not_fixed",
        "resident_update",
        "resident_following",
    ]
    # "You follow" is written to followers only, with the reporter's text of the kind.
    assert set(FOLLOWER_KINDS) == {*FOLLOWER_TEMPLATES, "resident_following"}


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
@pytest.mark.parametrize("kind", FOLLOWER_KINDS)
def test_a_followers_email_speaks_to_a_follower(kind, language):
    email = render(kind, language, **VALUES, link_role="follower")
    text = f"{email.subject}\n{email.body}".lower()
    for words in REPORTERS_WORDS[language]:
        assert words not in text, (kind, language, words)
    assert "https://pave.example.be/follow/TOKEN\n" in email.body
    if kind != "resident_following":
        assert email.subject.lower().startswith(FOLLOWED[language])
        assert FOLLOWED[language].split("ab12cd34")[1].strip(", ") in email.body.lower()


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
@pytest.mark.parametrize("kind", [*STEPS, "resident_reopened", "resident_update"])
def test_the_reporters_email_still_speaks_of_their_report(kind, language):
    email = render(kind, language, **VALUES, link_role="reporter")
    assert email == render(kind, language, **VALUES)
    yours = {"fr": "Votre signalement", "nl": "Uw melding", "de": "Ihre Meldung"}
    assert email.subject.startswith(yours.get(language, "Your report"))
    if kind == "resident_resolved":
        thanks = {"fr": "Merci", "nl": "Bedankt", "de": "Danke", "en": "Thank you"}[language]
        assert thanks in email.body


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("fr", "Le motif n'a été communiqué qu'à la personne qui a fait le signalement."),
        ("nl", "Het bestuur heeft de reden alleen meegedeeld aan wie de melding deed."),
        ("de", "Der Grund wurde nur der Person mitgeteilt, die die Meldung gemacht hat."),
        ("en", "The reason was given only to the person who made the report."),
    ],
)
def test_a_follower_reads_the_public_reason_or_that_the_reporter_was_told(language, told):
    public = render("resident_rejected", language, **VALUES, link_role="follower")
    assert "Voirie privée" in public.body
    assert told not in public.body
    withheld = VALUES | {"reason": ""}
    private = render("resident_rejected", language, **withheld, link_role="follower")
    assert f".\n{told}\n" in private.body
    assert "Voirie privée" not in private.body


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
@pytest.mark.parametrize("role", ["reporter", "follower"])
def test_a_reopening_gives_its_reason_only_when_there_is_a_public_one(language, role):
    reason = {"fr": "Motif : ", "nl": "Reden: ", "de": "Grund: ", "en": "Reason: "}[language]
    told = render("resident_reopened", language, **VALUES, link_role=role)
    assert f"\n{reason}Voirie privée\n" in told.body
    silent = render("resident_reopened", language, **VALUES | {"reason": ""}, link_role=role)
    assert reason.strip() not in silent.body
    # Without a reason, nothing says one was kept from the reader.
    assert FOLLOWER_REASON[language][1] not in silent.body
