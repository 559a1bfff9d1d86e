"""The sender's own work against a commune's system that is not Pavé (tests/helpers/fake_crm):
the stored API key decrypted with the settings' keys built once, not once a delivery, and a
remote that answers with an id already another report's."""

from __future__ import annotations

import pytest

from app.delivery import crypto
from app.delivery.sender import DeliverySettings, drain_deliveries
from tests.factories import FLAGEY
from tests.helpers.delivery import closing, connect_body, delivery, file_report, send_due
from tests.helpers.fake_crm import FakeCrm
from tests.helpers.instances import pave_instance

IXELLES = "commune-21009"


@pytest.fixture(scope="module")
def a():
    # No DELIVERY_KEYS: the API keys' key is derived from SECRET_KEY (HKDF).
    with pave_instance("a") as instance:
        yield instance
        closing(instance)


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
