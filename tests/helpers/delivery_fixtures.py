"""Fixtures of the delivery tests (issue 16), made visible by the directories' conftest.py:

- `b`, `proxy`, `a`: Pavé B, a fault proxy in front of it, and Pavé A whose Bruxelles body
  sends to B through the proxy (A's pothole is B's `damaged_pavement`);
- `remote`: a fake commune system (tests/helpers/fake_open311), a small Open311 server without
  servicerequestupdates, for a module's own A.

Each is made once per test module, so a module's tests share their instances.
"""

from __future__ import annotations

import pytest

from app.delivery.crypto import new_key
from tests.helpers.delivery import connect_body
from tests.helpers.fake_open311 import FakeOpen311
from tests.helpers.faulty_proxy import FaultyProxy
from tests.helpers.instances import pave_instance

BRUSSELS = "commune-21004"


@pytest.fixture(scope="module")
def b():
    with pave_instance("b") as instance:
        yield instance


@pytest.fixture(scope="module")
def proxy(b):
    proxy = FaultyProxy(b.server.port)
    proxy.forward()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def a(b, proxy, tmp_path_factory):
    settings = {
        "PHOTO_DIR": str(tmp_path_factory.mktemp("photos-a")),
        "DELIVERY_KEYS": [new_key()],
        "DELIVERY_TIMEOUT_S": 3.0,
        "DELIVERY_LEASE_S": 4.0,
    }
    with pave_instance("a", **settings) as instance:
        key = b.open311_key(BRUSSELS)
        # A's pothole is B's damaged_pavement: the mapping, not the code, decides.
        codes = {"pothole": "damaged_pavement"}
        connect_body(instance, BRUSSELS, f"{proxy.url}/open311/v2/", key, codes)
        yield instance


@pytest.fixture
def remote():
    with FakeOpen311() as fake:
        yield fake
