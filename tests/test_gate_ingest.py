"""Ingestion by event id (issue 22, priority 2): a batch sent twice counts once, two workers on
one database count nothing twice, and a worker killed mid-batch loses no event once the batch
is sent again. Run on SQLite and on PostgreSQL for real."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gate_helpers import day
from kontaktfilter.gate import tables as t
from kontaktfilter.gate.events import EVENT, Event
from kontaktfilter.gate.runtime import Gate


def random_events(count: int, seed: int = 7) -> list[Event]:
    """Invitations among 60 members and their answers, reports, messages, profiles, groups."""
    rng = random.Random(seed)
    raw, open_ids = [], []
    for n in range(count):
        at = day(n / 200)
        a, b = rng.sample(range(60), 2)
        roll = rng.random()
        base = {"event_id": f"e{n}", "at": at}
        if roll < 0.4 or not open_ids:
            open_ids.append(f"i{n}")
            raw.append(
                base
                | {
                    "kind": "invitation_sent",
                    "invitation_id": f"i{n}",
                    "sender": f"m{a}",
                    "recipient": f"m{b}",
                    "note": "Hallo",
                }
            )
        elif roll < 0.7:
            kind = rng.choice(["accepted", "declined", "withdrawn", "ignored"])
            key = open_ids.pop(rng.randrange(len(open_ids)))
            raw.append(base | {"kind": f"invitation_{kind}", "invitation_id": key})
        elif roll < 0.8:
            raw.append(base | {"kind": "reported", "reporter": f"m{a}", "reported": f"m{b}"})
        elif roll < 0.9:
            raw.append(base | {"kind": "message_sent", "sender": f"m{a}", "recipient": f"m{b}"})
        elif roll < 0.95:
            raw.append(base | {"kind": "profile_updated", "user": f"m{a}", "contacts": n})
        else:
            raw.append(base | {"kind": "group_joined", "user": f"m{a}", "group": f"g{b % 5}"})
    return [EVENT.validate_python(item) for item in raw]


def summary(gate: Gate) -> dict[str, object]:
    """Everything the events change, to compare two stores."""
    with gate.db.connect() as conn:
        states = dict(
            (state, n)
            for state, n in conn.execute(
                select(t.invitations.c.state, func.count()).group_by(t.invitations.c.state)
            )
        )
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.events, t.connections, t.reports, t.messages, t.profiles, t.memberships)
        }
        contacts = conn.execute(select(func.sum(t.profiles.c.contacts))).scalar()
    return {"states": states, "counts": counts, "contacts": contacts}


@pytest.fixture
def gate(store_url: str) -> Iterator[Gate]:
    gate = Gate(store_url)
    yield gate
    gate.close()


def test_a_batch_sent_twice_counts_once(gate: Gate) -> None:
    events = random_events(600)
    first = gate.store.ingest(events, "test")
    once = summary(gate)
    again = gate.store.ingest(events[100:400], "test")
    assert (first.new, first.duplicates) == (600, 0)
    assert (again.new, again.duplicates) == (0, 300)
    assert summary(gate) == once
    assert once["counts"]["gate_events"] == 600


def test_two_workers_on_one_database_count_nothing_twice(store_url: str, tmp_path) -> None:
    """Both workers receive every event, in different batches and orders, at the same time."""
    events = random_events(3000, seed=11)
    workers = [Gate(store_url), Gate(store_url)]
    reference = Gate(f"sqlite:///{tmp_path / 'reference.db'}")
    reference.store.ingest(events, "reference")
    errors: list[BaseException] = []

    def work(gate: Gate, order: list[Event], size: int) -> None:
        try:
            for start in range(0, len(order), size):
                gate.store.ingest(order[start : start + size], "worker")
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    backwards = list(reversed(events))
    threads = [
        threading.Thread(target=work, args=(workers[0], events, 250)),
        threading.Thread(target=work, args=(workers[1], backwards, 170)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # The backwards worker sees answers before their invitations: they wait in the ledger.
    assert summary(workers[0]) == summary(reference)
    assert summary(workers[0])["counts"]["gate_events"] == 3000
    for gate in (*workers, reference):
        gate.close()


WORKER = """
import json, sys
from kontaktfilter.gate.events import EVENT
from kontaktfilter.gate.runtime import Gate
gate = Gate(sys.argv[1])
lines = open(sys.argv[2]).read().splitlines()
for start in range(0, len(lines), 500):
    gate.store.ingest([EVENT.validate_json(line) for line in lines[start:start + 500]], "w")
    print("batch", start // 500, flush=True)
"""


def test_a_worker_killed_mid_batch_loses_nothing_after_the_retry(
    store_url: str, tmp_path: Path
) -> None:
    events = random_events(12_000, seed=3)
    stream = tmp_path / "events.jsonl"
    stream.write_text("\n".join(event.model_dump_json() for event in events), "utf-8")
    reference = Gate(f"sqlite:///{tmp_path / 'reference.db'}")
    reference.store.ingest(events, "reference")
    command = [sys.executable, "-c", WORKER, store_url, str(stream)]
    worker = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None
    assert worker.stdout.readline().startswith("batch 0")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    gate = Gate(store_url)
    committed = summary(gate)["counts"]["gate_events"]
    assert committed % 500 == 0 and 500 <= committed < 12_000  # whole batches or nothing
    subprocess.run(command, check=True, capture_output=True)  # the restarted worker resends
    assert summary(gate) == summary(reference)
    gate.close()
    reference.close()


def test_the_ledger_keeps_each_event_as_sent(gate: Gate) -> None:
    events = random_events(50)
    gate.store.ingest(events, "test")
    with gate.db.connect() as conn:
        stored = dict(conn.execute(select(t.events.c.event_id, t.events.c.payload)).all())
    assert {key: json.loads(value) for key, value in stored.items()} == {
        event.event_id: json.loads(event.model_dump_json()) for event in events
    }
