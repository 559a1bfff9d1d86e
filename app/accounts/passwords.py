"""Password hashing with argon2id; hashes made with older parameters are upgraded at login."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.accounts.errors import WeakPasswordError

MIN_LENGTH = 12
# Hashing is deliberately slow; a bound on the input keeps one request from costing more.
MAX_LENGTH = 1024

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that both failures take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only here to spend the same time")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"A password has at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"A password has at most {MAX_LENGTH} characters.")
    if len(set(password)) < 4:
        raise WeakPasswordError("A password uses more than three different characters.")


def hash_password(password: str, hasher: PasswordHasher = _hasher) -> str:
    return hasher.hash(password)


def verify_password(
    stored_hash: str | None, password: str, hasher: PasswordHasher = _hasher
) -> tuple[bool, str | None]:
    """(matches, new hash) where the new hash is set when the stored one should be upgraded."""
    if stored_hash is None or len(password) > MAX_LENGTH:
        _spend_time(password[:MAX_LENGTH], hasher)
        return False, None
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(stored_hash):
        return True, hasher.hash(password)
    return True, None


def _spend_time(password: str, hasher: PasswordHasher) -> None:
    with contextlib.suppress(VerificationError):
        hasher.verify(_DUMMY_HASH, password)
