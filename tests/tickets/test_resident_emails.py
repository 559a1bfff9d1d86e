"""Every email to a resident, in each language, carries their follow and unsubscribe links."""

from __future__ import annotations

import pytest

from app.tickets.messages import TEMPLATES, render

RESIDENT_KINDS = sorted(kind for kind in TEMPLATES if kind.startswith("resident_"))
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
