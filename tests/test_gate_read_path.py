"""The check's read path on a network with busy senders (collectors and tools with 200+
invitations, parties, brigades): the figures the store reads are held to a direct recount in
memory (the replay's tracker), and every decision of the check path, which reads the
complainers only when they can decide, to the decision on the recount's full figures. The
reputation's bound is held to the reputation itself."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from gate_helpers import replayed_network
from kontaktfilter.gate import complainers, queries
from kontaktfilter.gate.activity import Complaint, SenderActivity
from kontaktfilter.gate.decisions import check_invitation
from kontaktfilter.gate.events import InvitationSent
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.queries import invitation_facts, pair_facts, sender_activity
from kontaktfilter.gate.reputation import fires, may_decide, reputation
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.simulator import Network
from kontaktfilter.gate.statements import compiled
from kontaktfilter.gate.statistics import CHECKED_TABLES, Statistics

BUSY = 200
"""Invitations in the stream from which a sender counts as busy (gate_check_tail.py's bucket)."""


def test_busy_senders_read_alike_and_decide_alike(store_url: str) -> None:
    network = Network(500, 20, seed=3)
    gate, events, tracker = replayed_network(store_url, network)
    sent = Counter(e.sender for e in events if isinstance(e, InvitationSent))
    busy = sorted(s for s, count in sent.items() if count >= BUSY)
    others = sorted(s for s, count in sent.items() if count < BUSY)
    senders = busy + others[:: max(len(others) // 40, 1)]
    members = sorted(m.key for m in network.members)
    rng = random.Random(11)
    end = max(event.at for event in events)
    seen = Counter()
    for now in (end, end + timedelta(days=4)):
        for sender in senders:
            recount = tracker.activity(sender, now)
            recipient = rng.choice(members)
            with gate.reader.connection() as conn:
                assert sender_activity(conn, sender, now, gate.policy) == recount
                act, pair = invitation_facts(conn, sender, recipient, now, gate.policy)
                assert pair == pair_facts(conn, sender, recipient, now, gate.policy)
            reporters = sum(c.kind == "report" for c in recount.complaints)
            read = may_decide(reporters, recount.declined, recount.accepted, gate.policy)
            assert act == (recount if read else replace(recount, complaints=()))
            full = check_invitation(recount, pair, gate.policy)
            assert check_invitation(act, pair, gate.policy) == full
            assert gate.check_invitation(sender, recipient, "", now)[0] == full
            seen["reputation"] += any(r.name == "REPUTATION" for r in full.reasons)
            seen["skipped"] += bool(recount.complaints) and not act.complaints
            seen["party"] += recount.mutual_in_group >= 5
    gate.close()
    assert len(busy) >= 10
    # The network exercises each part: complainers read because they decide, complainers
    # left unread because they cannot, and contact parties counted by the rewritten join.
    assert seen["reputation"] and seen["skipped"] and seen["party"], seen


@pytest.mark.parametrize(
    ("reporters", "declined", "accepted", "decides"),
    [
        (3, 0, 0, True),  # three reports of full standing reach the minimum weight
        (2, 3, 0, False),  # 2.75 at most: below the minimum weight
        (2, 4, 0, True),
        (0, 12, 0, True),  # declines alone, 0.25 each
        (3, 0, 2, True),  # 3 / (3 + 2 + 1) = 0.5: the limit
        (3, 0, 3, False),  # 3 / 7 < 0.5
        (20, 100, 250, False),  # a busy honest sender: many complaints, more acceptances
    ],
)
def test_the_bound_on_complaints(reporters: int, declined: int, accepted: int, decides: bool):
    assert may_decide(reporters, declined, accepted, GatePolicy()) is decides


def test_no_complaints_below_the_bound_make_the_reputation_fire() -> None:
    policy, rng, now = GatePolicy(), random.Random(5), datetime(2026, 6, 1)
    for _ in range(3000):
        people = [
            Complaint(
                rng.choice(("report", "decline")),
                rng.choice((None, date(2026, 5, 30), date(2020, 1, 1))),
                accepted := rng.randint(0, 5),
                accepted + rng.randint(0, 5),
                rng.random() < 0.9,
            )
            for _ in range(rng.randint(0, 12))
        ]
        reporters = sum(c.kind == "report" for c in people)
        declined = len(people) - reporters + rng.randint(0, 3)  # a decliner may decline twice
        act = SenderActivity(now=now, accepted=rng.randint(0, 8), complaints=tuple(people))
        if fires(reputation(act, policy), policy):
            assert may_decide(reporters, declined, act.accepted, policy)


def test_a_worker_analyzes_the_checked_tables_as_its_ingestion_doubles(store_url: str) -> None:
    gate = Gate(store_url)
    postgres = gate.db.dialect.name == "postgresql"
    if postgres:  # autovacuum must not analyze them meanwhile: only the worker's ANALYZE counts
        with gate.db.begin() as conn:
            for table in CHECKED_TABLES:
                conn.execute(text(f"ALTER TABLE {table.name} SET (autovacuum_enabled = false)"))
    gate.store.statistics = Statistics(gate.db, analyze_from=100)
    events = list(Network(60, 10, seed=2).events())[:700]
    schedule, planned = [], []
    for start in range(0, len(events), 50):
        assert gate.store.ingest(events[start : start + 50], "sim").new == 50
        schedule.append(gate.store.statistics.analyzed)
        planned.append(_has_statistics(gate))
    gate.close()
    if not postgres:
        assert set(schedule) == {0} and not any(planned)
        return
    # After 100 new events (batch 2 of 50), then 100 more, then 200: each time as many as before.
    assert schedule == [0] + [100] * 2 + [200] * 4 + [400] * 7
    assert planned == [False] + [True] * 13


def _has_statistics(gate: Gate) -> bool:
    """Whether PostgreSQL has analyzed the invitations (reltuples is -1 until then)."""
    if gate.db.dialect.name != "postgresql":
        return False
    with gate.db.connect() as conn:
        query = "SELECT reltuples FROM pg_class WHERE relname = 'gate_invitations'"
        return conn.execute(text(query)).scalar() >= 0


PSYCOPG_PARSE_CACHE = 4096
"""psycopg caches its parsing of a statement's text up to this many bytes
(`psycopg._queries.MAX_CACHED_STATEMENT_LENGTH`); a longer one is parsed on every check."""


@pytest.mark.parametrize(("sender", "pair"), [(True, True), (True, False), (False, True)])
def test_the_check_statements_stay_within_psycopgs_parse_cache(sender: bool, pair: bool) -> None:
    statements = [
        queries._statement("postgresql", sender, pair),
        complainers._statement("postgresql"),
    ]
    for statement in statements:
        assert len(compiled(statement)[0].encode()) <= PSYCOPG_PARSE_CACHE
