"""Serving latency: the real server's stateless POST /api/score at a fixed request rate, beside
GET /api/health (the framework's own floor) on the same server in the same run.

Open loop: requests leave on a fixed schedule whatever the responses do, and each latency runs
from the request's *scheduled* send time to its response, so a stalled server shows up as
latency instead of as fewer requests (no coordinated omission). The client's own lag (actual
minus scheduled send) and both processes' CPU are printed too: a late client would make the
server look slower than it is. The server is `kontaktfilter serve` on a free loopback port with a
throwaway store and data folder (or --url drives one that is already running). The bodies are a
mix of the shipped sample inbox (personal notes, stock phrases, empty notes), bench_scoring's
generated notes and long notes, cycled. Exits 1 when the bar is not met: p99 <= 25 ms and no
errors at 300 requests/s.

    python bench/bench_serve.py [--rate 300] [--seconds 20] [--warmup 3] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench_scoring import generate
from kontaktfilter.model import Profile, Request
from kontaktfilter.services.synthetic import CITIES, EXTRA_SENTENCES

BAR_P99_MS = 25.0
BAR_RATE = 300.0
RATE_TOLERANCE = 0.95
"""The achieved rate must reach this share of the asked rate for the bar to count as met."""
SHARES = {"inbox": 0.35, "generated": 0.30, "empty": 0.20, "long": 0.15}
"""Mix of the request bodies: sample-inbox notes (with a sentence of their own added to most),
bench_scoring's stock and genuine sentences, empty notes (most LinkedIn invitations carry none;
fewer here, as they are the cheapest), long notes (several notes in one, 1-3k characters)."""
RECIPIENT = {
    "id": "xing-katrin-albers",
    "name": "Katrin Albers",
    "gender": "f",
    "headline": "Vertriebstrainerin | Podcast „Akquise ohne Klinkenputzen“ | Bremen",
    "offers": ["Vertriebstrainings für Innendienst-Teams", "Workshops Kaltakquise"],
    "seeks": ["Co-Moderation für meinen Podcast"],
    "interests": ["Segeln", "Chorsingen"],
    "groups": ["Vertrieb & Akquise Norddeutschland"],
    "publications": ["Podcast: Akquise ohne Klinkenputzen", "Buch: Cold Calling ohne Kälte"],
    "contacts": 820,
    "created": "2009-03-01",
    "membership": "premium",
}
"""The user of the sample inbox, as the platform gate would send her profile along."""
SCORE, HEALTH = "/api/score", "/api/health"
JSON_HEADERS = {"content-type": "application/json"}


# -- request bodies ----------------------------------------------------------------------------


def sample_inbox() -> list[dict[str, Any]]:
    text = (resources.files("kontaktfilter.data") / "sample_inbox.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def profile_json(profile: Profile) -> dict[str, Any]:
    """A Profile as the API's profile object, empty fields left out."""
    out: dict[str, Any] = {}
    for item in dataclasses.fields(profile):
        value = getattr(profile, item.name)
        if value in (None, "", ()):
            continue
        if isinstance(value, date):
            value = value.isoformat()
        out[item.name] = list(value) if isinstance(value, tuple) else value
    return out


def generated_body(request: Request, rng: random.Random) -> dict[str, Any]:
    """bench_scoring's request; the language left to the server's detection."""
    return {
        "text": request.text,
        "lang": None,
        "platform": rng.choice(["xing", "linkedin", "other"]),
        "sender": profile_json(request.sender),
        "recipient": profile_json(request.recipient),
    }


