"""The sender's own work against a commune's system that is not Pavé (tests/helpers/fake_crm):
the stored API key decrypted with the settings' keys built once, not once a delivery."""

from __future__ import annotations

import pytest

from app.delivery import crypto
from app.delivery.sender import DeliverySettings, drain_deliveries
from tests.factories import FLAGEY
from tests.helpers.delivery import closing, connect_body, file_report
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
