"""The emails to a body (the administration that handles a ticket), in the four languages.

What an administration needs to act without opening Pavé: the category, the place (commune,
coordinates and a map link: Pavé stores no street address), the description, who reported it
and how to reach them (only in these emails, never in a resident's or a public answer), the
reference with the crew screen's link; the photo links and the note on replies are added when
the worker sends the message (app/delivery/body_email.py), so that photos uploaded after the
report are in it.
"""

from __future__ import annotations

# kind → language → (subject, body); the placeholders are filled by app/notify/messages.render
# with app/notify/notifications.body_values.
BODY_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "body_new_report": {
        "fr": (
            "Nouveau signalement $ref : $category à $commune",
            "Un nouveau signalement vous a été attribué.\n\n"
            "Catégorie : $category\nCommune : $commune\n"
            "Coordonnées (WGS 84) : $coordinates\nCarte : $map_url\n\n"
            "Description :\n$description\n\nSignalé par : $reporter\n\n"
            "Référence : $ref ($reference)\nÉcran des équipes : $ticket_url\n",
        ),
        "nl": (
            "Nieuwe melding $ref: $category in $commune",
            "Er is een nieuwe melding aan u toegewezen.\n\n"
            "Categorie: $category\nGemeente: $commune\n"
            "Coördinaten (WGS 84): $coordinates\nKaart: $map_url\n\n"
            "Beschrijving:\n$description\n\nGemeld door: $reporter\n\n"
            "Referentie: $ref ($reference)\nScherm van de ploegen: $ticket_url\n",
        ),
        "de": (
            "Neue Meldung $ref: $category in $commune",
            "Ihnen wurde eine neue Meldung zugewiesen.\n\n"
            "Kategorie: $category\nGemeinde: $commune\n"
            "Koordinaten (WGS 84): $coordinates\nKarte: $map_url\n\n"
            "Beschreibung:\n$description\n\nGemeldet von: $reporter\n\n"
            "Referenz: $ref ($reference)\nBildschirm der Teams: $ticket_url\n",
        ),
        "en": (
            "New report $ref: $category in $commune",
            "A new report was routed to you.\n\n"
            "Category: $category\nCommune: $commune\n"
            "Coordinates (WGS 84): $coordinates\nMap: $map_url\n\n"
            "Description:\n$description\n\nReported by: $reporter\n\n"
            "Reference: $ref ($reference)\nCrew screen: $ticket_url\n",
        ),
    },
    "body_digest": {
        "fr": (
            "Nouveaux signalements du jour : $count",
            "Voici les signalements reçus depuis le $since :\n\n$items\n",
        ),
        "nl": (
            "Nieuwe meldingen van de dag: $count",
            "Dit zijn de meldingen ontvangen sinds $since:\n\n$items\n",
        ),
        "de": (
            "Neue Meldungen des Tages: $count",
            "Hier die seit $since eingegangenen Meldungen:\n\n$items\n",
        ),
        "en": (
            "New reports of the day: $count",
            "These are the reports received since $since:\n\n$items\n",
        ),
    },
}

# What stands for a missing description or a reporter who left no name nor contact.
NONE_GIVEN: dict[str, str] = {
    "fr": "(non communiqué)",
    "nl": "(niet opgegeven)",
    "de": "(nicht angegeben)",
    "en": "(not given)",
}

# The labels of a ticket's lines in the daily digest, with their colon as each language writes it.
DIGEST_LABELS: dict[str, dict[str, str]] = {
    "fr": {"map": "Carte :", "ticket": "Écran des équipes :", "reporter": "Signalé par :"},
    "nl": {"map": "Kaart:", "ticket": "Scherm van de ploegen:", "reporter": "Gemeld door:"},
    "de": {"map": "Karte:", "ticket": "Bildschirm der Teams:", "reporter": "Gemeldet von:"},
    "en": {"map": "Map:", "ticket": "Crew screen:", "reporter": "Reported by:"},
}

# Added by the worker when it sends: the photos, as links to their display image.
PHOTOS_SECTION: dict[str, str] = {
    "fr": "\nPhotos : $count\n$links\n",
    "nl": "\nFoto's: $count\n$links\n",
    "de": "\nFotos: $count\n$links\n",
    "en": "\nPhotos: $count\n$links\n",
}

# And what becomes of a reply: with INBOUND_EMAIL_DOMAIN, it reaches the ticket's timeline.
REPLY_READ: dict[str, str] = {
    "fr": (
        "\nRépondez à cet e-mail pour ajouter une note interne au ticket $ref : seul le texte "
        "de votre réponse est gardé, visible par les équipes et jamais par le citoyen.\n"
    ),
    "nl": (
        "\nBeantwoord deze e-mail om een interne notitie aan ticket $ref toe te voegen: alleen "
        "de tekst van uw antwoord wordt bewaard, zichtbaar voor de ploegen en nooit voor de "
        "burger.\n"
    ),
    "de": (
        "\nAntworten Sie auf diese E-Mail, um dem Ticket $ref eine interne Notiz hinzuzufügen: "
        "nur der Text Ihrer Antwort wird gespeichert, sichtbar für die Teams und nie für die "
        "meldende Person.\n"
    ),
    "en": (
        "\nReply to this email to add an internal note to ticket $ref: only the text of your "
        "reply is kept, seen by the crews and never by the resident.\n"
    ),
}
# Without it, no reply is read, and the email says so.
REPLY_NOT_READ: dict[str, str] = {
    "fr": (
        "\nLes réponses à cet e-mail ne sont pas lues. Pour suivre ou mettre à jour ce "
        "signalement, ouvrez-le dans l'écran des équipes par le lien ci-dessus.\n"
    ),
    "nl": (
        "\nAntwoorden op deze e-mail worden niet gelezen. Open deze melding met de link "
        "hierboven in het scherm van de ploegen om ze op te volgen of bij te werken.\n"
    ),
    "de": (
        "\nAntworten auf diese E-Mail werden nicht gelesen. Um diese Meldung zu verfolgen oder "
        "zu aktualisieren, öffnen Sie sie über den Link oben im Bildschirm der Teams.\n"
    ),
    "en": (
        "\nReplies to this email are not read. To follow or update this report, open it on "
        "the crew screen through the link above.\n"
    ),
}
# The digest names several tickets: replies to it are never read.
DIGEST_REPLY_NOT_READ: dict[str, str] = {
    "fr": (
        "\nLes réponses à cet e-mail ne sont pas lues : ouvrez chaque signalement par son lien "
        "vers l'écran des équipes.\n"
    ),
    "nl": (
        "\nAntwoorden op deze e-mail worden niet gelezen: open elke melding via haar link naar "
        "het scherm van de ploegen.\n"
    ),
    "de": (
        "\nAntworten auf diese E-Mail werden nicht gelesen: öffnen Sie jede Meldung über ihren "
        "Link zum Bildschirm der Teams.\n"
    ),
    "en": (
        "\nReplies to this email are not read: open each report through its link to the crew "
        "screen.\n"
    ),
}
