"""Scoring throughput and latency: the engine beside a naive peer, in one process on one core.

The peer is what one would write first: every lexicon phrase compiled to its own regular
expression and searched in the folded note, one search per phrase per request. Both see the same
generated requests. Prints requests/s, p50/p99 latency and the ratio, for the full verdict (with
the corpus model, docs/corpus-model.md), the same with its explanation read (the verdict works
its explanation out when a reader first asks, as `check`, `score` and the store do), the rules
alone, and the text signals (the rule signals of Engine.hits, without the learned stage).

Each engine measured starts with empty word, sentence and profile memos and is warmed on other
requests than the measured ones; what it remembers between requests is printed (CACHED): nothing
is keyed on a whole note.

    python bench/bench_scoring.py [--requests 100000] [--peer-requests 10000] [--seed 7]
        [--batch-size 512]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import textwrap
import time
from datetime import date, datetime

from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request
from kontaktfilter.scoring.corpus_model import shipped_corpus_model
from kontaktfilter.signals.context import History, profile_terms
from kontaktfilter.signals.salutation import greeted_by_name
from kontaktfilter.text.lexicon import Item, Pattern, load_builtin_lexicons
from kontaktfilter.text.note import clear_memos, fold

CACHED = (
    "cached between requests, each memo bounded: folded form per word; tokens per sentence seen "
    "twice; lexicon atoms per word; phrase matches per sentence (token sequence) and per "
    "sentence shape (which lexicon atoms each token satisfies); profile terms per recipient and "
    "the entries each word refers to; name comparisons; the corpus model's row sums per "
    "sentence, per word or word pair and per signal. Nothing per note."
)

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


def _random_word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghiklmnoprstuwz") for _ in range(rng.randint(3, 9)))


def _make_unique(sentence: str, rng: random.Random) -> str:
    """Insert two random words so that no sentence repeats (the memo's worst case)."""
    words = sentence.split()
    for _ in range(2):
        words.insert(rng.randint(1, len(words)), _random_word(rng))
    return " ".join(words)


def generate(count: int, seed: int, unique: bool = False) -> list[Request]:
    """Requests built from stock and genuine sentences; with `unique`, no sentence repeats."""
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
            sentence = rng.choice(BODIES).format(topic=rng.choice(TOPICS))
            parts.append(_make_unique(sentence, rng) if unique else sentence)
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


def measure_batches(label: str, engine: Engine, requests, now, size: int) -> float:
    """Requests/s of the batch path (Engine.score_many, as `score` and the importer use it);
    a tree from before the batch path scores each batch one by one. Latency is per batch."""
    score_many = getattr(engine, "score_many", None)
    if score_many is None:
        label += " [absent: one by one]"
        score_many = lambda batch, when: [engine.score(r, when) for r in batch]  # noqa: E731
    batches = [requests[i : i + size] for i in range(0, len(requests), size)]
    start = time.perf_counter()
    for batch in batches:
        score_many(batch, now)
    rate = len(requests) / (time.perf_counter() - start)
    print(f"{label:<38} {len(requests):>8} req  {rate:>10,.0f} req/s  (batches of {size})")
    return rate


def run_workload(title: str, unique: bool, args: argparse.Namespace, regexes, now) -> None:
    requests = generate(args.requests, args.seed, unique)
    warm_up = generate(2000, args.seed + 1, unique)  # not the measured requests
    mean = statistics.mean(len(r.text) for r in requests)
    print(f"\n== {title}: {len(requests):,} requests, mean note {mean:.0f} chars")

    def fresh_engine(history: History | None = None, corpus: bool = True) -> Engine:
        """A new engine warmed on other requests, as a long-running service is warm; the
        module-level memos are emptied first, so no engine profits from the one measured before."""
        clear_memos()
        profile_terms.cache_clear()
        greeted_by_name.cache_clear()
        model = shipped_corpus_model()
        if model is not None:
            model.clear_memos()
        engine = Engine(history=history, corpus=model if corpus else None)
        for request in warm_up:
            engine.score(request, now)
        return engine

    full = fresh_engine()
    ours, _, p99 = measure(
        "kontaktfilter Engine.score (full verdict)", lambda r: full.score(r, now), requests
    )
    explained = fresh_engine()
    measure(
        "  ... explanation read (check, score)",
        lambda r: explained.score(r, now).hits,
        requests,
    )
    batched = fresh_engine()
    measure_batches(
        "kontaktfilter Engine.score_many (batches)", batched, requests, now, args.batch_size
    )
    shipped = fresh_engine(History(fingerprints=FingerprintSet(shipped_fingerprints())))
    measure("  ... with shipped fingerprints (CLI)", lambda r: shipped.score(r, now), requests)
    rules = fresh_engine(corpus=False)
    measure("  ... rules alone (no corpus model)", lambda r: rules.score(r, now), requests)
    texts = fresh_engine(corpus=False)
    text = measure(
        "kontaktfilter text signals only",
        lambda r: texts.hits(r, texts.context(r, now)),
        requests,
    )
    peer, _, _ = measure(
        "naive peer (one regex per phrase)",
        lambda r: naive_score(regexes, r.text),
        requests[: args.peer_requests],
    )
    print(f"ratio ours/peer: full verdict {ours / peer:.1f}x, text signals {text[0] / peer:.1f}x")
    rate, _, text_p99 = text
    print(
        f"bar (issue 2, text signals): >= 20,000 req/s {'met' if rate >= 20_000 else 'NOT met'} "
        f"({rate:,.0f}); p99 <= 1 ms {'met' if text_p99 <= 1.0 else 'NOT met'} "
        f"({text_p99:.3f} ms)"
    )
    print(
        f"full verdict: >= 20,000 req/s {'met' if ours >= 20_000 else 'not met'} ({ours:,.0f}); "
        f"p99 <= 1 ms {'met' if p99 <= 1.0 else 'NOT met'} ({p99:.3f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--peer-requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=512)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    now = datetime(2026, 11, 20)
    patterns = load_builtin_lexicons()
    regexes = [(p.family, naive_regex(p)) for p in patterns]
    print(f"{len(patterns)} lexicon phrases; one core; latency per request incl. verdict")
    print(textwrap.fill(CACHED, 100))
    run_workload("template-heavy (stock sentences repeat)", False, args, regexes, now)
    run_workload("all-unique (no sentence repeats)", True, args, regexes, now)


if __name__ == "__main__":
    main()
