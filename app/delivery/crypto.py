"""The bodies' Open311 API keys, encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256).

The keys that encrypt come from DELIVERY_KEYS: one or more Fernet keys (`flask bodies
new-delivery-key` prints one), the first encrypting, every one decrypting, so that a key can be
rotated by putting a new one first and running `flask bodies rekey`. Left empty, one key is
derived from SECRET_KEY with HKDF (a different purpose string, so the derived key reveals
nothing of the session secret): changing SECRET_KEY then makes the stored API keys unreadable,
which `flask bodies show` says.

The plain API key exists only in memory, in the request that sets it and in the worker's
request to the remote; it is never returned by the API nor written to a log.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"pave/delivery/open311-api-keys/v1"


class ApiKeyUnreadableError(Exception):
    """A stored API key none of the configured keys decrypts (DELIVERY_KEYS or SECRET_KEY
    changed without a rekey)."""


def new_key() -> str:
    """A new random key for DELIVERY_KEYS."""
    return Fernet.generate_key().decode("ascii")


def derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


def box(delivery_keys: Iterable[str], secret_key: str) -> MultiFernet:
    """The encrypter for these settings: DELIVERY_KEYS if any, else the SECRET_KEY's key."""
    keys = [key.strip().encode("ascii") for key in delivery_keys if key.strip()]
    if not keys:
        keys = [derived_key(secret_key)]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ValueError(
            "DELIVERY_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), "
            "comma-separated; `flask --app app bodies new-delivery-key` prints one."
        ) from exc


def box_from_config(config) -> MultiFernet:
    return box(config["DELIVERY_KEYS"], config["SECRET_KEY"])


def encrypt(fernet: MultiFernet, api_key: str) -> bytes:
    return fernet.encrypt(api_key.encode("utf-8"))


def decrypt(fernet: MultiFernet, stored: bytes) -> str:
    try:
        return fernet.decrypt(bytes(stored)).decode("utf-8")
    except InvalidToken:
        raise ApiKeyUnreadableError(
            "The stored Open311 API key cannot be decrypted with the configured keys "
            "(DELIVERY_KEYS or SECRET_KEY changed); set the key again."
        ) from None


def rotate(fernet: MultiFernet, stored: bytes) -> bytes:
    """The stored key re-encrypted under the first key (for `flask bodies rekey`)."""
    try:
        return fernet.rotate(bytes(stored))
    except InvalidToken:
        raise ApiKeyUnreadableError("The stored Open311 API key cannot be decrypted.") from None
