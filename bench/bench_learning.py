"""Learning from decisions: training time on 10k decisions and the latency a learned signal adds.

Training data are the labelled development requests (tests/fixtures/dev_*.jsonl, never eval/),
each varied by a greeting, a closing and a number so that 10,000 decided notes are distinct,
and decided as the default strategy would. Three measurements, each beside a peer in this run:

1. `train()` on 10k decisions (features, fit, calibration by 5-fold cross-validation) beside a
   plain scikit-learn pipeline (HashingVectorizer char 3-grams + LogisticRegression, no
   calibration). Bar: 5 s.
2. `learn()` from a SQLite store holding the 10k decided requests (reading the decisions and
   stored signals, training, saving the model), beside `train()` alone.
3. Verdict latency with the learned signal beside the rules alone, on the same requests.
   Bar: p99 within the engine's 1 ms.

    python bench/bench_learning.py [--decisions 10000] [--requests 5000] [--seed 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, read_records
from kontaktfilter.learning.curve import SIMULATED_OUTCOME, rule_signals
from kontaktfilter.learning.training import TrainingExample, train
from kontaktfilter.learning.user_model import learn
from kontaktfilter.model import Request
from kontaktfilter.scoring.learned_model import ACTION_OF_OUTCOME, OUTCOMES
from kontaktfilter.store import open_store
from kontaktfilter.store.repository import utcnow, verdict_row
from kontaktfilter.store.schema import ContactRequest, Decision

GREETINGS = ("", "Hallo, ", "Guten Tag, ", "Hi, ", "Moin! ", "Dear all, ")
CLOSINGS = ("", " Viele Grüße", " Beste Grüße", " Best regards", " LG", " Gruß aus {n}")
TRAINING_BAR_SECONDS = 5.0
LATENCY_BAR_MS = 1.0


def dev_records() -> list[Record]:
    records: list[Record] = []
    for path in sorted(Path("tests/fixtures").glob("dev_*.jsonl")):
        with path.open("rb") as stream:
            found = read_records(stream, path.name, "jsonl")
            records += [record for record in found if isinstance(record, Record)]
    return records


def varied(records: list[Record], count: int, rng: random.Random) -> list[tuple[Request, int]]:
    """`count` distinct decided requests made from the development set."""
    out = []
    for n in range(count):
        record = rng.choice(records)
        text = (
            rng.choice(GREETINGS)
            + record.request.text
            + rng.choice(CLOSINGS).format(n=n)
            + f" ({n})"
        )
        request = Request(text=text, lang=record.request.lang, recipient=record.request.recipient)
        out.append((request, SIMULATED_OUTCOME[record.label]))
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_training(examples: list[TrainingExample], decided) -> tuple[float, float]:
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression

    times = []
    for _ in range(3):
        started = time.perf_counter()
        model = train(examples, utcnow())
        times.append(time.perf_counter() - started)
    ours = statistics.median(times)
    started = time.perf_counter()
    vectoriser = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 3), n_features=1 << 18)
    matrix = vectoriser.transform([request.text for request, _ in decided])
    LogisticRegression(max_iter=200).fit(matrix, [outcome for _, outcome in decided])
    peer = time.perf_counter() - started
    print(
        f"train() on {len(examples):,} decisions: {ours:.2f} s (median of 3; "
        f"{model.info.distinct:,} distinct, temperature {model.info.temperature:.2f})"
    )
    print(f"peer (HashingVectorizer + LogisticRegression, no calibration): {peer:.2f} s")
    print(f"ratio ours/peer: {ours / peer:.2f}x")
    verdict = "PASS" if ours <= TRAINING_BAR_SECONDS else "FAIL"
    print(f"bar: training on 10k decisions <= {TRAINING_BAR_SECONDS:.0f} s: {verdict}")
    return ours, peer


def bench_store(decided, verdicts, ours: float) -> float:
    """learn() end to end from a SQLite store with every request decided."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        now = utcnow()
        with store.engine.begin() as conn:
            ids = (
                conn.execute(
                    ContactRequest.__table__.insert().returning(ContactRequest.id),
                    [
                        {
                            "user_id": store.user_id,
                            "key": f"bench-{n}",
                            "direction": "incoming",
                            "platform": "xing",
                            "kind": "contact_request",
                            "sender_key": f"sender-{n}",
                            "sender_name": "",
                            "recipient_key": "",
                            "recipient_name": "",
                            "text": request.text,
                            "lang": request.lang,
                            "sent_at": now - timedelta(minutes=n),
                            "status": "decided",
                            "extra": {},
                            "created_at": now,
                        }
                        for n, (request, _) in enumerate(decided)
                    ],
                )
                .scalars()
                .all()
            )
            store.write_verdicts(
                conn, [verdict_row(i, v, now) for i, v in zip(ids, verdicts, strict=True)]
            )
            conn.execute(
                Decision.__table__.insert(),
                [
                    {
                        "request_id": i,
                        "action": ACTION_OF_OUTCOME[outcome].value,
                        "decided_at": now,
                        "undone": False,
                    }
                    for i, (_, outcome) in zip(ids, decided, strict=True)
                ],
            )
        started = time.perf_counter()
        outcome = learn(store, datetime.now())
        seconds = time.perf_counter() - started
        store.close()
    assert outcome.model is not None, outcome.message
    print(f"learn() from a SQLite store of {len(decided):,} decided requests: {seconds:.2f} s")
    print(f"ratio learn()/train(): {seconds / ours:.2f}x (the rest is reading and saving)")
    return seconds


