"""Bulk detection end to end: `kontaktfilter templates FILE --json` beside datasketch's
MinHashLSH, in one run.

Generates messages with planted templates (spintax choices, name swaps, small edits; German and
English) among unique background notes and writes them as a JSONL request file. Ours is the
user's command in a child process (start, reading, normalising, signatures, clustering, one output
line per message); datasketch reads the same file in this process. Both run on one core; from
`--all-cores-from` messages on, the command runs a second time on every core of the machine (its
default `--jobs`). Prints wall and CPU time, messages/s, the command's peak RSS per message (of
all its processes) and pairwise precision/recall against the planted truth, with ratios.

    python bench/bench_templates.py [--sizes 10000,100000,1000000] [--peer-max 100000]
        [--peer-shingle 2] [--peer-perm 64] [--all-cores-from 1000000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
from datasketch import MinHash, MinHashLSH

from kontaktfilter.bulk.index import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD
from kontaktfilter.bulk.normalise import template_tokens
from kontaktfilter.services.synthetic import spin

TEMPLATE_SHARE = 0.3
TEMPLATES = 40
FIRST = ["Anna", "Jonas", "Katrin", "Mehmet", "Laura", "Piotr", "Sofia", "Lukas", "Emma", "Ben"]
LAST = ["Berg", "Pfeiffer", "Albers", "Yilmaz", "Bennett", "Nowak", "Rossi", "Weber", "Smith"]
SPIN_DE = [
    "{Vielleicht|Eventuell|Möglicherweise} ergeben sich {wertvolle|spannende|interessante} "
    "Synergien zwischen uns. Ich {freue mich|würde mich freuen} auf Ihre Bestätigung.",
    "wie ich {lese|sehe}, sind Sie {ja auch|ebenfalls} in der Gruppe {Vertrieb|Mittelstand|"
    "Marketing} aktiv. {Kontakte schaden nur dem, der keine hat|Netzwerken lohnt sich immer}!",
    "ich {lade Sie|möchte Sie} herzlich zu meinem {kostenlosen|exklusiven} Webinar über "
    "{Neukundengewinnung|finanzielle Freiheit|Social Selling} einladen. Die Plätze sind begrenzt.",
    "ich suche {derzeit|aktuell} {gute|interessante} Kontakte aus dem Bereich {Gebäudetechnik|"
    "IT|Handwerk} und {würde mich freuen|freue mich}, wenn wir uns vernetzen.",
    "{vielen Dank|danke} für die Kontaktbestätigung! Gern {schicke|sende} ich Ihnen meinen "
    "{kostenlosen|gratis} Leitfaden für {mehr Umsatz|mehr Kunden} in {30|90} Tagen.",
]
SPIN_EN = [
    "I'd {love|like} to explore {potential|possible} synergies between our {companies|teams}. "
    "{Looking forward to connecting|Happy to connect}!",
    "{we're both|we are both} members of the {Sales Leaders|Growth Hackers|SaaS Founders} group. "
    "Your network is your net worth, so let's {connect|grow together}.",
    "{join|register for} my {free|exclusive} masterclass on {passive income|lead generation|"
    "LinkedIn growth} next week. {Seats are limited|Only a few seats left}.",
    "I help {coaches|consultants|agencies} {book|get} {10|20} qualified calls per month "
    "{without ads|on autopilot}. Would you be open to a {quick|short} chat?",
    "{thanks|thank you} for connecting! {Grab|Download} my {free|complimentary} guide to "
    "{scaling your business|doubling your revenue} here.",
]
VOCAB = [
    "".join(random.Random(i).choice("abcdefghiklmnoprstuvwz") for _ in range(3 + i % 7))
    for i in range(5000)
]


def edit(text: str, rng: random.Random) -> str:
    words = text.split()
    kind = rng.random()
    position = rng.randrange(len(words))
    if kind < 0.33:
        del words[position]
    elif kind < 0.66:
        words.insert(position, rng.choice(VOCAB))
    else:
        word = words[position]
        if len(word) > 3:
            cut = rng.randrange(1, len(word) - 1)
            words[position] = word[:cut] + word[cut + 1 :]
    return " ".join(words)


def generate(count: int, seed: int) -> tuple[list[tuple], np.ndarray]:
    """Messages (id, sender, text, time, names) and the planted template of each (-1: unique)."""
    rng = random.Random(seed)
    templates = [(t, "de") for t in SPIN_DE] + [(t, "en") for t in SPIN_EN]
    while len(templates) < TEMPLATES:  # distinct synthetic templates with three spin slots
        words = [rng.choice(VOCAB) for _ in range(rng.randint(22, 30))]
        for slot in rng.sample(range(len(words)), 3):
            words[slot] = "{" + "|".join(rng.choice(VOCAB) for _ in range(3)) + "}"
        templates.append((" ".join(words), rng.choice(["de", "en"])))
    start = datetime(2026, 1, 1)
    messages, truth = [], np.full(count, -1, dtype=np.int64)
    for index in range(count):
        sender = f"{rng.choice(FIRST)} {rng.choice(LAST)} {index}"
        recipient = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < TEMPLATE_SHARE:
            number = rng.randrange(len(templates))
            body, lang = templates[number]
            text = spin(body, rng)
            if rng.random() < 0.3:
                text = edit(text, rng)
            greeting = "Hallo" if lang == "de" else "Hi"
            closing = "Viele Grüße" if lang == "de" else "Best regards"
            text = (
                f"{greeting} {recipient.split()[0]}, {text} {closing}, {sender.rsplit(' ', 1)[0]}"
            )
            truth[index] = number
        else:
            text = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(15, 40)))
        at = start + timedelta(minutes=index)
        messages.append((f"m{index}", sender, text, at, (sender.rsplit(" ", 1)[0], recipient)))
    return messages, truth


def pairwise(truth: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Pairwise precision and recall from contingency counts (unclustered = singleton)."""
    size = len(truth)
    predicted = np.where(labels >= 0, labels, np.arange(size) + labels.max() + 2)
    actual = np.where(truth >= 0, truth, np.arange(size) + truth.max() + 2)

    def pairs(counts: np.ndarray) -> int:
        return int((counts * (counts - 1) // 2).sum())

    _, joint = np.unique(np.stack((actual, predicted)), axis=1, return_counts=True)
    together = pairs(joint)
    predicted_pairs = pairs(np.unique(predicted, return_counts=True)[1])
    actual_pairs = pairs(np.unique(actual, return_counts=True)[1])
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / actual_pairs if actual_pairs else 1.0
    return precision, recall


def repeats(size: int) -> int:
    """Small runs are noisy: both sides get the best of three there, one run otherwise."""
    return 3 if size <= 20_000 else 1


def write_jsonl(messages: list[tuple], path: Path) -> None:
    """The messages as the request file a user would pass to `kontaktfilter templates`."""
    with path.open("wb") as out:
        for msg_id, sender, text, at, (name, recipient) in messages:
            record = {
                "id": msg_id,
                "sender": {"id": sender, "name": name},
                "recipient": {"name": recipient},
                "text": text,
                "sent_at": at.isoformat(),
            }
            out.write(orjson.dumps(record) + b"\n")


@dataclass(frozen=True)
class Run:
    """One run of the command: wall and CPU seconds, peak resident memory, its labels."""

    wall: float
    cpu: float
    peak_rss: int
    labels: np.ndarray


def run_command(source: Path, size: int, cores: set[int] | None = None) -> Run:
    """`kontaktfilter templates FILE --json` in a child process, as a user runs it: interpreter
    start, imports, reading and parsing the file, normalising, signatures, clustering and
    writing one line per message; on this process's core, or on `cores`. Peak RSS is the
    largest sum over the child and its workers seen every 20 ms, or the child's own peak
    (wait4's ru_maxrss) when that is larger."""
    command = [str(Path(sys.executable).with_name("kontaktfilter")), "templates", str(source)]
    output = source.with_suffix(".out")

    def on_cores() -> None:
        if cores is not None:
            os.sched_setaffinity(0, cores)

    with output.open("wb") as out:
        begin = time.perf_counter()
        child = subprocess.Popen(
            [*command, "--json"], stdout=out, stderr=subprocess.DEVNULL, preexec_fn=on_cores
        )
        sampler = TreeMemory(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - begin
        sampled = sampler.stop()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} --json failed with {child.returncode}")
    clusters = [orjson.loads(line)["cluster"] for line in output.read_bytes().splitlines()]
    if len(clusters) != size:
        raise SystemExit(f"expected {size} lines of output, got {len(clusters)}")
    labels = np.array([-1 if c is None else c for c in clusters], dtype=np.int64)
    peak = max(usage.ru_maxrss * 1024, sampled)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak, labels)


class TreeMemory:
    """The largest resident memory of a process and its children together, sampled in a
    thread (wait4 gives the largest single process, not the sum of a parent and its workers)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, _tree_rss(self.pid))

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants now (Linux /proc; 0 elsewhere)."""
    total, pending = 0, [pid]
    while pending:
        process = pending.pop()
        try:
            status = Path(f"/proc/{process}/status").read_text()
            children = Path(f"/proc/{process}/task/{process}/children").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        pending.extend(int(child) for child in children.split())
    return total


def run_ours(source: Path, size: int) -> Run:
    """The fastest of `repeats` runs of the command (by wall time)."""
    runs = [run_command(source, size) for _ in range(repeats(size))]
    return min(runs, key=lambda run: run.wall)


def read_messages(source: Path, limit: int) -> list[tuple]:
    """The peer's reading of the same file: (id, sender, text, time, names) per line."""
    messages = []
    with source.open("rb") as lines:
        for line, _ in zip(lines, range(limit), strict=False):
            data = json.loads(line)
            names = (data["sender"]["name"], data["recipient"]["name"])
            at = datetime.fromisoformat(data["sent_at"])
            messages.append((data["id"], data["sender"]["id"], data["text"], at, names))
    return messages


@dataclass(frozen=True)
class Peer:
    """datasketch's settings: word n-gram length and permutations (ours: bigrams, 64)."""

    shingle: int
    num_perm: int


def run_peer(source: Path, size: int, peer: Peer) -> tuple[float, float, np.ndarray]:
    """Best wall time of `repeats` peer runs, its CPU time and its labels."""
    best = (float("inf"), 0.0, np.empty(0))
    for _ in range(repeats(size)):
        gc.collect()
        best = min(best, run_peer_once(source, size, peer), key=lambda run: run[0])
    return best


def run_peer_once(source: Path, size: int, peer: Peer) -> tuple[float, float, np.ndarray]:
    """datasketch from the same file: read it, one MinHash per message, MinHashLSH insert,
    then verified union-find; same normalisation and threshold as ours."""
    begin, begin_cpu = time.perf_counter(), time.process_time()
    messages = read_messages(source, size)
    lsh = MinHashLSH(threshold=DEFAULT_THRESHOLD, num_perm=peer.num_perm)
    hashes = []
    for msg_id, _, text, _, names in messages:
        tokens = template_tokens(text, names)
        minhash = MinHash(num_perm=peer.num_perm)
        grams = zip(*(tokens[start:] for start in range(peer.shingle)), strict=False)
        shingles = [" ".join(gram) for gram in grams] or tokens
        minhash.update_batch([s.encode() for s in shingles])
        lsh.insert(msg_id, minhash)
        hashes.append(minhash)
    row_of = {msg_id: row for row, (msg_id, *_) in enumerate(messages)}
    parent = list(range(len(messages)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for index, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            other_index = row_of[other]
            if other_index != index and minhash.jaccard(hashes[other_index]) >= DEFAULT_THRESHOLD:
                parent[root(index)] = root(other_index)
    roots = np.array([root(i) for i in range(len(messages))])
    _, inverse, counts = np.unique(roots, return_inverse=True, return_counts=True)
    labels = np.where(counts[inverse] > 1, inverse, -1)
    return time.perf_counter() - begin, time.process_time() - begin_cpu, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--peer-max", type=int, default=100_000)
    parser.add_argument("--peer-shingle", type=int, default=2, help="datasketch's word n-grams")
    parser.add_argument("--peer-perm", type=int, default=DEFAULT_NUM_PERM)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--all-cores-from", type=int, default=1_000_000, help="also run ours on every core"
    )
    args = parser.parse_args()
    peer = Peer(args.peer_shingle, args.peer_perm)
    every_core = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(every_core)})  # the one-core child inherits it
    print(
        "one core; 40 planted templates (spintax, name swaps, edits), 30% of messages; "
        f"ours: `kontaktfilter templates FILE --json` end to end; datasketch: word "
        f"{peer.shingle}-grams, {peer.num_perm} permutations, reading the same file"
    )
    with tempfile.TemporaryDirectory() as folder:
        warm_up = Path(folder, "warm.jsonl")
        write_jsonl(generate(2000, args.seed + 1)[0], warm_up)
        run_command(warm_up, 2000)  # both sides warm: files in the page cache, modules compiled
        run_peer_once(warm_up, 2000, peer)
        for size in (int(s) for s in args.sizes.split(",")):
            messages, truth = generate(size, args.seed)
            source = Path(folder, f"messages-{size}.jsonl")
            write_jsonl(messages, source)
            del messages
            report(size, truth, run_ours(source, size), source, args.peer_max, peer)
            if size >= args.all_cores_from and len(every_core) > 1:
                all_cores = run_command(source, size, every_core)
                report_all_cores(size, truth, all_cores, len(every_core))
            source.unlink()


