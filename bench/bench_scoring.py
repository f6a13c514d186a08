"""Scoring throughput and latency: the engine beside a naive peer, in one process on one core.

The peer is what one would write first: every lexicon phrase compiled to its own regular
expression and searched in the folded note, one search per phrase per request. Both see the same
generated requests. Prints requests/s, p50/p99 latency and the ratio.

    python bench/bench_scoring.py [--requests 100000] [--peer-requests 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from datetime import date, datetime

from kontaktfilter.engine import Engine
from kontaktfilter.lexicon import Item, Pattern, load_builtin_lexicons
from kontaktfilter.model import Profile, Request
from kontaktfilter.note import fold

GREETINGS = [
    "Sehr geehrter Herr {name},",
    "Hallo Frau {name},",
    "Guten Tag,",
    "Hi {name},",
    "Dear Ms {name},",
    "Hallo {name},",
    "",
]
BODIES = [
    "ich würde Sie gerne zu meinen Kontakten hinzufügen.",
    "Vielleicht ergeben sich wertvolle Synergien.",
    "Wie ich lese, sind Sie ja auch in der Gruppe {topic}, wie schön!",
    "Kontakte schaden nur dem, der keine hat.",
    "Ich habe Ihren Artikel über {topic} gelesen und hätte eine Frage zu Ihrem Vorgehen.",
    "Wir suchen einen Berater für unser Projekt im Bereich {topic}.",
    "Ich lade Sie herzlich zu meinem kostenlosen Webinar über {topic} ein.",
    "Schön, dass wir uns gestern auf der Messe kennengelernt haben!",
    "Ich suche derzeit gute Kontakte aus dem Bereich {topic}.",
    "Auch sonst ist Ihr Profil sehr interessant für mich.",
    "I'd love to explore potential synergies between our companies.",
    "Your network is your net worth!",
    "We met at the {topic} conference last week, great talk!",
    "Could you help us review our {topic} strategy next month?",
    "Join my free masterclass on {topic} and achieve financial freedom.",
    "I came across your profile and would like to connect.",
    "Unser Team arbeitet seit Jahren mit {topic} und kennt die typischen Fragen.",
    "Wir haben in Köln ein kleines Büro und betreuen Kunden aus dem Mittelstand.",
]
CLOSINGS = [
    "Viele Grüße",
    "Beste Grüße aus Hamburg",
    "Best regards",
    "Sonnige Grüße aus dem Allgäu",
    "",
]
TOPICS = [
    "Vertrieb",
    "Marketing",
    "Logistik",
    "Gebäudetechnik",
    "SAP",
    "HR",
    "cloud security",
    "pricing",
    "Personalentwicklung",
    "Steuerrecht",
    "UX design",
    "Podcasting",
]
NAMES = ["Kilian", "Berg", "Schneider", "Smith", "Meyer", "Nowak", "Yilmaz", "Fischer"]


def generate(count: int, seed: int) -> list[Request]:
    rng = random.Random(seed)
    recipients = [
        Profile(
            name=f"Anna {n}",
            gender="f",
            interests=("Segeln", rng.choice(TOPICS)),
            offers=(rng.choice(TOPICS),),
            publications=(f"Praxisbuch {rng.choice(TOPICS)}",),
        )
        for n in NAMES
    ]
    requests = []
    for index in range(count):
        parts = [rng.choice(GREETINGS).format(name=rng.choice(NAMES))]
        for _ in range(rng.randint(1, 4)):
            parts.append(rng.choice(BODIES).format(topic=rng.choice(TOPICS)))
        parts.append(rng.choice(CLOSINGS))
        sender = Profile(
            name=f"{rng.choice(['Max', 'Eva', 'John'])} {rng.choice(NAMES)}",
            contacts=rng.choice([80, 250, 999]),
            created=date(rng.randint(2008, 2026), rng.randint(1, 12), 1),
        )
        requests.append(
            Request(
                text=" ".join(p for p in parts if p),
                id=str(index),
                sender=sender,
                recipient=rng.choice(recipients),
            )
        )
    return requests


def _item_regex(item: Item) -> str:
    if item.gap:
        return rf"(?:\W+\w+){{0,{item.gap}}}"
    alternatives = []
    for atom in item.atoms:
        word = re.escape(atom.word)
        alternatives.append(
            {
                "exact": rf"\b{word}\b",
                "prefix": rf"\b{word}\w*",
                "suffix": rf"\w*{word}\b",
                "infix": rf"\w*{word}\w*",
            }[atom.kind]
        )
    body = "(?:" + "|".join(alternatives) + ")"
    return rf"(?:\W+{body})?" if item.optional else body


def naive_regex(pattern: Pattern) -> re.Pattern[str]:
    """The peer's translation of one lexicon phrase into one regular expression."""
    parts = [_item_regex(item) for item in pattern.items]
    joined = parts[0]
    for item, part in zip(pattern.items[1:], parts[1:], strict=True):
        joined += part if item.gap or item.optional else r"\W+" + part
    return re.compile(joined)


def naive_score(regexes: list[tuple[str, re.Pattern[str]]], text: str) -> set[str]:
    folded = fold(text)
    return {family for family, regex in regexes if regex.search(folded)}


def measure(label: str, function, items) -> tuple[float, float, float]:
    latencies = []
    clock = time.perf_counter_ns
    start = clock()
    for item in items:
        begin = clock()
        function(item)
        latencies.append(clock() - begin)
    elapsed = (clock() - start) / 1e9
    latencies.sort()
    rate = len(items) / elapsed
    p50 = latencies[len(latencies) // 2] / 1e6
    p99 = latencies[int(len(latencies) * 0.99)] / 1e6
    print(
        f"{label:<38} {len(items):>8} req  {rate:>10,.0f} req/s  p50 {p50:.3f} ms  p99 {p99:.3f} ms"
    )
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--peer-requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    requests = generate(args.requests, args.seed)
    now = datetime(2026, 11, 20)
    engine = Engine()
    patterns = load_builtin_lexicons()
    regexes = [(p.family, naive_regex(p)) for p in patterns]
    print(
        f"{len(patterns)} lexicon phrases; mean note length "
        f"{statistics.mean(len(r.text) for r in requests):.0f} chars; one core"
    )
    for request in requests[:2000]:  # warm the token memo as a long-running service would
        engine.score(request, now)
    ours, _, p99 = measure(
        "kontaktfilter Engine.score (full verdict)", lambda r: engine.score(r, now), requests
    )
    text_only = measure(
        "kontaktfilter text signals only",
        lambda r: engine.hits(r, engine.context(r, now)),
        requests,
    )
    peer_sample = requests[: args.peer_requests]
    peer, _, _ = measure(
        "naive peer (one regex per phrase)", lambda r: naive_score(regexes, r.text), peer_sample
    )
    ratio, text_ratio = ours / peer, text_only[0] / peer
    print(f"\nthroughput ratio ours/peer: {ratio:.1f}x  (text signals only: {text_ratio:.1f}x)")
    print(
        f"bar: >= 20,000 req/s -> {'met' if ours >= 20_000 else 'NOT met'} ({ours:,.0f}); "
        f"p99 <= 1 ms -> {'met' if p99 <= 1.0 else 'NOT met'} ({p99:.3f} ms)"
    )


if __name__ == "__main__":
    main()
