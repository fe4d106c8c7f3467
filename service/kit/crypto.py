"""Secrets, keyed hashes and envelope encryption primitives.

Threat model:
- Client secrets and API keys are >= 256-bit random values, so a dictionary attack is hopeless and a
  slow password hash (bcrypt, argon2: 5-8 verifications per second per core here) would only hand
  attackers a cheap CPU-exhaustion lever. They are stored as HMAC-SHA256 under a server-side pepper:
  a stolen database alone cannot be used to check guesses, and a check costs about a microsecond.
  Each use has its own purpose label, so a hash of one kind can never verify as another.
- Comparisons use `hmac.compare_digest` (constant time).
- Data keys are Fernet keys wrapped (encrypted) by the master keys, which are a MultiFernet: the first
  encrypts, all decrypt, so a master key can be rotated by re-wrapping without touching the data.
- `Ciphertext` wraps encrypted bytes so neither they nor their plaintext ever show in a repr or log.
- `PendingCiphertext` is plaintext bound for storage that is encrypted when its row is bound (the
  record writer encrypts a whole batch in one loop, measured markedly cheaper than one encryption per
  request in between other work). It never reaches a database unencrypted: the column type
  (`models.types.EncryptedBytes`) turns it into a token, and its repr shows only a length.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["Ciphertext", "InvalidToken", "generate_secret", "keyed_hash", "master_fernet", "verify_keyed_hash"]


def generate_secret(nbytes: int = 32) -> str:
    """A URL-safe random string with `nbytes` bytes (256 bits by default) of entropy."""
    return secrets.token_urlsafe(nbytes)


def generate_id(nbytes: int = 8) -> str:
    """A short random identifier (hex, so it never contains the `_` separator of API keys)."""
    return secrets.token_hex(nbytes)


def keyed_hash(pepper: bytes, purpose: bytes, value: str) -> bytes:
    return hmac.digest(pepper, purpose + b"\x00" + value.encode("utf-8"), "sha256")


def verify_keyed_hash(pepper: bytes, purpose: bytes, value: str, expected: bytes) -> bool:
    return hmac.compare_digest(keyed_hash(pepper, purpose, value), expected)


def master_fernet(keys: list[str]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


@dataclass(frozen=True, slots=True)
class Ciphertext:
    token: bytes

    def __repr__(self) -> str:
        return f"Ciphertext(<{len(self.token)} bytes>)"

    __str__ = __repr__


class PendingCiphertext:
    """Plaintext to be Fernet-encrypted when it is stored; `seal()` gives a fresh token each call."""

    __slots__ = ("_fernet", "_plaintext")

    def __init__(self, fernet: Fernet | MultiFernet, plaintext: bytes) -> None:
        self._fernet = fernet
        self._plaintext = plaintext

    def seal(self) -> Ciphertext:
        return Ciphertext(self._fernet.encrypt(self._plaintext))

    def __repr__(self) -> str:
        return f"PendingCiphertext(<{len(self._plaintext)} bytes>)"

    __str__ = __repr__
