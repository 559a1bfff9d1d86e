"""Passwords are hashed with argon2id, checked, and upgraded when the parameters change."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from app.accounts.errors import WeakPasswordError
from app.accounts.passwords import check_strength, hash_password, verify_password

# Cheap parameters keep the tests fast; the difference between them is what matters here.
OLD = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
NEW = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)


def test_hash_is_argon2id_and_never_the_password():
    stored = hash_password("a long enough password")

    assert stored.startswith("$argon2id$")
    assert "a long enough password" not in stored
    assert stored != hash_password("a long enough password"), "each hash has its own salt"


def test_right_password_matches_and_wrong_one_does_not():
    stored = hash_password("a long enough password")

    assert verify_password(stored, "a long enough password") == (True, None)
    assert verify_password(stored, "a long enough passwore") == (False, None)
    assert verify_password(None, "anything at all") == (False, None)
    assert verify_password("not a hash", "anything at all") == (False, None)


def test_hash_made_with_older_parameters_is_replaced_at_login():
    stored = OLD.hash("a long enough password")

    matches, new_hash = verify_password(stored, "a long enough password", hasher=NEW)

    assert matches
    assert new_hash is not None and new_hash.startswith("$argon2id$v=19$m=8192,t=2,p=1$")
    assert verify_password(new_hash, "a long enough password", hasher=NEW) == (True, None)


def test_wrong_password_with_old_hash_is_not_rehashed():
    stored = OLD.hash("a long enough password")

    assert verify_password(stored, "another password!", hasher=NEW) == (False, None)


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaaaaaaaa", "x" * 1025])
def test_weak_passwords_are_refused(password):
    with pytest.raises(WeakPasswordError):
        check_strength(password)


def test_reasonable_password_is_accepted():
    check_strength("correct horse battery staple")