def inbox_body(row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A sample-inbox request, most with a sentence of their own (as synthetic.py does)."""
    text = row["text"]
    if text and rng.random() < 0.8:
        extra = rng.choice(EXTRA_SENTENCES).format(n=rng.randint(2, 25), city=rng.choice(CITIES))
        text = f"{text} {extra}"
    return {
        "text": text,
        "lang": row["lang"] if rng.random() < 0.7 else None,
        "platform": row["platform"],
        "sender": row["sender"],
        "recipient": RECIPIENT,
    }


def long_body(rows: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    """Several notes of one language run together, 1,000 to 3,000 characters."""
    lang = rng.choice(["de", "en"])
    notes = [r["text"] for r in rows if r["lang"] == lang and r["text"]]
    target, parts = rng.randint(1000, 3000), []
    while sum(len(p) + 1 for p in parts) < target:
        parts.append(rng.choice(notes))
    row = rng.choice(rows)
    return {
        "text": " ".join(parts),
        "lang": lang,
        "platform": row["platform"],
        "sender": row["sender"],
        "recipient": RECIPIENT,
    }


def request_bodies(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = sample_inbox()
    generated = iter(generate(count, seed))
    kinds = rng.choices(list(SHARES), weights=list(SHARES.values()), k=count)
    bodies = []
    for kind in kinds:
        if kind == "generated":
            bodies.append(generated_body(next(generated), rng))
        elif kind == "long":
            bodies.append(long_body(rows, rng))
        else:
            body = inbox_body(rng.choice(rows), rng)
            if kind == "empty":
                body["text"] = ""
            bodies.append(body)
    return bodies


def describe(bodies: list[dict[str, Any]]) -> str:
    lengths = sorted(len(b["text"]) for b in bodies)
    langs = Counter(b["lang"] or "detect" for b in bodies)
    mix = ", ".join(f"{k} {v / len(bodies):.0%}" for k, v in sorted(langs.items()))
    empty = sum(1 for n in lengths if n == 0) / len(bodies)
    return (
        f"{len(bodies)} bodies cycled: lang {mix}; empty {empty:.0%}; "
        f"note chars median {lengths[len(lengths) // 2]}, max {lengths[-1]}"
    )


# -- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_log(log: Path) -> str:
    return log.read_text("utf-8", "replace").strip() or "(the server printed nothing)"


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {process.returncode} before answering:\n" + server_log(log)
            )
        try:
            if httpx.get(url + HEALTH, timeout=1.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"the server did not answer GET {HEALTH} with 200 within {timeout:g} s:\n" + server_log(log)
    )


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def served(start_timeout: float) -> Iterator[tuple[str, int]]:
    """`kontaktfilter serve` on a free loopback port, its store and data folder thrown away
    afterwards; yields the base URL and the server's process id."""
    executable = Path(sys.executable).with_name("kontaktfilter")
    with tempfile.TemporaryDirectory(prefix="kontaktfilter-bench-") as folder:
        port, log = free_port(), Path(folder) / "server.log"
        command = [
            str(executable),
            "--db",
            f"sqlite:///{folder}/bench.db",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        env = {**os.environ, "XDG_DATA_HOME": folder}
        with log.open("wb") as output:
            # Its own session: Ctrl-C reaches the bench only, which then stops the server.
            process = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            url = f"http://127.0.0.1:{port}"
            began = time.perf_counter()
            wait_healthy(url, process, log, start_timeout)
            print(f"server: kontaktfilter serve, pid {process.pid}, throwaway store in {folder}")
            print(f"        answered {HEALTH} after {time.perf_counter() - began:.1f} s")
            yield url, process.pid
        finally:
            stop(process)


def cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU of a process (all its threads), from /proc; None elsewhere."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- open-loop load ----------------------------------------------------------------------------


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Connections:
    """Keep-alive HTTP/1.1 connections to one server, at most `size`, the most recently used
    first. A minimal client on purpose (fixed requests, Content-Length bodies): httpx.AsyncClient
    took about a millisecond of CPU per request (a third of a core at 300 req/s, this client a
    twentieth), and on a small machine shared with the server that shows up as server latency."""

    def __init__(self, url: str, size: int) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.authority = parts.netloc
        self.opened = self.resent = 0
        self.slots: asyncio.LifoQueue[Connection | None] = asyncio.LifoQueue()
        for _ in range(size):
            self.slots.put_nowait(None)  # None: a slot without an open connection

    def message(self, method: str, path: str, body: bytes | None) -> bytes:
        """The request's bytes, built once per distinct body."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.authority}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return (head + "\r\n").encode("ascii") + (body or b"")

    async def exchange(self, message: bytes) -> int:
        """Send one request, read the whole response; its status code. A kept connection the
        server has closed meanwhile (uvicorn drops idle ones after 5 s) is replaced, and when
        the close crosses the request, the request is sent once more on a new connection, as
        HTTP clients do: score and health change nothing."""
        connection = await self.slots.get()
        try:
            if connection is not None and connection[0].at_eof():
                connection[1].close()
                connection = None
            reused = connection is not None
            if connection is None:
                connection = await self.open()
            try:
                status, keep = await send(connection, message)
            except (asyncio.IncompleteReadError, ConnectionResetError) as exc:
                if not reused or getattr(exc, "partial", b""):
                    raise
                connection[1].close()
                self.resent += 1
                connection = await self.open()
                status, keep = await send(connection, message)
        except BaseException:
            if connection is not None:
                connection[1].close()
            self.slots.put_nowait(None)
            raise
        if not keep:
            connection[1].close()
        self.slots.put_nowait(connection if keep else None)
        return status

    async def open(self) -> Connection:
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        while not self.slots.empty():
            connection = self.slots.get_nowait()
            if connection is not None:
                connection[1].close()


async def send(connection: Connection, message: bytes) -> tuple[int, bool]:
    """Status code and whether the connection stays open; the body is read and dropped."""
    reader, writer = connection
    writer.write(message)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "chunked" in headers.get("transfer-encoding", ""):
        raise ProtocolError("chunked response")
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection") != "close"


class ProtocolError(Exception):
    """A response this minimal client does not read (counted as an error of its own kind)."""


@dataclass
class Phase:
    label: str
    sent: int = 0
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    first_scheduled: float = math.inf
    last_done: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float | None = None

    @property
    def rate(self) -> float:
        window = self.last_done - self.first_scheduled
        return self.ok / window if window > 0 else 0.0


async def one(
    connections: Connections, message: bytes, scheduled: float, timeout: float, phase: Phase | None
) -> None:
    """One request; its latency runs from the scheduled send. `phase` None: warm-up."""
    lag = time.perf_counter() - scheduled
    try:
        async with asyncio.timeout(timeout):
            status = await connections.exchange(message)
        outcome = "ok" if 200 <= status < 300 else f"HTTP {status}"
    except TimeoutError:
        outcome = f"no answer within {timeout:g} s"
    except Exception as exc:  # refused, reset, cut short, unreadable: counted by kind
        outcome = type(exc).__name__
    done = time.perf_counter()
    if phase is None:
        return
    phase.lags.append(lag)
    phase.first_scheduled = min(phase.first_scheduled, scheduled)
    phase.last_done = max(phase.last_done, done)
    if outcome == "ok":
        phase.ok += 1
        phase.latencies.append(done - scheduled)
    else:
        phase.errors[outcome] += 1


async def drive(
    connections: Connections,
    label: str,
    messages: list[bytes],
    args: argparse.Namespace,
    server_pid: int | None,
) -> Phase:
    """Send at `args.rate` for warm-up plus measured seconds on a fixed schedule; each request
    is its own task, so a slow answer delays no later send."""
    phase = Phase(label)
    interval = 1.0 / args.rate
    warm = round(args.warmup * args.rate)
    total = warm + round(args.seconds * args.rate)
    tasks: list[asyncio.Task] = []
    start = time.perf_counter() + 0.05
    client_cpu, server_cpu = 0.0, None
    for index in range(total):
        if index == warm:
            client_cpu, server_cpu = time.process_time(), cpu_seconds(server_pid)
        scheduled = start + index * interval
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        measured = phase if index >= warm else None
        if measured is not None:
            phase.sent += 1
        message = messages[index % len(messages)]
        tasks.append(
            asyncio.create_task(one(connections, message, scheduled, args.timeout, measured))
        )
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - (start + warm * interval)
    phase.client_cpu = (time.process_time() - client_cpu) / elapsed
    server_now = cpu_seconds(server_pid)
    if server_now is not None and server_cpu is not None:
        phase.server_cpu = (server_now - server_cpu) / elapsed
    return phase


def check_bodies(url: str, bodies: list[bytes]) -> None:
    """Every body once, one at a time: each must get a verdict (a bench of 422s proves nothing)."""
    with httpx.Client(base_url=url, timeout=30.0, trust_env=False) as client:
        for body in bodies:
            try:
                response = client.post(SCORE, content=body, headers=JSON_HEADERS)
            except httpx.HTTPError as exc:
                raise RuntimeError(f"POST {url}{SCORE}: {exc}") from None
            verdict = response.json() if response.status_code == 200 else {}
            if not {"category", "action", "score", "signals"} <= verdict.keys():
                raise RuntimeError(
                    f"POST {SCORE} answered {response.status_code} {response.text[:300]!r} "
                    f"to {body[:200]!r}"
                )


def bench(url: str, server_pid: int | None, args: argparse.Namespace) -> list[Phase]:
    """Check every body gets a verdict, then the score phase, then the health phase."""
    bodies = [json.dumps(b).encode() for b in request_bodies(args.bodies, args.seed)]
    check_bodies(url, bodies)
    return asyncio.run(load(url, server_pid, bodies, args))


async def load(
    url: str, server_pid: int | None, bodies: list[bytes], args: argparse.Namespace
) -> list[Phase]:
    """Both phases with the client's cyclic garbage collector off: its full passes stalled the
    client's schedule by up to 30 ms, which would count as server latency."""
    connections = Connections(url, args.connections)
    gc.collect()
    gc.disable()
    try:
        scores = [connections.message("POST", SCORE, body) for body in bodies]
        score = await drive(connections, f"POST {SCORE}", scores, args, server_pid)
        health = [connections.message("GET", HEALTH, None)]
        phases = [score, await drive(connections, f"GET {HEALTH}", health, args, server_pid)]
    finally:
        gc.enable()
        connections.close()
    print(
        f"client: {connections.opened} connections opened (at most {args.connections} at once), "
        f"{connections.resent} requests resent after the server closed an idle connection"
    )
    return phases


# -- report ------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest rank; NaN for no values."""
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, math.ceil(share * len(sorted_values)) - 1)]


