"""Issue 16's whole round trip between two real Pavés, sender and pull together: a report filed
on A reaches B as one ticket although B's answer to the send is lost; B's crew resolves it with
a text; A's status pull brings "resolved" and B's words to A's resident, by email and on the
follow page. No row is made by hand on either side."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.delivery.crypto import box_from_config
from app.delivery.pull import StatusPull
from app.notify.worker import drain
from tests.helpers.delivery import (
    delivery,
    file_report,
    follow_token,
    make_due,
    row,
    send_due,
    texts_to,
    tickets_on,
    work_on,
)

BRUSSELS = "commune-21004"
RESIDENT = "marie.aller-retour@example.org"


def test_a_report_reaches_b_once_and_bs_resolution_reaches_as_resident(a, b, proxy, smtp, sender):
    description = "Nid-de-poule rue de la Loi, devant le numéro 16"
    report_id = file_report(a, description, photo=False, name="Marie Peeters", email=RESIDENT)

    # B makes the ticket, and its answer is lost on the way back to A.
    proxy.drop_answers(1)
    lost = send_due(a)
    assert lost.sent == 0 and "unknown outcome" in lost.errors[0], lost.errors
    make_due(a, report_id)
    found = send_due(a)
    assert (found.reconciled, found.sent) == (1, 0), found.errors
    [ticket] = tickets_on(b, description)
    assert delivery(a, report_id).remote_id == str(ticket.id)

    words = "Réparé ce matin par l'équipe voirie, merci pour le signalement !"
    work_on(b, str(ticket.id), "acknowledged", "resolved", text=words)
    pull = StatusPull(box_from_config(a.app.config), allow_private=True, batch=50)
    with Session(a.engine) as session:
        pulled = pull.pull_body(session, a.body_id(BRUSSELS))
    assert pulled.error is None

    status = row(a, "SELECT status FROM reports WHERE id = :id", id=report_id).status
    assert status == "resolved"
    assert drain(a.engine, sender).failed == 0
    mails = texts_to(smtp.messages, RESIDENT)
    assert any("est résolu" in subject for subject, _ in mails), [s for s, _ in mails]
    assert any(words in body for _, body in mails)
    page = a.app.test_client().get(f"/api/v1/follow/{follow_token(smtp.messages, RESIDENT)}")
    seen = page.get_json()
    assert seen["history"][-1]["to_status"] == "resolved"
    assert words in [update["body"] for update in seen["updates"]]
    # Still one ticket on B after all of it.
    assert len(tickets_on(b, description)) == 1
