"""The bodies' Open311 API keys at rest: encrypted, rotatable, never readable with a wrong key."""

from __future__ import annotations

import pytest

from app.delivery import crypto


def test_a_key_round_trips_and_is_not_stored_in_clear():
    fernet = crypto.box((), "session-secret")
    stored = crypto.encrypt(fernet, "remote-api-key-123")
    assert b"remote-api-key-123" not in stored
    assert crypto.decrypt(fernet, stored) == "remote-api-key-123"
    # Each encryption has its own IV: the same key twice gives two different ciphertexts.
    assert crypto.encrypt(fernet, "remote-api-key-123") != stored


def test_a_changed_secret_key_makes_the_stored_key_unreadable_not_garbage():
    stored = crypto.encrypt(crypto.box((), "session-secret"), "k")
    with pytest.raises(crypto.ApiKeyUnreadableError, match="set the key again"):
        crypto.decrypt(crypto.box((), "another-secret"), stored)


def test_the_derived_key_is_not_the_session_secret_and_depends_on_it():
    assert crypto.derived_key("a") != crypto.derived_key("b")
    assert b"session-secret" not in crypto.derived_key("session-secret")


def test_delivery_keys_rotate_first_encrypts_all_decrypt():
    old, new = crypto.new_key(), crypto.new_key()
    stored = crypto.encrypt(crypto.box((old,), "s"), "k")
    both = crypto.box((new, old), "s")
    assert crypto.decrypt(both, stored) == "k"
    rotated = crypto.rotate(both, stored)
    # After the rekey, the old key can go.
    assert crypto.decrypt(crypto.box((new,), "s"), rotated) == "k"
    with pytest.raises(crypto.ApiKeyUnreadableError):
        crypto.decrypt(crypto.box((old,), "s"), rotated)


@pytest.mark.parametrize("bad", ["not-a-key", "x" * 44, "\x00"])
def test_a_malformed_delivery_key_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="DELIVERY_KEYS must hold Fernet keys"):
        crypto.box((bad,), "s")