def report(phase: Phase) -> dict[str, float]:
    latencies = sorted(x * 1000 for x in phase.latencies)
    lags = sorted(x * 1000 for x in phase.lags)
    figures = {
        "p50": percentile(latencies, 0.50),
        "p90": percentile(latencies, 0.90),
        "p99": percentile(latencies, 0.99),
        "max": latencies[-1] if latencies else math.nan,
    }
    errors = sum(phase.errors.values())
    server = "n/a" if phase.server_cpu is None else f"{phase.server_cpu:.0%}"
    print(
        f"{phase.label:<17} sent {phase.sent:>6}  ok {phase.ok:>6}  errors {errors:>4}  "
        f"{phase.rate:>6.1f} req/s  p50 {figures['p50']:6.2f}  p90 {figures['p90']:6.2f}  "
        f"p99 {figures['p99']:6.2f}  max {figures['max']:7.2f} ms"
    )
    print(
        f"{'':<17} client lag p50 {percentile(lags, 0.5):.2f} p99 {percentile(lags, 0.99):.2f} "
        f"max {lags[-1] if lags else math.nan:.2f} ms;  CPU of one core: "
        f"client {phase.client_cpu:.0%}, server {server}"
    )
    for kind, count in phase.errors.most_common():
        print(f"{'':<17} error {kind}: {count}")
    return figures