def report(size: int, truth: np.ndarray, ours: Run, source: Path, peer_max: int, peer: Peer):
    """Print both sides' figures for one size and whether the issue's bars are met."""
    precision, recall = pairwise(truth, ours.labels)
    ours_rate = size / ours.wall
    per_message = ours.peak_rss / size
    print(f"\n== {size:,} messages")
    print(
        f"kontaktfilter  {ours.wall:7.2f} s wall  {ours.cpu:7.2f} s CPU  {ours_rate:>9,.0f} msg/s"
        f"  peak RSS {ours.peak_rss / 2**20:6.0f} MB = {per_message:6.0f} B/msg  "
        f"precision {precision:.4f}  recall {recall:.4f}"
    )
    peer_size = min(size, peer_max)
    peer_seconds, peer_cpu, peer_labels = run_peer(source, peer_size, peer)
    peer_precision, peer_recall = pairwise(truth[:peer_size], peer_labels)
    peer_rate = peer_size / peer_seconds
    note = "" if peer_size == size else f" (first {peer_size:,})"
    print(
        f"datasketch     {peer_seconds:7.2f} s wall  {peer_cpu:7.2f} s CPU  {peer_rate:>9,.0f} "
        f"msg/s{note}  precision {peer_precision:.4f}  recall {peer_recall:.4f}"
    )
    print(f"throughput ratio ours/datasketch: {ours_rate / peer_rate:.1f}x")
    bars = [
        ("precision >= peer", precision >= peer_precision),
        ("recall >= peer", recall >= peer_recall),
        ("throughput >= 5x peer", ours_rate >= 5 * peer_rate),
    ]
    if size >= 1_000_000:  # the bar for a million; below, the start's memory dominates
        bars += million_bars(ours, size, "one core")
    print_bars(bars)


def report_all_cores(size: int, truth: np.ndarray, ours: Run, cores: int) -> None:
    """The command's figures on every core, and the bars for a million with them."""
    precision, recall = pairwise(truth, ours.labels)
    print(
        f"kontaktfilter on all {cores} cores  {ours.wall:7.2f} s wall  {ours.cpu:7.2f} s CPU  "
        f"{size / ours.wall:>9,.0f} msg/s  peak RSS {ours.peak_rss / 2**20:6.0f} MB = "
        f"{ours.peak_rss / size:6.0f} B/msg  precision {precision:.4f}  recall {recall:.4f}"
    )
    if size >= 1_000_000:
        print_bars(million_bars(ours, size, "all cores"))


def million_bars(ours: Run, size: int, where: str) -> list[tuple[str, bool]]:
    return [
        (f"1M in <= 20 s ({where})", ours.wall <= 20),
        (f"<= 1 KB/msg ({where})", ours.peak_rss / size <= 1024),
    ]


def print_bars(bars: list[tuple[str, bool]]) -> None:
    print("bars: " + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in bars))


if __name__ == "__main__":
    main()
