"""The status pull from a remote that offers no servicerequestupdates (a commune system that is
not Pavé, a tiny fake here: "the outside world"): GET requests/{id} of the open tickets, in
bounded batches, and what such a remote says cleaned before anyone reads it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from app.delivery.crypto import box_from_config
from app.delivery.open311_client import ANSWER_MAX
from app.delivery.pull import StatusPull
from app.notify.worker import drain
from app.tickets.services import Actor, transition
from tests.factories import FLAGEY, LIEGE_SAINT_LAMBERT, NAMUR_CITADEL
from tests.helpers.delivery import connect, delivered, report_on, row, texts_to
from tests.helpers.instances import pave_instance

NAMUR, LIEGE, IXELLES = "commune-92094", "commune-62063", "commune-21009"
BRUXELLES = "commune-21004"
KEY = "namur-system-key-0123456789"


@pytest.fixture(scope="module")
def a():
    with pave_instance("a") as instance:
        yield instance


def one_round(a, pull, body_code):
    with Session(a.engine) as session:
        return pull.pull_body(session, a.body_id(body_code))


def status_on(a, report_id) -> str:
    return row(a, "SELECT status FROM reports WHERE id = :id", id=report_id).status


def test_a_remote_without_updates_is_asked_request_by_request(a, remote, smtp, sender):
    connect(a, NAMUR, remote.url, KEY)
    report_id = report_on(a, "jan@example.org", language="nl", point=NAMUR_CITADEL)
    # The remote answered with a token only: its id comes later, through GET tokens/{token}.
    delivered(a, report_id, NAMUR, token="tok-1")
    remote.tokens["tok-1"] = "NAM-1"
    remote.requests["NAM-1"] = {"status": "open", "updated_datetime": "2026-01-05T10:00:00Z"}
    pull = StatusPull(box_from_config(a.app.config), allow_private=True, batch=10)

    first = one_round(a, pull, NAMUR)
    assert (first.error, first.path, first.read) == (None, "requests", 1)
    assert status_on(a, report_id) == "new"  # "open" at the remote: it has it, nothing more
    words = "Hersteld door de stad."
    remote.requests["NAM-1"] = {"status": "closed", "status_notes": words}
    second = one_round(a, pull, NAMUR)

    assert second.error is None
    # A plain "closed", with no extended status to say how, is taken as resolved.
    assert status_on(a, report_id) == "resolved"
    delivery = row(
        a,
        "SELECT remote_id, remote_status, remote_status_text FROM report_deliveries "
        "WHERE report_id = :id",
        id=report_id,
    )
    assert tuple(delivery) == ("NAM-1", "closed", words)
    audit = row(
        a,
        "SELECT array_agg(DISTINCT actor) AS names FROM audit_log WHERE report_id = :id "
        "AND action <> 'create' AND actor <> 'reporter'",
        id=report_id,
    )
    assert audit.names == ["Systeem van het bestuur"]
    # Asked once whether the remote offers the updates; the key only ever in a header.
    paths = remote.asked_paths()
    assert paths.count("/open311/v2/servicerequestupdates.json") == 1
    assert all(KEY not in path for path in paths)
    assert {headers.get("Authorization") for _, headers in remote.asked} == {f"Bearer {KEY}"}
    drain(a.engine, sender)
    mails = texts_to(smtp.messages, "jan@example.org")
    assert any("is opgelost" in subject for subject, _ in mails), mails
    assert any(words in body for _, body in mails)
    # Nothing new at the remote: nothing applied again, nobody told again.
    one_round(a, pull, NAMUR)
    assert drain(a.engine, sender).sent == 0


def test_two_rounds_cover_more_open_tickets_than_a_batch(a, remote):
    connect(a, LIEGE, remote.url, KEY)
    remote_ids = [f"LG-{n}" for n in range(5)]
    for remote_id in remote_ids:
        report_id = report_on(a, "lise@example.org", point=LIEGE_SAINT_LAMBERT)
        delivered(a, report_id, LIEGE, remote_id=remote_id)
        remote.requests[remote_id] = {"status": "open"}
    pull = StatusPull(
        box_from_config(a.app.config), allow_private=True, batch=3, requests_only=True
    )

    def asked() -> list[str]:
        return [p.rsplit("/", 1)[1].removesuffix(".json") for p in remote.asked_paths()]

    assert one_round(a, pull, LIEGE).read == 3
    first = asked()
    assert len(first) == 3
    assert one_round(a, pull, LIEGE).read == 3
    second = asked()[3:]
    # The two never asked go first, then the one asked longest ago.
    assert set(second[:2]) == set(remote_ids) - set(first)
    assert set(first) | set(second) == set(remote_ids)


def test_what_a_hostile_remote_says_is_cleaned_or_left_out(a, remote):
    connect(a, IXELLES, remote.url, KEY)
    report_id = report_on(a, "eva@example.org", point=FLAGEY)
    delivered(a, report_id, IXELLES, remote_id="IX-1")
    pull = StatusPull(box_from_config(a.app.config), allow_private=True, requests_only=True)
    remote.requests["IX-1"] = {"status": "teleported", "status_notes": "?"}
    assert one_round(a, pull, IXELLES).applied == ["not applied: Open311QueryError"]
    assert status_on(a, report_id) == "new"
    huge = "Réparé\x00\x1b[31m" + "x" * 100_000
    remote.requests["IX-1"] = {"status": "in_progress\x00", "status_notes": huge}
    one_round(a, pull, IXELLES)
    assert status_on(a, report_id) == "in_progress"
    kept = row(
        a,
        "SELECT remote_status, remote_status_text FROM report_deliveries WHERE report_id = :id",
        id=report_id,
    )
    assert kept.remote_status == "in_progress"
    assert kept.remote_status_text.startswith("Réparé[31mxxx")
    assert len(kept.remote_status_text) == 4000
    public = row(
        a, "SELECT body FROM report_updates WHERE report_id = :id AND public", id=report_id
    )
    assert "\x00" not in public.body and "\x1b" not in public.body


def test_the_worker_pulls_and_says_so_without_the_key(a, remote, smtp):
    connect(a, NAMUR, remote.url, KEY)
    report_id = report_on(a, "noor@example.org", language="nl", point=NAMUR_CITADEL)
    delivered(a, report_id, NAMUR, remote_id="NAM-7")
    remote.requests["NAM-7"] = {"status": "in_progress", "status_notes": "Ploeg ter plaatse."}
    # Another body's system is down: its pull fails, Namur's goes on.
    down = connect(a, LIEGE, "http://127.0.0.1:9/open311/v2/", KEY)
    delivered(
        a, report_on(a, "lise@example.org", point=LIEGE_SAINT_LAMBERT), LIEGE, remote_id="LG-9"
    )
    a.app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    try:
        done = a.app.test_cli_runner().invoke(args=["worker", "--once", "--name", "pull-test"])
    finally:
        connect(a, LIEGE, remote.url, KEY)
    said = done.output + (done.stderr if done.stderr_bytes is not None else "")
    assert done.exit_code == 0, said
    assert status_on(a, report_id) == "in_progress"
    assert f"status pull of {NAMUR} (requests)" in said
    assert f"status pull of {LIEGE} failed, cursor kept" in said
    assert KEY not in said
    assert down == a.body_id(LIEGE)


@pytest.mark.parametrize(
    "answer",
    [
        b"<html>Maintenance</html>",
        b'{"status": "closed"}',
        b"[" + b'"x",' * (ANSWER_MAX // 4) + b'"x"]',
    ],
    ids=["not JSON", "not an array", "over the answer limit"],
)
def test_an_answer_that_is_no_list_of_requests_fails_the_round_and_changes_nothing(
    a, remote, answer
):
    connect(a, IXELLES, remote.url, KEY)
    report_id = report_on(a, "ilse@example.org", point=FLAGEY)
    remote_id = f"IX-{uuid.uuid4().hex[:8]}"
    delivered(a, report_id, IXELLES, remote_id=remote_id)
    remote.raw[f"/open311/v2/requests/{remote_id}.json"] = answer
    pull = StatusPull(
        box_from_config(a.app.config), allow_private=True, requests_only=True, batch=1000
    )
    done = one_round(a, pull, IXELLES)
    assert done.error is not None and f"requests/{remote_id}" in done.error
    assert KEY not in done.error
    assert status_on(a, report_id) == "new"


def test_a_ticket_transferred_away_is_no_longer_asked_for(a, remote):
    connect(a, BRUXELLES, remote.url, KEY)
    kept, moved, waiting = (report_on(a, f"{n}@example.org") for n in ("kim", "tom", "ann"))
    delivered(a, kept, BRUXELLES, remote_id="BX-1")
    delivered(a, moved, BRUXELLES, remote_id="BX-2")
    delivered(a, waiting, BRUXELLES, token="tok-bx-3")
    remote.requests |= {"BX-1": {"status": "open"}, "BX-2": {"status": "closed"}}
    remote.tokens["tok-bx-3"] = "BX-3"
    for report_id in (moved, waiting):
        with Session(a.engine) as session, session.begin():
            transition(
                session,
                report_id,
                "transferred",
                actor=Actor(name="Équipe de Bruxelles"),
                reason="Voirie régionale",
                to_body_code=IXELLES,
            )
    pull = StatusPull(box_from_config(a.app.config), allow_private=True, requests_only=True)

    done = one_round(a, pull, BRUXELLES)

    assert (done.error, done.read) == (None, 1)
    # Bruxelles' system is asked about the ticket it still holds, and nothing else.
    assert remote.asked_paths() == ["/open311/v2/requests/BX-1.json"]
    assert row(a, "SELECT body_id FROM reports WHERE id = :id", id=moved).body_id == a.body_id(
        IXELLES
    )