def verdict(phase: Phase, figures: dict[str, float], rate: float) -> bool:
    errors = sum(phase.errors.values())
    misses = []
    if rate < BAR_RATE:
        misses.append(f"asked for {rate:g} req/s, the bar is at {BAR_RATE:g}")
    if phase.rate < RATE_TOLERANCE * rate:
        misses.append(f"achieved {phase.rate:.1f} req/s")
    if errors:
        misses.append(f"{errors} errors")
    if not figures["p99"] <= BAR_P99_MS:
        misses.append(f"p99 {figures['p99']:.2f} ms")
    print(
        f"bar: {phase.label} p99 <= {BAR_P99_MS:g} ms and 0 errors at {BAR_RATE:g} req/s: "
        + ("PASS" if not misses else "FAIL (" + "; ".join(misses) + ")")
        + f"  [measured p99 {figures['p99']:.2f} ms, {errors} errors, {phase.rate:.1f} req/s]"
    )
    return not misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=BAR_RATE, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per endpoint")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds sent, not counted")
    parser.add_argument("--bodies", type=int, default=400, help="distinct score bodies, cycled")
    parser.add_argument("--connections", type=int, default=100, help="keep-alive pool size")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--start-timeout", type=float, default=60.0, help="server start, seconds")
    parser.add_argument("--url", help="drive this running server instead of starting one")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.rate <= 0 or args.seconds <= 0 or args.warmup < 0 or args.bodies < 1:
        parser.error("--rate, --seconds and --bodies must be positive, --warmup not negative")
    if args.url and (urlsplit(args.url).scheme != "http" or not urlsplit(args.url).hostname):
        parser.error("--url must be http://HOST:PORT (this client speaks plain HTTP/1.1)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on kill, too
    print(
        f"open loop: {args.rate:g} req/s per endpoint, {args.seconds:g} s measured after "
        f"{args.warmup:g} s warm-up; latency from the scheduled send to the response (ok only)"
    )
    print(describe(request_bodies(args.bodies, args.seed)))
    try:
        if args.url:
            print(f"server: {args.url} (already running; its CPU is not measured)")
            phases = bench(args.url.rstrip("/"), None, args)
        else:
            with served(args.start_timeout) as (url, pid):
                phases = bench(url, pid, args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the server is stopped", file=sys.stderr)
        return 130
    score, health = (report(phase) for phase in phases)
    print(
        f"ratio score/health: p50 {score['p50'] / health['p50']:.1f}x, "
        f"p99 {score['p99'] / health['p99']:.1f}x"
    )
    return 0 if verdict(phases[0], score, args.rate) else 1


if __name__ == "__main__":
    sys.exit(main())
