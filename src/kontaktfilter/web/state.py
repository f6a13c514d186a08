"""What the web screener keeps between requests: its configuration, one database engine,
one scoring engine, and per user their store view, strategy and learned model."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine as DatabaseEngine

from kontaktfilter.engine import Engine
from kontaktfilter.learning.user_model import LearnOutcome, learn, retrain_due, retrain_if_due
from kontaktfilter.learning.user_model import load as load_user_model
from kontaktfilter.services.runtime import user_strategy
from kontaktfilter.store import Store
from kontaktfilter.store.repository import utcnow
from kontaktfilter.web.jobs import ImportJobs
from kontaktfilter.web.throttle import LoginThrottle

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
    logins: LoginThrottle = field(default_factory=LoginThrottle)
    _stores: dict[str, Store] = field(default_factory=dict)
    _engines: dict[str, Engine] = field(default_factory=dict)
    _learning_locks: dict[str, threading.Lock] = field(default_factory=dict)
    _trainings: dict[str, threading.Thread] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def store(self, user: str) -> Store:
        with self._lock:
            if user not in self._stores:
                self._stores[user] = Store(self.database, user)
            return self._stores[user]

    def engine_for(self, user: str) -> Engine:
        """The scoring engine deciding by the user's own strategy, with their learned model."""
        store = self.store(user)
        with self._lock:
            if user not in self._engines:
                strategy, _warning = user_strategy(user)
                model, _unreadable = load_user_model(store)
                self._engines[user] = self.engine.with_strategy(strategy).with_learner(model)
            return self._engines[user]

    def forget_user(self, user: str) -> None:
        """After the user's data was deleted: their store and engine are built anew (the
        user's row is created again on the next visit of a local screener)."""
        with self._lock:
            self._stores.pop(user, None)
            self._engines.pop(user, None)

    def forget_engine(self, user: str) -> None:
        """After the user's strategy or learned model changed: build their engine anew."""
        with self._lock:
            self._engines.pop(user, None)

    def learn(self, user: str) -> LearnOutcome:
        """Retrain the user's model now (the API's POST /api/learn)."""
        with self._learning_lock(user):
            outcome = learn(self.store(user), utcnow())
        self.forget_engine(user)
        return outcome

    def decided(self, user: str) -> None:
        """After a decision or an undo: retrain in the background once a batch is due, so the
        answer to the click never waits for training."""
        lock = self._learning_lock(user)
        if not lock.acquire(blocking=False):
            return  # a training for this user is running; it sees the newest decisions

        def retrain() -> None:
            try:  # again until caught up: decisions taken meanwhile found the lock busy
                while retrain_if_due(self.store(user), utcnow()) is not None:
                    self.forget_engine(user)
            finally:
                lock.release()
            if retrain_due(self.store(user)):  # one came between the last check and release
                self.decided(user)

        thread = threading.Thread(target=retrain, name=f"learn-{user}", daemon=True)
        self._trainings[user] = thread
        thread.start()

    def wait_for_learning(self, user: str, timeout: float = 30.0) -> None:
        """Block until a background training of the user's model has finished."""
        deadline = time.monotonic() + timeout
        while (thread := self._trainings.get(user)) is not None and thread.is_alive():
            if time.monotonic() >= deadline:
                return
            thread.join(deadline - time.monotonic())

    def _learning_lock(self, user: str) -> threading.Lock:
        with self._lock:
            return self._learning_locks.setdefault(user, threading.Lock())
