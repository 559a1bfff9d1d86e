"""docs/privacy.md and the resident app's privacy page say the same thing, and
the period they give is the one the purge applies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.config import Config

ROOT = Path(__file__).resolve().parents[2]
KEYS = (
    "privacy.what",
    "privacy.public",
    "privacy.photos",
    "privacy.followers",
    "privacy.retention",
    "privacy.contact",
)
NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}


def privacy_section() -> str:
    return (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", sorted(NAMES))
def test_the_privacy_doc_gives_the_apps_policy_word_for_word(lang):
    strings = json.loads((ROOT / "pwa/src/i18n" / f"{lang}.json").read_text(encoding="utf-8"))

    paragraph = f"**{NAMES[lang]}.** " + " ".join(strings[key] for key in KEYS)

    assert paragraph in privacy_section()
    days = re.match(r"\d+", strings["privacy.retention"]).group()
    assert int(days) == Config.PRIVACY_RETENTION_DAYS
