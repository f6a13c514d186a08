"""The gate's service on PostgreSQL (issue 22): ingestion in events/s through POST /v1/events,
then POST /v1/invitations/check latency at a fixed rate, on the real server
(`kontaktfilter gate serve`) on loopback with a fresh database.

Ingestion: a simulated network's stream (gate/simulator.py), cut into batches whose JSON bodies
are built before the clock starts, posted by `--posters` concurrent clients; events/s is all
events over the wall time from the first POST to the last answer, and the store is counted
afterwards. Checks: open loop, requests leave on a fixed schedule and each latency runs from its
*scheduled* send to its answer (a stalled server cannot hide); senders and recipients are members
of the ingested network, half of the bodies carry a note (a template copy or a personal note),
and each asks for the moment of the stream's last event, so the senders' windows hold what the
stream wrote (without `at` a check decides for today, whose window the simulated stream missed).
Exits 1 unless >= 5,000 events/s, p99 <= 10 ms at 300 requests/s, and no error.

What a check costs is printed beside its latency (on Linux, from /proc): the CPU the server's
processes, PostgreSQL's processes and this client spent during the checks, per check. At 300
checks/s on two cores, 3.3 ms of CPU per check in all would fill both.

    scripts/with-postgres .venv/bin/python bench/bench_gate_serve.py [--users 3000] [--days 20]
        [--rate 300] [--seconds 20] [--posters 2] [--workers 1] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kontaktfilter.gate import tables
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.simulated_notes import personal_note, template_note
from kontaktfilter.gate.simulator import Network

BAR_EVENTS_PER_S = 5000
BAR_P99_MS = 10.0
BAR_RATE = 300.0


@contextmanager
def fresh_database(url: str | None):
    """The given database, or a new one on KONTAKTFILTER_TEST_PG's server, dropped afterwards."""
    if url:
        yield url
        return
    server = os.environ.get("KONTAKTFILTER_TEST_PG")
    if not server:
        sys.exit("no database: pass --db URL or run under scripts/with-postgres")
    admin = make_url(server).set(drivername="postgresql")
    name = f"gate_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def served(db: str, workers: int):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    executable = Path(sys.executable).with_name("kontaktfilter")
    command = [
        str(executable),
        "gate",
        "serve",
        "--db",
        db,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield f"http://127.0.0.1:{port}", process
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, -15):
                log.seek(0)
                print(log.read().decode("utf-8", "replace")[-3000:])


def wait_ready(url: str, key: str, process: subprocess.Popen) -> None:
    body = {"sender": "a", "recipient": "b"}
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"the gate exited with {process.returncode}")
        try:
            answer = httpx.post(
                f"{url}/v1/messages/check", json=body, headers={"X-API-Key": key}, trust_env=False
            )
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    sys.exit("the gate did not answer within 30 s")


