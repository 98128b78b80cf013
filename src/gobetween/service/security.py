"""Secrets: Argon2id password hashes, random tokens and their SHA-256 digests at rest.

Passwords are hashed with Argon2id. Session ids, API tokens and invitation tokens are 256-bit
random strings shown once; only their SHA-256 digest is stored, so a copy of the database does
not let anyone log in.

>>> hasher = PasswordHasher(time_cost=1, memory_kib=64)
>>> digest = hasher.hash("correct horse")
>>> hasher.verify(digest, "correct horse"), hasher.verify(digest, "wrong")
(True, False)
"""

from __future__ import annotations

import hashlib
import secrets

import argon2

__all__ = ["PasswordHasher", "new_token", "token_digest"]


class PasswordHasher:
    """Argon2id with the configured cost."""

    def __init__(self, *, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        # a hash to check against when the user does not exist, so timing does not tell
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        """The encoded Argon2id hash of ``password``."""
        return str(self._hasher.hash(password))

    def verify(self, encoded: str | None, password: str) -> bool:
        """Whether ``password`` matches ``encoded`` (``None``: no password; always False)."""
        try:
            return bool(self._hasher.verify(encoded or self._dummy, password)) and bool(encoded)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe).

    >>> len(new_token()) >= 43
    True
    """
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored.

    >>> token_digest("abc")[:8]
    'ba7816bf'
    """
    return hashlib.sha256(token.encode()).hexdigest()
