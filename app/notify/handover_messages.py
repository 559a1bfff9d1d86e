"""The emails of a ticket handed on: merged into another report of the same problem (a
duplicate), or transferred to the body responsible for it. Merged into app.notify.messages
(reporter) and follower_messages (follower).

Placeholders: those of every ticket email ($body is the body that merged it, or the one it is
transferred to), plus $public_reason: the transfer's reason as a line, when the reader may read
it (the reporter always, a follower when staff made it public); else empty. A duplicate's
email names no original: the original may be a report published only as an area.
"""

from __future__ import annotations

REPORTER_HANDOVER: dict[str, dict[str, tuple[str, str]]] = {
    "resident_duplicate": {
        "fr": (
            "Votre signalement $ref rejoint un signalement du même problème",
            "Bonjour,\n\n$body a relié votre signalement $ref ($category, $commune) à un autre "
            "signalement du même problème. Vous suivez désormais celui-ci : ses prochaines "
            "nouvelles vous arriveront par e-mail. Où il en est : sur la page de suivi.\n",
        ),
        "nl": (
            "Uw melding $ref is gekoppeld aan een melding van hetzelfde probleem",
            "Hallo,\n\n$body heeft uw melding $ref ($category, $commune) gekoppeld aan een "
            "andere melding van hetzelfde probleem. U volgt voortaan die melding: haar verdere "
            "nieuws krijgt u per e-mail. Hoe ver ze staat, ziet u op de volgpagina.\n",
        ),
        "de": (
            "Ihre Meldung $ref wurde mit einer Meldung desselben Problems verknüpft",
            "Guten Tag,\n\n$body hat Ihre Meldung $ref ($category, $commune) mit einer anderen "
            "Meldung desselben Problems verknüpft. Sie folgen nun dieser Meldung: weitere "
            "Neuigkeiten erhalten Sie per E-Mail. Den Stand sehen Sie auf der Folgeseite.\n",
        ),
        "en": (
            "Your report $ref joins a report of the same problem",
            "Hello,\n\n$body has linked your report $ref ($category, $commune) to another "
            "report of the same problem. You now follow that one: its next news will reach "
            "you by email. Where it stands: on the follow page.\n",
        ),
    },
    "resident_transferred": {
        "fr": (
            "Votre signalement $ref a été transmis à $body",
            "Bonjour,\n\nVotre signalement $ref ($category, $commune) a été transmis à "
            "l'organisme qui en a la charge : $body.\n$public_reason",
        ),
        "nl": (
            "Uw melding $ref is doorgestuurd naar $body",
            "Hallo,\n\nUw melding $ref ($category, $commune) is doorgestuurd naar de "
            "bevoegde instantie: $body.\n$public_reason",
        ),
        "de": (
            "Ihre Meldung $ref wurde an $body weitergeleitet",
            "Guten Tag,\n\nIhre Meldung $ref ($category, $commune) wurde an die zuständige "
            "Stelle weitergeleitet: $body.\n$public_reason",
        ),
        "en": (
            "Your report $ref was transferred to $body",
            "Hello,\n\nYour report $ref ($category, $commune) was transferred to the body "
            "responsible for it: $body.\n$public_reason",
        ),
    },
}

FOLLOWER_HANDOVER: dict[str, dict[str, tuple[str, str]]] = {
    "resident_duplicate": {
        "fr": (
            "Le signalement $ref que vous suivez rejoint un signalement du même problème",
            "Bonjour,\n\n$body a relié le signalement $ref que vous suivez ($category, "
            "$commune) à un autre signalement du même problème. Vous suivez désormais "
            "celui-ci : ses prochaines nouvelles vous arriveront par e-mail. Où il en est : "
            "sur la page de suivi.\n",
        ),
        "nl": (
            "De melding $ref die u volgt is gekoppeld aan een melding van hetzelfde probleem",
            "Hallo,\n\n$body heeft de melding $ref die u volgt ($category, $commune) gekoppeld "
            "aan een andere melding van hetzelfde probleem. U volgt voortaan die melding: haar "
            "verdere nieuws krijgt u per e-mail. Hoe ver ze staat, ziet u op de volgpagina.\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, wurde mit einer Meldung desselben Problems "
            "verknüpft",
            "Guten Tag,\n\n$body hat die Meldung $ref ($category, $commune), der Sie folgen, "
            "mit einer anderen Meldung desselben Problems verknüpft. Sie folgen nun dieser "
            "Meldung: weitere Neuigkeiten erhalten Sie per E-Mail. Den Stand sehen Sie auf der "
            "Folgeseite.\n",
        ),
        "en": (
            "The report $ref you follow joins a report of the same problem",
            "Hello,\n\n$body has linked the report $ref you follow ($category, $commune) to "
            "another report of the same problem. You now follow that one: its next news will "
            "reach you by email. Where it stands: on the follow page.\n",
        ),
    },
    "resident_transferred": {
        "fr": (
            "Le signalement $ref que vous suivez a été transmis à $body",
            "Bonjour,\n\nLe signalement $ref que vous suivez ($category, $commune) a été "
            "transmis à l'organisme qui en a la charge : $body.\n$public_reason",
        ),
        "nl": (
            "De melding $ref die u volgt is doorgestuurd naar $body",
            "Hallo,\n\nDe melding $ref die u volgt ($category, $commune) is doorgestuurd naar "
            "de bevoegde instantie: $body.\n$public_reason",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, wurde an $body weitergeleitet",
            "Guten Tag,\n\nDie Meldung $ref ($category, $commune), der Sie folgen, wurde an "
            "die zuständige Stelle weitergeleitet: $body.\n$public_reason",
        ),
        "en": (
            "The report $ref you follow was transferred to $body",
            "Hello,\n\nThe report $ref you follow ($category, $commune) was transferred to "
            "the body responsible for it: $body.\n$public_reason",
        ),
    },
}
