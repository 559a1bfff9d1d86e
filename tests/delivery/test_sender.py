"""The sender's own work against a commune's system that is not Pavé (tests/helpers/fake_crm):
the stored API key decrypted with the settings' keys built once, not once a delivery; a
remote that answers with an id already another report's; and each failure kept in parts
(kind, HTTP status, the remote's words) that the staff screens word in their language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.delivery import crypto, failures
from app.delivery.sender import DeliverySettings, drain_deliveries
from tests.factories import FLAGEY
from tests.helpers.delivery import (
    connect_body,
    delivery,
    file_report,
    make_due,
    row,
    send_due,
)
from tests.helpers.fake_crm import FakeCrm
from tests.helpers.instances import pave_instance

IXELLES = "commune-21009"
PWA_I18N = Path(__file__).resolve().parents[2] / "pwa" / "src" / "i18n"


@pytest.fixture(scope="module")
def a():
    # No DELIVERY_KEYS: the API keys' key is derived from SECRET_KEY (HKDF).
    with pave_instance("a") as instance:
        yield instance


@pytest.fixture(scope="module")
def crm(a):
    remote = FakeCrm()
    remote.server.start()
    connect_body(a, IXELLES, f"{remote.server.url}/v2/", "outside-key", {"pothole": "ROAD-1"})
    yield remote
    remote.server.stop()


def test_the_key_is_derived_once_for_every_delivery_of_the_worker(a, crm, monkeypatch):
    derivations = []
    derive = crypto.derived_key

    def counted(secret_key: str) -> bytes:
        derivations.append(1)
        return derive(secret_key)

    monkeypatch.setattr(crypto, "derived_key", counted)
    settings = DeliverySettings.from_config(a.app.config)
    for n in range(3):
        file_report(a, f"Pavé descellé n° {n}", photo=False, where=FLAGEY)
    first = drain_deliveries(a.engine, settings)
    file_report(a, "Pavé descellé, le dernier", photo=False, where=FLAGEY)
    second = drain_deliveries(a.engine, settings)

    assert (first.sent, second.sent) == (3, 1), (first.errors, second.errors)
    # Each request carried the key, read with one derivation for the worker's settings.
    assert crm.posts == 4
    assert len(derivations) == 1


def test_an_id_already_another_reports_is_not_recorded_and_is_reconciled(a, crm, monkeypatch):
    earlier = file_report(a, "Avaloir bouché", photo=False, where=FLAGEY)
    assert send_due(a).sent == 1
    taken = delivery(a, earlier).remote_id
    # A confused remote answers the next request with the earlier one's id.
    monkeypatch.setattr(crm, "create", lambda form: _answer_with(taken))
    report_id = file_report(a, "Avaloir bouché, en face", photo=False, where=FLAGEY)

    result = send_due(a)

    assert (result.sent, result.failed) == (0, 1)
    assert f"the remote answered with {taken}, another report's" in result.errors[0]
    assert "unknown outcome" in result.errors[0]
    row = delivery(a, report_id)
    assert row.remote_id is None and row.sent_at is None
    # The outcome is unknown: the next attempt reconciles before it sends anything again.
    assert row.attempt_started_at is not None
    assert delivery(a, earlier).remote_id == taken


def _answer_with(remote_id: str):
    from werkzeug.wrappers import Response

    return Response(f'[{{"service_request_id": "{remote_id}"}}]', status=201)


def test_a_failure_is_kept_in_parts_a_screen_can_word(a, crm):
    """The worker's line stays as it was; beside it, the kind, the remote's status and its
    own words (or the category without a service code) for the screens' languages."""
    graffiti = file_report(a, "Tag sur le mur", photo=False, where=FLAGEY, category="graffiti")
    assert "no service_code for category graffiti" in send_due(a).errors[0]
    connect_body(a, IXELLES, f"{crm.server.url}/v2/", "stale-key", {"pothole": "ROAD-1"})
    refused = file_report(a, "Clé refusée", photo=False, where=FLAGEY)
    try:
        errors = send_due(a).errors
    finally:
        connect_body(a, IXELLES, f"{crm.server.url}/v2/", "outside-key", {"pothole": "ROAD-1"})

    assert any("403 from" in error and "bad key" in error for error in errors), errors
    parts = "last_error_kind, last_error_status, last_error_detail"
    assert tuple(_row(a, graffiti, parts)) == ("no_service_code", None, "graffiti")
    assert tuple(_row(a, refused, parts)) == ("refused", 403, "bad key")
    assert _row(a, refused, "last_error").last_error.startswith("403 from http://127.0.0.1:")
    # Sent at last: nothing of the error is left.
    make_due(a, refused)
    assert send_due(a).sent == 1
    assert tuple(_row(a, refused, parts)) == (None, None, None)


def _row(a, report_id, columns: str):
    return row(a, f"SELECT {columns} FROM report_deliveries WHERE report_id = :id", id=report_id)


def test_every_kind_of_failure_is_worded_in_the_four_languages():
    kinds = {v for k, v in vars(failures).items() if k.isupper() and isinstance(v, str)}
    assert len(kinds) == 10
    for lang in ("fr", "nl", "de", "en"):
        catalogue = json.loads((PWA_I18N / f"{lang}.json").read_text(encoding="utf-8"))
        missing = {kind for kind in kinds if f"staff.deliveryError.{kind}" not in catalogue}
        assert missing == set(), lang
