"""The planner's statistics on the gate's tables: each worker has PostgreSQL ANALYZE the tables
the checks read once the events it ingested since its last ANALYZE reach as many as it had
ingested before (from `ANALYZE_FROM` on), so after 10,000 new events, then 20,000, 40,000 ...

Why the gate does it itself: a check's statements are prepared once per connection, and their
plans are only as good as the statistics. Right after a bulk ingestion into a fresh database
PostgreSQL has none yet (it estimates one row where a busy sender has 442) until autovacuum
comes round, a minute or more later, and the plans made meanwhile read a busy sender's
invitations once per invitation it received. Doubling keeps the count of ANALYZE runs
logarithmic in the stream: past the first bulk load, autovacuum's own analyses take over."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, text

from kontaktfilter.gate import tables as t

ANALYZE_FROM = 10_000
"""New events a worker ingests before its first ANALYZE."""
CHECKED_TABLES = (
    t.invitations,
    t.reports,
    t.messages,
    t.profiles,
    t.memberships,
    t.connections,
)
"""The tables the checks read (queries.py, complainers.py)."""


class Statistics:
    def __init__(self, engine: Engine, analyze_from: int = ANALYZE_FROM) -> None:
        self.engine = engine
        self.active = engine.dialect.name == "postgresql"
        """SQLite plans without statistics of this kind; nothing to do there."""
        self.analyze_from = analyze_from
        self.analyzed = 0
        """New events ingested by this worker up to its last ANALYZE."""
        self.pending = 0
        """New events ingested by this worker since its last ANALYZE."""
        self._lock = threading.Lock()

    def ingested(self, new: int) -> bool:
        """Count a committed batch's new events; ANALYZE when they reach the threshold.
        Returns whether it did. Batches of one worker may commit in several threads."""
        if not self.active or not new:
            return False
        with self._lock:
            self.pending += new
            if self.pending < max(self.analyze_from, self.analyzed):
                return False
            self.analyzed, self.pending = self.analyzed + self.pending, 0
        names = ", ".join(table.name for table in CHECKED_TABLES)
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"ANALYZE {names}"))
        return True
