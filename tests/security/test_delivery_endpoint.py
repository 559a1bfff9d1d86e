"""What a body's Open311 endpoint may point at (issue 16; found by the attack pass).

A commune manager may change their body's endpoint (docs/back-office.md), so:
- the stored API key, which nobody may read back, does not follow the endpoint to another
  server: moving it elsewhere needs the key again (or its removal);
- an endpoint may not name an internal address (cloud metadata, private networks, this
  machine), and the client refuses a name that resolves to one, before each request, unless
  DELIVERY_ALLOW_PRIVATE_ADDRESSES is set (docs/delivery.md, "Where requests may go").
"""

from __future__ import annotations

import socket

import pytest

from app.accounts.models import Role
from app.delivery import crypto
from app.delivery import open311_client as client
from app.delivery.settings import KEY_NOT_SET, KEY_SET, DeliveryChange, change_settings
from app.delivery.validation import InvalidDeliverySettingsError, endpoint_fault
from app.tickets.store import Actor
from tests.helpers.api import assert_problem
from tests.helpers.staff import make_staff, places, staff_as

__all__ = ["make_staff", "places", "staff_as"]  # fixtures

BRUXELLES = "commune-21004"
KEYS = crypto.box([crypto.new_key()], "unused")
ADMIN = Actor("Alice Admin")
MANAGER = Actor("Marc, manager of Bruxelles")
SECRET = "k3y-set-by-the-administrator-0123"
ENDPOINT = "https://open311.bruxelles.example/v2/"


def change(session, actor=MANAGER, **values):
    return change_settings(session, BRUXELLES, DeliveryChange(**values), fernet=KEYS, actor=actor)


def connect(session):
    change(session, ADMIN, method="open311", endpoint=ENDPOINT, api_key=SECRET)


def test_moving_the_endpoint_elsewhere_does_not_carry_the_stored_key_along(session):
    connect(session)
    # The manager never saw the key; they move the connection to a server they run.
    with pytest.raises(InvalidDeliverySettingsError) as refused:
        change(session, endpoint="https://collector.attacker.example/v2/")

    [fault] = refused.value.extra["errors"]
    assert fault["pointer"] == "/api_key"
    assert str(fault["detail"]).startswith("Give the API key again when the server's address")


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://open311.bruxelles.example/v2/",  # another scheme
        "https://open311.bruxelles.example:8443/v2/",  # another port
        "https://open311.bruxelles.example.attacker.example/v2/",  # another host
    ],
)
def test_any_other_origin_needs_the_key_again(session, elsewhere):
    connect(session)
    with pytest.raises(InvalidDeliverySettingsError):
        change_settings(
            session,
            BRUXELLES,
            DeliveryChange(endpoint=elsewhere),
            fernet=KEYS,
            actor=MANAGER,
            allow_http=True,
        )


def test_the_same_server_keeps_its_key_and_a_move_with_a_new_or_no_key_is_taken(session):
    connect(session)

    same = change(session, endpoint="https://OPEN311.bruxelles.example:443/georeport/v2/")
    rekeyed = change(session, endpoint="https://new.bruxelles.example/v2/", api_key="new-k3y")
    dropped = change(session, endpoint="https://other.bruxelles.example/v2/", api_key=None)

    assert same.api_key == KEY_SET and rekeyed.api_key == KEY_SET
    assert dropped.api_key == KEY_NOT_SET and dropped.endpoint.startswith("https://other.")


def test_the_api_says_so_in_the_readers_language(staff_as):
    admin, manager = staff_as(Role.ADMINISTRATOR), staff_as(Role.COMMUNE_MANAGER)
    settings = {"method": "open311", "endpoint": ENDPOINT, "service_codes": {}, "attributes": {}}
    path = f"/api/v1/bodies/{BRUXELLES}/delivery"
    assert admin.change("PUT", path, json={**settings, "api_key": SECRET}).status_code == 200

    moved = {**settings, "endpoint": "https://collector.attacker.example/v2/"}
    problem = assert_problem(
        manager.change("PUT", path, json=moved, headers={"Accept-Language": "fr"}), 422
    )

    assert problem["errors"] == [
        {
            "pointer": "/api_key",
            "location": "json",
            "detail": "Donnez à nouveau la clé d'API quand l'adresse du serveur change : "
            "la clé enregistrée n'est jamais envoyée à un autre serveur.",
        }
    ]
    assert admin.get(path).get_json()["endpoint"] == ENDPOINT


INTERNAL = [
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://[fd00:ec2::254]/latest/",  # IPv6 metadata
    "https://10.0.0.5/admin/",  # private network
    "https://172.16.3.4/",
    "https://192.168.1.1/",
    "https://[fe80::1]/",  # link-local
    "https://[::ffff:169.254.169.254]/",  # IPv4-mapped IPv6
    "https://0.0.0.0/",
    "https://[::1]/",
    "http://127.0.0.1:5432/",  # the database's port, plain http, no DELIVERY_ALLOW_HTTP
    "http://localhost:9200/_cluster/",  # any local service
    "http://127.0.0.1:2019/config/",  # a local admin API (Caddy's)
    "https://metadata.google.internal/computeMetadata/v1/",  # a cloud's internal name
    "https://intranet/",  # a name a search domain completes
]


@pytest.mark.parametrize("endpoint", INTERNAL)
def test_an_endpoint_cannot_aim_the_worker_at_internal_addresses(endpoint):
    assert endpoint_fault(endpoint, allow_http=False) is not None


def test_internal_addresses_only_with_the_setting_and_http_only_to_this_machine():
    assert endpoint_fault("https://10.0.0.5/admin/", False, allow_private=True) is None
    assert endpoint_fault("http://127.0.0.1:8080/v2/", False, allow_private=True) is None
    assert endpoint_fault("http://10.0.0.5/v2/", False, allow_private=True) is not None
    assert endpoint_fault("https://open311.bruxelles.example/v2/", False) is None


def test_the_settings_refuse_them_for_a_manager(session):
    with pytest.raises(InvalidDeliverySettingsError) as refused:
        change(session, method="open311", endpoint="https://169.254.169.254/latest/")

    assert [f["pointer"] for f in refused.value.extra["errors"]] == ["/endpoint"]


@pytest.fixture
def listener():
    """A server on this machine that counts the connections it is offered."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.5)
        yield server


def accepted(server: socket.socket) -> bool:
    try:
        server.accept()[0].close()
    except TimeoutError:
        return False
    return True


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_client_refuses_a_host_that_resolves_inside_before_connecting(listener, host):
    port = listener.getsockname()[1]
    conn = client.Connection(f"http://{host}:{port}/v2/", SECRET, timeout_s=2)

    with pytest.raises(client.NotSent) as refused:
        client.get_json(conn, "requests.json", {})

    assert "is at an internal address (DELIVERY_ALLOW_PRIVATE_ADDRESSES)" in str(refused.value)
    assert SECRET not in str(refused.value)
    assert not accepted(listener), "the request reached the internal server"


def test_with_the_setting_the_client_goes_there(listener):
    port = listener.getsockname()[1]
    conn = client.Connection(f"http://127.0.0.1:{port}/v2/", None, timeout_s=1, allow_private=True)

    with pytest.raises(client.Open311Error):
        client.get_json(conn, "requests.json", {})  # the listener never answers

    assert accepted(listener)
