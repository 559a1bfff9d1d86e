"""The emails of a ticket's news beside its status steps: it is reopened, or its crew posts a
public update. Merged into app.notify.messages (reporter) and follower_messages (follower).

Placeholders: those of every ticket email, plus $public_reason (the reopening's reason, a
line of its own, only when staff made it public; else empty) and $update (the public text
the crew wrote).
"""

from __future__ import annotations

# What the reporter reads. They hear of a reopening only when staff reopened the ticket: when
# they said "not fixed" themselves, nobody tells them what they just did.
REPORTER_NEWS: dict[str, dict[str, tuple[str, str]]] = {
    "resident_reopened": {
        "fr": (
            "Votre signalement $ref a été rouvert",
            "Bonjour,\n\n$body a rouvert votre signalement $ref ($category, $commune) : "
            "il sera traité à nouveau.\n$public_reason",
        ),
        "nl": (
            "Uw melding $ref is heropend",
            "Hallo,\n\n$body heeft uw melding $ref ($category, $commune) heropend: ze wordt "
            "opnieuw behandeld.\n$public_reason",
        ),
        "de": (
            "Ihre Meldung $ref wurde wieder eröffnet",
            "Guten Tag,\n\n$body hat Ihre Meldung $ref ($category, $commune) wieder eröffnet: "
            "sie wird erneut bearbeitet.\n$public_reason",
        ),
        "en": (
            "Your report $ref was reopened",
            "Hello,\n\n$body reopened your report $ref ($category, $commune): it will be "
            "handled again.\n$public_reason",
        ),
    },
    "resident_update": {
        "fr": (
            "Votre signalement $ref : un message de $body",
            "Bonjour,\n\n$body a publié un message sur votre signalement $ref ($category, "
            "$commune) :\n\n$update\n",
        ),
        "nl": (
            "Uw melding $ref: een bericht van $body",
            "Hallo,\n\n$body heeft een bericht geplaatst bij uw melding $ref ($category, "
            "$commune):\n\n$update\n",
        ),
        "de": (
            "Ihre Meldung $ref: eine Nachricht von $body",
            "Guten Tag,\n\n$body hat eine Nachricht zu Ihrer Meldung $ref ($category, "
            "$commune) veröffentlicht:\n\n$update\n",
        ),
        "en": (
            "Your report $ref: a message from $body",
            "Hello,\n\n$body posted a message on your report $ref ($category, $commune):\n\n"
            "$update\n",
        ),
    },
}

# What a follower reads: the same news of the report they follow, and the reporter's "not
# fixed" (which reopens it), a kind only followers get.
FOLLOWER_NEWS: dict[str, dict[str, tuple[str, str]]] = {
    "resident_reopened": {
        "fr": (
            "Le signalement $ref que vous suivez a été rouvert",
            "Bonjour,\n\n$body a rouvert le signalement $ref que vous suivez ($category, "
            "$commune) : il sera traité à nouveau.\n$public_reason",
        ),
        "nl": (
            "De melding $ref die u volgt is heropend",
            "Hallo,\n\n$body heeft de melding $ref die u volgt ($category, $commune) "
            "heropend: ze wordt opnieuw behandeld.\n$public_reason",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, wurde wieder eröffnet",
            "Guten Tag,\n\n$body hat die Meldung $ref ($category, $commune), der Sie folgen, "
            "wieder eröffnet: sie wird erneut bearbeitet.\n$public_reason",
        ),
        "en": (
            "The report $ref you follow was reopened",
            "Hello,\n\n$body reopened the report $ref you follow ($category, $commune): it "
            "will be handled again.\n$public_reason",
        ),
    },
    "resident_not_fixed": {
        "fr": (
            "Le signalement $ref que vous suivez a été rouvert",
            "Bonjour,\n\nLa personne qui a fait le signalement $ref que vous suivez "
            "($category, $commune) indique que le problème n'est pas réglé. Le signalement "
            "est rouvert et $body va le traiter à nouveau.\n",
        ),
        "nl": (
            "De melding $ref die u volgt is heropend",
            "Hallo,\n\nWie de melding $ref die u volgt ($category, $commune) deed, laat weten "
            "dat het probleem niet opgelost is. De melding is heropend en $body behandelt "
            "ze opnieuw.\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen, wurde wieder eröffnet",
            "Guten Tag,\n\nDie Meldung $ref ($category, $commune), der Sie folgen, wurde "
            "wieder eröffnet: Die Person, die sie gemacht hat, teilt mit, dass das Problem "
            "nicht behoben ist. $body bearbeitet sie erneut.\n",
        ),
        "en": (
            "The report $ref you follow was reopened",
            "Hello,\n\nThe person who made the report $ref you follow ($category, $commune) "
            "says the problem is not fixed. The report is reopened and $body will handle it "
            "again.\n",
        ),
    },
    "resident_update": {
        "fr": (
            "Le signalement $ref que vous suivez : un message de $body",
            "Bonjour,\n\n$body a publié un message sur le signalement $ref que vous suivez "
            "($category, $commune) :\n\n$update\n",
        ),
        "nl": (
            "De melding $ref die u volgt: een bericht van $body",
            "Hallo,\n\n$body heeft een bericht geplaatst bij de melding $ref die u volgt "
            "($category, $commune):\n\n$update\n",
        ),
        "de": (
            "Die Meldung $ref, der Sie folgen: eine Nachricht von $body",
            "Guten Tag,\n\n$body hat eine Nachricht zur Meldung $ref ($category, $commune), "
            "der Sie folgen, veröffentlicht:\n\n$update\n",
        ),
        "en": (
            "The report $ref you follow: a message from $body",
            "Hello,\n\n$body posted a message on the report $ref you follow ($category, "
            "$commune):\n\n$update\n",
        ),
    },
}

# $public_reason: the reopening's reason when it is public, as a line; nothing otherwise.
PUBLIC_REASON: dict[str, str] = {
    "fr": "Motif : $reason\n",
    "nl": "Reden: $reason\n",
    "de": "Grund: $reason\n",
    "en": "Reason: $reason\n",
}
