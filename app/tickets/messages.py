"""Email texts in the four languages of use, filled with string.Template."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from app.i18n import LANGUAGES

FALLBACK_LANGUAGE = "fr"

# kind → language → (subject, body). $-placeholders: ref (short ticket number), category,
# commune, body (the administration), planned_for, reason, description, reference (full id).
TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "resident_acknowledged": {
        "fr": (
            "Votre signalement $ref a été pris en charge",
            "Bonjour,\n\n$body a pris en charge votre signalement $ref ($category, $commune).\n"
            "Nous vous tiendrons informé de la suite.\n",
        ),
        "nl": (
            "Uw melding $ref is in behandeling genomen",
            "Hallo,\n\n$body heeft uw melding $ref ($category, $commune) in behandeling "
            "genomen.\nWe houden u op de hoogte.\n",
        ),
        "de": (
            "Ihre Meldung $ref wird bearbeitet",
            "Guten Tag,\n\n$body hat Ihre Meldung $ref ($category, $commune) übernommen.\n"
            "Wir halten Sie auf dem Laufenden.\n",
        ),
        "en": (
            "Your report $ref has been acknowledged",
            "Hello,\n\n$body has acknowledged your report $ref ($category, $commune).\n"
            "We will keep you informed.\n",
        ),
    },
    "resident_planned": {
        "fr": (
            "Votre signalement $ref est planifié",
            "Bonjour,\n\nL'intervention pour votre signalement $ref ($category, $commune) "
            "est prévue le $planned_for.\n",
        ),
        "nl": (
            "Uw melding $ref is ingepland",
            "Hallo,\n\nDe interventie voor uw melding $ref ($category, $commune) is gepland "
            "op $planned_for.\n",
        ),
        "de": (
            "Ihre Meldung $ref ist eingeplant",
            "Guten Tag,\n\nDer Einsatz für Ihre Meldung $ref ($category, $commune) ist für "
            "den $planned_for geplant.\n",
        ),
        "en": (
            "Your report $ref has been planned",
            "Hello,\n\nThe work on your report $ref ($category, $commune) is planned for "
            "$planned_for.\n",
        ),
    },
    "resident_resolved": {
        "fr": (
            "Votre signalement $ref est résolu",
            "Bonjour,\n\n$body indique que le problème signalé ($category, $commune) est "
            "résolu. Merci pour votre signalement.\n",
        ),
        "nl": (
            "Uw melding $ref is opgelost",
            "Hallo,\n\n$body meldt dat het gemelde probleem ($category, $commune) is "
            "opgelost. Bedankt voor uw melding.\n",
        ),
        "de": (
            "Ihre Meldung $ref ist erledigt",
            "Guten Tag,\n\n$body teilt mit, dass das gemeldete Problem ($category, $commune) "
            "behoben ist. Danke für Ihre Meldung.\n",
        ),
        "en": (
            "Your report $ref is resolved",
            "Hello,\n\n$body says the problem you reported ($category, $commune) is fixed. "
            "Thank you for reporting it.\n",
        ),
    },
    "resident_rejected": {
        "fr": (
            "Votre signalement $ref n'a pas été retenu",
            "Bonjour,\n\n$body n'a pas retenu votre signalement $ref ($category, $commune).\n"
            "Motif : $reason\n",
        ),
        "nl": (
            "Uw melding $ref werd afgewezen",
            "Hallo,\n\n$body heeft uw melding $ref ($category, $commune) afgewezen.\n"
            "Reden: $reason\n",
        ),
        "de": (
            "Ihre Meldung $ref wurde abgelehnt",
            "Guten Tag,\n\n$body hat Ihre Meldung $ref ($category, $commune) abgelehnt.\n"
            "Grund: $reason\n",
        ),
        "en": (
            "Your report $ref was rejected",
            "Hello,\n\n$body rejected your report $ref ($category, $commune).\nReason: $reason\n",
        ),
    },
    "body_new_report": {
        "fr": (
            "Nouveau signalement $ref : $category à $commune",
            "Un nouveau signalement vous a été attribué.\n\nRéférence : $reference\n"
            "Catégorie : $category\nCommune : $commune\nDescription : $description\n",
        ),
        "nl": (
            "Nieuwe melding $ref: $category in $commune",
            "Er is een nieuwe melding aan u toegewezen.\n\nReferentie: $reference\n"
            "Categorie: $category\nGemeente: $commune\nBeschrijving: $description\n",
        ),
        "de": (
            "Neue Meldung $ref: $category in $commune",
            "Ihnen wurde eine neue Meldung zugewiesen.\n\nReferenz: $reference\n"
            "Kategorie: $category\nGemeinde: $commune\nBeschreibung: $description\n",
        ),
        "en": (
            "New report $ref: $category in $commune",
            "A new report was routed to you.\n\nReference: $reference\n"
            "Category: $category\nCommune: $commune\nDescription: $description\n",
        ),
    },
}


@dataclass(frozen=True)
class Email:
    language: str
    subject: str
    body: str


def render(kind: str, language: str | None, **values: object) -> Email:
    """The message of `kind` in `language` (French when it is not one of ours)."""
    lang = language if language in LANGUAGES else FALLBACK_LANGUAGE
    subject, body = TEMPLATES[kind][lang]
    text = {key: "" if value is None else str(value) for key, value in values.items()}
    return Email(
        language=lang,
        subject=Template(subject).substitute(text),
        body=Template(body).substitute(text),
    )