def bench_latency(engine: Engine, model, requests: list[Request]) -> None:
    learned = engine.with_learner(model)
    for request in requests[:200]:  # warm caches the same way for both
        engine.score(request)
        learned.score(request)
    rules, with_model, fired = [], [], 0
    for request in requests:
        started = time.perf_counter()
        engine.score(request)
        rules.append(time.perf_counter() - started)
        started = time.perf_counter()
        verdict = learned.score(request)
        with_model.append(time.perf_counter() - started)
        fired += any(h.name == "LEARN_USER_DECISIONS" for h in verdict.hits)
    for name, values in (("rules only", rules), ("rules + learned", with_model)):
        print(
            f"{name:<16} p50 {percentile(values, 0.5) * 1000:.3f} ms  "
            f"p99 {percentile(values, 0.99) * 1000:.3f} ms  "
            f"{len(values) / sum(values):,.0f} req/s"
        )
    p99 = percentile(with_model, 0.99) * 1000
    print(
        f"ratio learned/rules: p50 {percentile(with_model, 0.5) / percentile(rules, 0.5):.2f}x, "
        f"p99 {p99 / (percentile(rules, 0.99) * 1000):.2f}x; the learned signal fired on "
        f"{fired:,} of {len(requests):,}"
    )
    print(
        f"bar: p99 with the learned signal <= {LATENCY_BAR_MS:.0f} ms: "
        f"{'PASS' if p99 <= LATENCY_BAR_MS else 'FAIL'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(args.seed)
    records = dev_records()
    engine = Engine()
    decided = varied(records, args.decisions, rng)
    verdicts = [engine.score(request) for request, _ in decided]
    examples = [
        TrainingExample(request.text, rule_signals(verdict), outcome)
        for (request, outcome), verdict in zip(decided, verdicts, strict=True)
    ]
    print(
        f"{len(records)} development requests varied into {len(decided):,} decisions: "
        + ", ".join(f"{OUTCOMES[o]} {sum(1 for _, x in decided if x == o)}" for o in range(6))
    )
    ours, _ = bench_training(examples, decided)
    bench_store(decided, verdicts, ours)
    model = train(examples, utcnow())
    fresh = [request for request, _ in varied(records, args.requests, random.Random(args.seed + 1))]
    bench_latency(engine, model, fresh)
    return 0 if ours <= TRAINING_BAR_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
