"""Email texts in the four languages of use, filled with string.Template."""

from __future__ import annotations

from dataclasses import dataclass
from string import Template

from app.i18n import LANGUAGES
from app.notify.body_messages import BODY_TEMPLATES
from app.notify.follower_messages import FOLLOWER_FOOTER, FOLLOWER_REASON, FOLLOWER_TEMPLATES
from app.notify.handover_messages import REPORTER_HANDOVER
from app.notify.news_messages import PUBLIC_REASON, REPORTER_NEWS
from app.urls import public_url

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
    "resident_received": {
        "fr": (
            "Nous avons bien reçu votre signalement $ref",
            "Bonjour,\n\nMerci ! Votre signalement $ref ($category, $commune) a été transmis "
            "à $body.\n",
        ),
        "nl": (
            "Wij hebben uw melding $ref goed ontvangen",
            "Hallo,\n\nBedankt! Uw melding $ref ($category, $commune) werd doorgestuurd naar "
            "$body.\n",
        ),
        "de": (
            "Wir haben Ihre Meldung $ref erhalten",
            "Guten Tag,\n\nDanke! Ihre Meldung $ref ($category, $commune) wurde an $body "
            "weitergeleitet.\n",
        ),
        "en": (
            "We have received your report $ref",
            "Hello,\n\nThank you! Your report $ref ($category, $commune) was sent to $body.\n",
        ),
    },
    "resident_following": {
        "fr": (
            "Vous suivez le signalement $ref",
            "Bonjour,\n\nVous suivez désormais le signalement $ref ($category, $commune), "
            "traité par $body. Vous recevrez un e-mail à chaque étape.\n",
        ),
        "nl": (
            "U volgt melding $ref",
            "Hallo,\n\nU volgt nu melding $ref ($category, $commune), behandeld door $body. "
            "U krijgt een e-mail bij elke stap.\n",
        ),
        "de": (
            "Sie verfolgen die Meldung $ref",
            "Guten Tag,\n\nSie verfolgen jetzt die Meldung $ref ($category, $commune), "
            "bearbeitet von $body. Sie erhalten bei jedem Schritt eine E-Mail.\n",
        ),
        "en": (
            "You follow report $ref",
            "Hello,\n\nYou now follow report $ref ($category, $commune), handled by $body. "
            "You will get an email at each step.\n",
        ),
    },
    "resident_follow_confirm": {
        "fr": (
            "Confirmez le suivi du signalement $ref",
            "Bonjour,\n\nQuelqu'un a demandé à suivre le signalement $ref ($category, "
            "$commune) avec cette adresse e-mail. Pour le suivre, confirmez avec ce lien "
            "avant le $expires :\n$confirm_url\n\nSi ce n'était pas vous, ignorez ce "
            "message : vous ne recevrez rien d'autre.\n",
        ),
        "nl": (
            "Bevestig het volgen van melding $ref",
            "Hallo,\n\nIemand heeft gevraagd om melding $ref ($category, $commune) te volgen "
            "met dit e-mailadres. Bevestig met deze link vóór $expires om ze te volgen:\n"
            "$confirm_url\n\nWas u dit niet, negeer dan dit bericht: u krijgt niets meer.\n",
        ),
        "de": (
            "Bestätigen Sie, dass Sie die Meldung $ref verfolgen",
            "Guten Tag,\n\nJemand hat mit dieser E-Mail-Adresse angefragt, die Meldung $ref "
            "($category, $commune) zu verfolgen. Bestätigen Sie dies mit diesem Link vor dem "
            "$expires:\n$confirm_url\n\nWaren Sie das nicht, ignorieren Sie diese "
            "Nachricht: Sie erhalten nichts weiter.\n",
        ),
        "en": (
            "Confirm that you follow report $ref",
            "Hello,\n\nSomeone asked to follow report $ref ($category, $commune) with this "
            "email address. To follow it, confirm with this link before $expires:\n"
            "$confirm_url\n\nIf it was not you, ignore this message: nothing else will "
            "be sent.\n",
        ),
    },
    "staff_invitation": {
        "fr": (
            "Invitation à rejoindre Pavé",
            "Bonjour $name,\n\nVous êtes invité·e à rejoindre Pavé ($role, $scope).\n"
            "Choisissez votre mot de passe avec ce lien, valable une fois jusqu'au $expires :\n"
            "$link\n",
        ),
        "nl": (
            "Uitnodiging voor Pavé",
            "Hallo $name,\n\nU bent uitgenodigd voor Pavé ($role, $scope).\n"
            "Kies uw wachtwoord met deze link, eenmaal geldig tot $expires:\n$link\n",
        ),
        "de": (
            "Einladung zu Pavé",
            "Guten Tag $name,\n\nSie wurden zu Pavé eingeladen ($role, $scope).\n"
            "Wählen Sie Ihr Passwort mit diesem Link, einmal gültig bis $expires:\n$link\n",
        ),
        "en": (
            "Invitation to Pavé",
            "Hello $name,\n\nYou are invited to Pavé ($role, $scope).\n"
            "Choose your password with this link, valid once until $expires:\n$link\n",
        ),
    },
    "staff_password_reset": {
        "fr": (
            "Nouveau mot de passe pour Pavé",
            "Bonjour $name,\n\nVotre responsable a demandé un nouveau mot de passe pour votre "
            "compte Pavé.\nChoisissez-le avec ce lien, valable une fois jusqu'au $expires :\n"
            "$link\n\nVos sessions ouvertes se fermeront.\n",
        ),
        "nl": (
            "Nieuw wachtwoord voor Pavé",
            "Hallo $name,\n\nUw verantwoordelijke heeft een nieuw wachtwoord voor uw "
            "Pavé-account aangevraagd.\nKies het met deze link, eenmaal geldig tot $expires:\n"
            "$link\n\nUw open sessies worden afgesloten.\n",
        ),
        "de": (
            "Neues Passwort für Pavé",
            "Guten Tag $name,\n\nIhre Verantwortlichen haben ein neues Passwort für Ihr "
            "Pavé-Konto angefordert.\nWählen Sie es mit diesem Link, einmal gültig bis "
            "$expires:\n$link\n\nIhre offenen Sitzungen werden beendet.\n",
        ),
        "en": (
            "New password for Pavé",
            "Hello $name,\n\nYour manager asked for a new password for your Pavé account.\n"
            "Choose it with this link, valid once until $expires:\n$link\n\n"
            "Your open sessions will end.\n",
        ),
    },
}
# A reopening and a crew's public update (app.notify.news_messages).
TEMPLATES.update(REPORTER_NEWS)
TEMPLATES.update(REPORTER_HANDOVER)
# The emails to a body: a new ticket, the daily digest (app.notify.body_messages).
TEMPLATES.update(BODY_TEMPLATES)