def ingest(url: str, key: str, bodies: list[bytes], posters: int) -> tuple[float, list[str]]:
    errors: list[str] = []
    queue = list(reversed(bodies))
    lock = threading.Lock()

    def post() -> None:
        headers = {"X-API-Key": key, "content-type": "application/json"}
        with httpx.Client(trust_env=False, timeout=120) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    body = queue.pop()
                answer = client.post(f"{url}/v1/events", content=body, headers=headers)
                if answer.status_code != 200:
                    errors.append(f"{answer.status_code}: {answer.text[:200]}")

    threads = [threading.Thread(target=post) for _ in range(posters)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


async def exchange(pool: asyncio.LifoQueue, host: str, port: int, message: bytes) -> int:
    """One request on a kept connection (a new one when the pool has none or it was closed)."""
    connection = await pool.get()
    try:
        if connection is None or connection[0].at_eof():
            connection = await asyncio.open_connection(host, port)
        reader, writer = connection
        writer.write(message)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        pool.put_nowait(connection)
        return status
    except BaseException:
        if connection is not None:
            connection[1].close()
        pool.put_nowait(None)
        raise


async def open_loop(url: str, messages: list[bytes], rate: float, seconds: float):
    host, port = url.removeprefix("http://").split(":")
    pool: asyncio.LifoQueue = asyncio.LifoQueue()
    for _ in range(64):
        pool.put_nowait(None)
    latencies: list[float] = []
    errors: list[str] = []
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    count = int(rate * seconds)

    async def one(index: int) -> None:
        scheduled = start + index / rate
        await asyncio.sleep(max(0.0, scheduled - loop.time()))
        try:
            status = await exchange(pool, host, int(port), messages[index % len(messages)])
            if status != 200:
                errors.append(str(status))
        except (OSError, asyncio.IncompleteReadError) as exc:
            errors.append(type(exc).__name__)
        latencies.append(loop.time() - scheduled)

    await asyncio.gather(*(one(i) for i in range(count)))
    return sorted(latencies), errors, count / (loop.time() - start)


def checks(members: list[str], count: int) -> list[tuple[str, str, str]]:
    """The checks' (sender, recipient, note): random pairs of members, a quarter with a
    template copy, a quarter with a personal note, half without a note (gate_check_tail.py and
    gate_check_ab.py time the same ones in process)."""
    rng = random.Random(7)
    made = []
    for _ in range(count):
        sender, recipient = rng.sample(members, 2)
        roll = rng.random()
        note = (
            template_note(rng, recipient)
            if roll < 0.25
            else (personal_note(rng, recipient) if roll < 0.5 else "")
        )
        made.append((sender, recipient, note))
    return made


def check_messages(url: str, key: str, members: list[str], count: int, at: datetime) -> list[bytes]:
    authority = url.removeprefix("http://")
    messages = []
    for sender, recipient, note in checks(members, count):
        fields = {"sender": sender, "recipient": recipient, "note": note, "at": at.isoformat()}
        body = json.dumps(fields).encode()
        head = (
            f"POST /v1/invitations/check HTTP/1.1\r\nHost: {authority}\r\n"
            f"X-API-Key: {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        messages.append(head.encode() + body)
    return messages


def parent_of(pid: int) -> int:
    """The parent process (PostgreSQL's postmaster for a backend); 0 without /proc."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def cpu_seconds(root: int) -> float:
    """CPU time (user and system) of a process and its descendants so far; 0 without /proc."""
    proc = Path("/proc")
    if not root or not proc.is_dir():
        return 0.0
    stats: dict[int, list[str]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # it ended meanwhile
                continue
    parents = {pid: int(fields[1]) for pid, fields in stats.items()}
    total = 0
    for pid, fields in stats.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    return values[min(int(share * len(values)), len(values) - 1)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--posters", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rate", type=float, default=BAR_RATE)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    network = Network(args.users, args.days, seed=3)
    events = list(network.events())
    bodies = [
        json.dumps(
            {"events": [json.loads(e.model_dump_json()) for e in events[i : i + args.batch]]}
        ).encode()
        for i in range(0, len(events), args.batch)
    ]
    print(
        f"stream: {len(events)} events of {args.users} members over {args.days} days, "
        f"{len(bodies)} batches of {args.batch}"
    )
    with fresh_database(args.db) as db:
        setup = Gate(db)
        key = setup.store.clients.add("bench")
        with served(db, args.workers) as (url, process):
            wait_ready(url, key, process)
            seconds, errors = ingest(url, key, bodies, args.posters)
            with setup.db.connect() as conn:
                stored = conn.execute(select(func.count()).select_from(tables.events)).scalar()
            rate = len(events) / seconds
            print(
                f"ingestion: {len(events)} events in {seconds:.1f} s = {rate:,.0f} events/s "
                f"({args.posters} posters, {args.workers} worker(s)); {stored} in the ledger; "
                f"{len(errors)} errors {errors[:3]}"
            )
            members = sorted(m.key for m in network.members)
            messages = check_messages(url, key, members, 2000, events[-1].at)
            with setup.db.connect() as conn:
                backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            postmaster = parent_of(backend)
            before = cpu_seconds(process.pid), cpu_seconds(postmaster), time.process_time()
            latencies, check_errors, achieved = asyncio.run(
                open_loop(url, messages, args.rate, args.seconds)
            )
            after = cpu_seconds(process.pid), cpu_seconds(postmaster), time.process_time()
        setup.close()
    p50, p90, p99 = (percentile(latencies, s) for s in (0.5, 0.9, 0.99))
    print(
        f"invitations/check: {len(latencies)} requests at {achieved:.0f}/s (asked "
        f"{args.rate:g}): p50 {p50:.2f} ms, p90 {p90:.2f} ms, p99 {p99:.2f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms; {len(check_errors)} errors {check_errors[:3]}"
    )
    spent = zip(before, after, strict=True)
    server, database, client = ((b - a) / len(latencies) * 1000 for a, b in spent)
    print(
        f"CPU per check: server {server:.2f} ms, PostgreSQL {database:.2f} ms, this client "
        f"{client:.2f} ms; load average before the run {load:.2f}"
    )
    bars = {
        f"ingestion >= {BAR_EVENTS_PER_S} events/s": rate >= BAR_EVENTS_PER_S
        and not errors
        and stored == len(events),
        f"check p99 <= {BAR_P99_MS:g} ms at {args.rate:g}/s, 0 errors": p99 <= BAR_P99_MS
        and not check_errors
        and achieved >= 0.95 * args.rate
        and args.rate >= BAR_RATE,
    }
    for bar, met in bars.items():
        print(f"{'met' if met else 'NOT MET'}: {bar}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
