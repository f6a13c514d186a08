"""Bulk detection: kontaktfilter's TemplateIndex beside datasketch's MinHashLSH, in one run.

Generates messages with planted templates (spintax choices, name swaps, small edits; German and
English) among unique background notes, clusters them with both, and prints time, messages/s,
memory per message and pairwise precision/recall against the planted truth, with ratios.

    python bench/bench_templates.py [--sizes 10000,100000,1000000] [--peer-max 100000]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
import tracemalloc
from datetime import datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from kontaktfilter.bulk.index import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD, TemplateIndex
from kontaktfilter.bulk.normalise import template_tokens

TEMPLATE_SHARE = 0.3
TEMPLATES = 40
BATCH = 20_000
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


def spin(template: str, rng: random.Random) -> str:
    out, rest = [], template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        options, _, rest = tail.partition("}")
        out += [head, rng.choice(options.split("|"))]
    return "".join(out) + rest


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


def build(messages: list[tuple]) -> tuple[TemplateIndex, np.ndarray]:
    index = TemplateIndex()
    for start in range(0, len(messages), BATCH):
        index.add_many(messages[start : start + BATCH])
    return index, index.labels()


def run_ours(messages: list[tuple]) -> tuple[float, np.ndarray, float]:
    """Time one run; measure memory in a second, traced run (tracing slows allocation)."""
    elapsed = float("inf")
    for _ in range(repeats(len(messages))):
        gc.collect()
        begin = time.perf_counter()
        _, labels = build(messages)
        elapsed = min(elapsed, time.perf_counter() - begin)
    gc.collect()
    tracemalloc.start()
    index, _ = build(messages)
    retained, _ = tracemalloc.get_traced_memory()  # the index is still alive here
    tracemalloc.stop()
    # the index keeps each text; they were created before tracing began, so count them here
    texts = sum(sys.getsizeof(text) for _, _, text, _, _ in messages)
    return elapsed, labels, (retained + texts) / len(index)


def run_peer(messages: list[tuple]) -> tuple[float, np.ndarray]:
    """Best time of `repeats` peer runs and its labels."""
    best, labels = float("inf"), np.empty(0)
    for _ in range(repeats(len(messages))):
        gc.collect()
        seconds, labels = run_peer_once(messages)
        best = min(best, seconds)
    return best, labels


def run_peer_once(messages: list[tuple]) -> tuple[float, np.ndarray]:
    """datasketch: one MinHash per message, MinHashLSH insert, then verified union-find."""
    begin = time.perf_counter()
    lsh = MinHashLSH(threshold=DEFAULT_THRESHOLD, num_perm=DEFAULT_NUM_PERM)
    hashes = []
    for msg_id, _, text, _, names in messages:
        tokens = template_tokens(text, names)
        minhash = MinHash(num_perm=DEFAULT_NUM_PERM)
        shingles = [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)] or tokens
        minhash.update_batch([s.encode() for s in shingles])
        lsh.insert(msg_id, minhash)
        hashes.append(minhash)
    parent = list(range(len(messages)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for index, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            other_index = int(other[1:])
            if other_index != index and minhash.jaccard(hashes[other_index]) >= DEFAULT_THRESHOLD:
                parent[root(index)] = root(other_index)
    roots = np.array([root(i) for i in range(len(messages))])
    _, inverse, counts = np.unique(roots, return_inverse=True, return_counts=True)
    labels = np.where(counts[inverse] > 1, inverse, -1)
    return time.perf_counter() - begin, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--peer-max", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print("one core; 40 planted templates (spintax, name swaps, edits), 30% of messages")
    warm_up, _ = generate(2000, args.seed + 1)  # both sides warm, as a running service is
    build(warm_up)
    run_peer_once(warm_up)
    for size in (int(s) for s in args.sizes.split(",")):
        messages, truth = generate(size, args.seed)
        seconds, labels, per_message = run_ours(messages)
        precision, recall = pairwise(truth, labels)
        ours_rate = size / seconds
        print(f"\n== {size:,} messages")
        print(
            f"kontaktfilter  {seconds:7.2f} s  {ours_rate:>10,.0f} msg/s  "
            f"{per_message:6.0f} B/msg held  precision {precision:.4f}  recall {recall:.4f}"
        )
        peer_size = min(size, args.peer_max)
        peer_seconds, peer_labels = run_peer(messages[:peer_size])
        peer_precision, peer_recall = pairwise(truth[:peer_size], peer_labels)
        peer_rate = peer_size / peer_seconds
        note = "" if peer_size == size else f" (subsample of {peer_size:,})"
        print(
            f"datasketch     {peer_seconds:7.2f} s  {peer_rate:>10,.0f} msg/s{note}  "
            f"precision {peer_precision:.4f}  recall {peer_recall:.4f}"
        )
        print(f"throughput ratio ours/datasketch: {ours_rate / peer_rate:.1f}x")
        bars = [
            ("precision >= 0.98", precision >= 0.98),
            ("recall >= 0.95", recall >= 0.95),
            ("throughput >= 5x peer", ours_rate >= 5 * peer_rate),
            ("<= 1 KB/msg", per_message <= 1024),
        ]
        if size >= 1_000_000:
            bars.append(("1M in <= 60 s", seconds <= 60))
        print("bars: " + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in bars))


if __name__ == "__main__":
    main()
