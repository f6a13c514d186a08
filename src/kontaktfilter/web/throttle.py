"""Login throttling: after a few wrong passwords for one name, that name waits before the next
try, longer with every further failure, so a password cannot be guessed at the server's speed
(issue 19). Kept in memory per server process and bounded in size; a right password clears it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_FAILURES = 5
"""Wrong passwords for one name before it has to wait at all."""
FIRST_WAIT_SECONDS = 30.0
MAX_WAIT_SECONDS = 15 * 60.0
MAX_NAMES = 10_000
"""Names remembered at most; the oldest are forgotten first."""


@dataclass
class LoginThrottle:
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, name: str) -> float:
        """How long `name` must still wait before another try (0: it may try now)."""
        with self._lock:
            count, last = self._failures.get(name, (0, 0.0))
        if count < FREE_FAILURES:
            return 0.0
        wait = min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (count - FREE_FAILURES))
        return max(0.0, last + wait - self.clock())

    def failed(self, name: str) -> None:
        with self._lock:
            count, _ = self._failures.pop(name, (0, 0.0))
            if len(self._failures) >= MAX_NAMES:
                self._failures.pop(next(iter(self._failures)))
            self._failures[name] = (count + 1, self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
