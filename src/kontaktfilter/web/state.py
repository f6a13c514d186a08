"""What the web screener keeps between requests: its configuration, one database engine,
one scoring engine, and per user their store view and strategy."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine as DatabaseEngine

from kontaktfilter.engine import Engine
from kontaktfilter.runtime import user_strategy
from kontaktfilter.store import Store
from kontaktfilter.web.jobs import ImportJobs

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    secret_key: str = ""
    """Signs the session cookie; `serve` keeps one in the data folder so logins survive restarts."""
    max_upload_bytes: int = 64 * MEGABYTE
    local: bool = True
    """Bound to a loopback address: no login, the local user."""


@dataclass
class Screener:
    config: WebConfig
    database: DatabaseEngine
    engine: Engine
    jobs: ImportJobs = field(default_factory=ImportJobs)
    _stores: dict[str, Store] = field(default_factory=dict)
    _engines: dict[str, Engine] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def store(self, user: str) -> Store:
        with self._lock:
            if user not in self._stores:
                self._stores[user] = Store(self.database, user)
            return self._stores[user]

    def engine_for(self, user: str) -> Engine:
        """The scoring engine deciding by the user's own strategy."""
        with self._lock:
            if user not in self._engines:
                strategy, _warning = user_strategy(user)
                self._engines[user] = self.engine.with_strategy(strategy)
            return self._engines[user]

    def strategy_changed(self, user: str) -> None:
        with self._lock:
            self._engines.pop(user, None)
