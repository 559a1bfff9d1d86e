"""What a follower reads: the emails of a report they follow but did not make.

Kept apart from app.notify.messages, which picks these when a follow link is a follower's.
"""

from __future__ import annotations

from app.notify.handover_messages import FOLLOWER_HANDOVER
from app.notify.news_messages import FOLLOWER_NEWS

# A follower did not make the report: the steps they hear of name it as the report they
# follow, and never thank them for reporting it. Same kinds, same placeholders, plus
# $reason_line (see FOLLOWER_REASON).
FOLLOWER_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "resident_acknowledged": {
        "fr": (
            "Le signalement $ref que vous suivez a été pris en charge",
            "Bonjour,\n\n$body a pris en charge le signalement $ref que vous suivez "
            "($category, $commune).\nNous vous tiendrons informé de la suite.\n",
        ),
        "nl": (
            "De melding $ref die u volgt is in behandeling genomen",
            "Hallo,\n\n$body heeft de melding $ref die u volgt ($category, $commune) in "
            "behandeling genomen.\nWe houden u op de hoogte.\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, wird bearbeitet",
            "Guten Tag,\n\n$body hat die Meldung $ref ($category, $commune), der Sie folgen, "
            "übernommen.\nWir halten Sie auf dem Laufenden.\n",
        ),
        "en": (
            "The report $ref you follow has been acknowledged",
            "Hello,\n\n$body has acknowledged the report $ref you follow ($category, "
            "$commune).\nWe will keep you informed.\n",
        ),
    },
    "resident_planned": {
        "fr": (
            "Le signalement $ref que vous suivez est planifié",
            "Bonjour,\n\nL'intervention pour le signalement $ref que vous suivez ($category, "
            "$commune) est prévue le $planned_for.\n",
        ),
        "nl": (
            "De melding $ref die u volgt is ingepland",
            "Hallo,\n\nDe interventie voor de melding $ref die u volgt ($category, $commune) "
            "is gepland op $planned_for.\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, ist eingeplant",
            "Guten Tag,\n\nDer Einsatz für die Meldung $ref ($category, $commune), der Sie "
            "folgen, ist für den $planned_for geplant.\n",
        ),
        "en": (
            "The report $ref you follow has been planned",
            "Hello,\n\nThe work on the report $ref you follow ($category, $commune) is "
            "planned for $planned_for.\n",
        ),
    },
    "resident_resolved": {
        "fr": (
            "Le signalement $ref que vous suivez est résolu",
            "Bonjour,\n\n$body indique que le problème du signalement $ref que vous suivez "
            "($category, $commune) est résolu.\n",
        ),
        "nl": (
            "De melding $ref die u volgt is opgelost",
            "Hallo,\n\n$body meldt dat het probleem van de melding $ref die u volgt "
            "($category, $commune) is opgelost.\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, ist erledigt",
            "Guten Tag,\n\n$body teilt mit, dass das Problem der Meldung $ref ($category, "
            "$commune), der Sie folgen, behoben ist.\n",
        ),
        "en": (
            "The report $ref you follow is resolved",
            "Hello,\n\n$body says the problem of the report $ref you follow ($category, "
            "$commune) is fixed.\n",
        ),
    },
    "resident_rejected": {
        "fr": (
            "Le signalement $ref que vous suivez n'a pas été retenu",
            "Bonjour,\n\n$body n'a pas retenu le signalement $ref que vous suivez "
            "($category, $commune).\n$reason_line\n",
        ),
        "nl": (
            "De melding $ref die u volgt werd afgewezen",
            "Hallo,\n\n$body heeft de melding $ref die u volgt ($category, $commune) "
            "afgewezen.\n$reason_line\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, wurde abgelehnt",
            "Guten Tag,\n\n$body hat die Meldung $ref ($category, $commune), der Sie folgen, "
            "abgelehnt.\n$reason_line\n",
        ),
        "en": (
            "The report $ref you follow was rejected",
            "Hello,\n\n$body rejected the report $ref you follow ($category, $commune).\n"
            "$reason_line\n",
        ),
    },
}
# A reopening (by staff, or by the reporter's "not fixed") and a crew's public update.
FOLLOWER_TEMPLATES.update(FOLLOWER_NEWS)
FOLLOWER_TEMPLATES.update(FOLLOWER_HANDOVER)


# A follower's $reason_line: the reason when staff made it public, else (empty $reason) that
# the person who made the report was told it.
FOLLOWER_REASON: dict[str, tuple[str, str]] = {
    "fr": (
        "Motif : $reason",
        "Le motif n'a été communiqué qu'à la personne qui a fait le signalement.",
    ),
    "nl": (
        "Reden: $reason",
        "Het bestuur heeft de reden alleen meegedeeld aan wie de melding deed.",
    ),
    "de": (
        "Grund: $reason",
        "Der Grund wurde nur der Person mitgeteilt, die die Meldung gemacht hat.",
    ),
    "en": ("Reason: $reason", "The reason was given only to the person who made the report."),
}


# A follower's link reads and comments, and never says whether it is fixed: their footer
# offers only that.
FOLLOWER_FOOTER: dict[str, str] = {
    "fr": (
        "\nSuivre ce signalement ou écrire à l'administration :\n$follow_url\n\n"
        "Ne plus recevoir d'e-mails pour ce signalement :\n$unsubscribe_url\n"
    ),
    "nl": (
        "\nDeze melding volgen of het bestuur een bericht sturen:\n$follow_url\n\n"
        "Geen e-mails meer over deze melding:\n$unsubscribe_url\n"
    ),
    "de": (
        "\nDiese Meldung verfolgen oder der Verwaltung schreiben:\n$follow_url\n\n"
        "Keine E-Mails mehr zu dieser Meldung:\n$unsubscribe_url\n"
    ),
    "en": (
        "\nFollow this report or write to the administration:\n$follow_url\n\n"
        "Stop the emails about this report:\n$unsubscribe_url\n"
    ),
}
