"""API keys of an operator's clients: handed out once, kept only as hashes, remembered briefly
by each worker so that a request with a known key costs no round trip."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from kontaktfilter.gate import tables as t

KEY_MEMORY_SECONDS = 60.0
"""How long a worker trusts a key it has looked up: also how long a revoked key may still work."""


def now() -> datetime:
    """The stores' clock: UTC without a zone, as the tables keep times."""
    return datetime.now(UTC).replace(tzinfo=None)


def hash_key(key: str) -> str:
    """API keys are 32 random bytes: SHA-256 suffices (there is no dictionary to guess from)
    and costs microseconds on every request, where a password hash would cost milliseconds."""
    return hashlib.sha256(key.encode()).hexdigest()


class ClientKeys:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._remembered: dict[str, tuple[str, float]] = {}
        """Key hash -> (client, remembered until): see `lookup`."""

    def add(self, name: str) -> str:
        """A new API key for client `name` (shown once; only its hash is stored)."""
        key = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                t.clients.insert(), {"name": name, "key_hash": hash_key(key), "created_at": now()}
            )
        return key

    def listed(self) -> list[tuple[str, datetime]]:
        """Every client with the time its key was made, by name (the keys are never shown)."""
        query = select(t.clients.c.name, t.clients.c.created_at).order_by(t.clients.c.name)
        with self.engine.connect() as conn:
            return [(name, created) for name, created in conn.execute(query)]

    def revoke(self, name: str) -> bool:
        """Delete client `name`'s key; False when there is no such client. Its events stay:
        they are the network's history, not the client's. A worker that checked the key less
        than `KEY_MEMORY_SECONDS` ago still accepts it until it asks the database again."""
        with self.engine.begin() as conn:
            deleted = conn.execute(t.clients.delete().where(t.clients.c.name == name))
        return deleted.rowcount > 0

    def known(self, key: str) -> str | None:
        """The client of a key this worker looked up less than `KEY_MEMORY_SECONDS` ago,
        without a round trip; None when it has to ask the database (`lookup`)."""
        known = self._remembered.get(hash_key(key))
        return known[0] if known is not None and time.monotonic() < known[1] else None

    def lookup(self, key: str) -> str | None:
        """The client a key belongs to, from the table; a known key is remembered for
        `KEY_MEMORY_SECONDS` (`known`), an unknown one is looked up every time."""
        digest, moment = hash_key(key), time.monotonic()
        with self.engine.connect() as conn:
            query = select(t.clients.c.name).where(t.clients.c.key_hash == digest)
            name = conn.execute(query).scalar()
        if name is not None:
            self._remembered[digest] = (name, moment + KEY_MEMORY_SECONDS)
        return name
