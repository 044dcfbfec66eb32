"""The secret of an invitation's link: made once, sent to the recipient, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """A new link token and the hash to store (256 bits of randomness, URL-safe)."""
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