# A staff member's role as their invitation names it, in the email's language.
STAFF_ROLES: dict[str, dict[str, str]] = {
    "fr": {
        "crew_member": "membre d'équipe",
        "commune_manager": "responsable communal",
        "region_reviewer": "contrôleur régional",
        "administrator": "administrateur",
    },
    "nl": {
        "crew_member": "ploeglid",
        "commune_manager": "gemeentelijk verantwoordelijke",
        "region_reviewer": "regionaal controleur",
        "administrator": "beheerder",
    },
    "de": {
        "crew_member": "Teammitglied",
        "commune_manager": "Gemeindeverantwortliche(r)",
        "region_reviewer": "regionale Prüfung",
        "administrator": "Administrator",
    },
    "en": {
        "crew_member": "crew member",
        "commune_manager": "commune manager",
        "region_reviewer": "regional reviewer",
        "administrator": "administrator",
    },
}


# Every email to a resident ends with their private link: follow the ticket, comment, say
# whether it is fixed, or stop the emails. Kept apart from the texts above so that no
# template can forget it.
RESIDENT_FOOTER: dict[str, str] = {
    "fr": (
        "\nSuivre votre signalement, ajouter un commentaire ou nous dire s'il est réparé :\n"
        "$follow_url\n\nNe plus recevoir d'e-mails pour ce signalement :\n$unsubscribe_url\n"
    ),
    "nl": (
        "\nUw melding volgen, een opmerking toevoegen of laten weten of het hersteld is:\n"
        "$follow_url\n\nGeen e-mails meer over deze melding:\n$unsubscribe_url\n"
    ),
    "de": (
        "\nIhre Meldung verfolgen, einen Kommentar hinzufügen oder mitteilen, ob das Problem "
        "behoben ist:\n$follow_url\n\nKeine E-Mails mehr zu dieser Meldung:\n"
        "$unsubscribe_url\n"
    ),
    "en": (
        "\nFollow your report, add a comment or tell us whether it is fixed:\n$follow_url\n\n"
        "Stop the emails about this report:\n$unsubscribe_url\n"
    ),
}


# And where to read who runs the service and what it keeps: the app's About page.
ABOUT_PATH = "/#/about"
ABOUT_FOOTER: dict[str, str] = {
    "fr": "\nQui gère Pavé, ce qu'il garde de vous et combien de temps :\n$about_url\n",
    "nl": "\nWie Pavé beheert, wat het van u bewaart en hoe lang:\n$about_url\n",
    "de": "\nWer Pavé betreibt, was es von Ihnen speichert und wie lange:\n$about_url\n",
    "en": "\nWho runs Pavé, what it keeps about you and for how long:\n$about_url\n",
}


@dataclass(frozen=True)
class Email:
    language: str
    subject: str
    body: str


def render(kind: str, language: str | None, **values: object) -> Email:
    """The message of `kind` in `language` (French when it is not one of ours).

    A `follow_url` (with its `unsubscribe_url`) adds the resident's footer to the body. When
    the link is a follower's (`link_role` "follower"), the follower's text of the kind (if it
    has one) and footer are used instead of the reporter's.
    """
    lang = language if language in LANGUAGES else FALLBACK_LANGUAGE
    text = {key: "" if value is None else str(value) for key, value in values.items()}
    follower = text.get("link_role") == "follower"
    own = FOLLOWER_TEMPLATES.get(kind) if follower else None
    subject, body = (own or TEMPLATES[kind])[lang]
    reason = PUBLIC_REASON[lang] if text.get("reason") else ""
    text["public_reason"] = Template(reason).substitute(text)
    if follower:
        given, withheld = FOLLOWER_REASON[lang]
        text["reason_line"] = Template(given if text.get("reason") else withheld).substitute(text)
    if text.get("follow_url"):
        body += (FOLLOWER_FOOTER if follower else RESIDENT_FOOTER)[lang] + ABOUT_FOOTER[lang]
        text["about_url"] = public_url(ABOUT_PATH)
    return Email(
        language=lang,
        subject=Template(subject).substitute(text),
        body=Template(body).substitute(text),
    )
