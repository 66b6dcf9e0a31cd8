"""Pure rules for users: API key generation and hashing, email sanity."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

KEY_BYTES = 16  # 32 hex characters, the shape Perfect Panel keys have
PREFIX_LENGTH = 6
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewApiKey:
    """A freshly generated key. `plaintext` is shown once and never stored."""

    plaintext: str
    key_hash: str
    prefix: str

    def __repr__(self) -> str:
        return f"NewApiKey(prefix={self.prefix!r})"


def hash_api_key(plaintext: str) -> str:
    """The SHA-256 hex digest under which a key is stored and looked up."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def generate_api_key() -> NewApiKey:
    """A new random API key with its hash and visible prefix."""
    plaintext = secrets.token_hex(KEY_BYTES)
    return NewApiKey(plaintext, hash_api_key(plaintext), plaintext[:PREFIX_LENGTH])


def normalise_email(email: str) -> str:
    """Lower-cased, trimmed email; raises ValueError when it does not look like an address."""
    candidate = email.strip().lower()
    if len(candidate) > 320 or not _EMAIL.match(candidate):
        raise ValueError(f"not an email address: {email!r}")
    return candidate
