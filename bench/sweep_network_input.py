"""A big input for the network sweep: requests (JSONL, docs/data-format.md) and their events
(JSONL, docs/sweep-network.md), written streaming so ten million fit in a few MB of memory.

Notes come from bench_templates.py's recipe: planted spintax templates with name swaps and small
edits, sent by collectors, among unique background notes from ordinary senders. Each request is
an `invitation_sent` event followed by an outcome that depends on who sent it (collectors are
declined, reported and withdraw within days; ordinary senders are mostly accepted).

    python bench/sweep_network_input.py 1000000 --out /tmp/sweep-1m
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from bench_templates import (
    FIRST,
    LAST,
    SPIN_DE,
    SPIN_EN,
    TEMPLATE_SHARE,
    TEMPLATES,
    VOCAB,
    edit,
)
from kontaktfilter.services.synthetic import spin

REQUESTS_PER_SENDER = 8
COLLECTOR_SHARE = 0.1
START = datetime(2024, 1, 1)
SECONDS_PER_REQUEST = 20


def _templates(rng: random.Random) -> list[tuple[str, str]]:
    """bench_templates.generate's templates: ten hand-written, the rest synthetic."""
    found = [(t, "de") for t in SPIN_DE] + [(t, "en") for t in SPIN_EN]
    while len(found) < TEMPLATES:
        words = [rng.choice(VOCAB) for _ in range(rng.randint(22, 30))]
        for slot in rng.sample(range(len(words)), 3):
            words[slot] = "{" + "|".join(rng.choice(VOCAB) for _ in range(3)) + "}"
        found.append((" ".join(words), rng.choice(["de", "en"])))
    return found


def _outcome(rng: random.Random, collector: bool) -> tuple[str, float] | None:
    """The answer to an invitation and the days it took, or None while it is pending."""
    roll = rng.random()
    if collector:
        table = [
            (0.35, "invitation_withdrawn", 1, 6),
            (0.55, "invitation_declined", 0, 20),
            (0.65, "invitation_reported", 0, 3),
            (0.85, "invitation_accepted", 0, 30),
        ]
    else:
        table = [
            (0.7, "invitation_accepted", 0, 10),
            (0.8, "invitation_declined", 0, 30),
            (0.82, "invitation_withdrawn", 10, 40),
        ]
    for limit, kind, low, high in table:
        if roll < limit:
            return kind, rng.uniform(low, high)
    return None


def generate(count: int, seed: int = 7) -> Iterator[tuple[dict, list[dict]]]:
    """(request record, its events) pairs, in time order."""
    rng = random.Random(seed)
    templates = _templates(rng)
    senders = max(count // REQUESTS_PER_SENDER, 2)
    collectors = max(int(senders * COLLECTOR_SHARE), 1)
    for index in range(count):
        templated = rng.random() < TEMPLATE_SHARE
        number = rng.randrange(collectors) if templated else rng.randrange(collectors, senders)
        first, last = FIRST[number % len(FIRST)], LAST[number % len(LAST)]
        recipient = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if templated:
            body, lang = templates[rng.randrange(len(templates))]
            text = spin(body, rng)
            if rng.random() < 0.3:
                text = edit(text, rng)
            greeting, closing = ("Hallo", "Viele Grüße") if lang == "de" else ("Hi", "Best regards")
            text = f"{greeting} {recipient.split()[0]}, {text} {closing}, {first} {last}"
        else:
            text = " ".join(rng.choices(VOCAB, k=rng.randint(15, 40)))
        at = START + timedelta(seconds=index * SECONDS_PER_REQUEST)
        sender = f"s{number}"
        record = {
            "id": f"r{index}",
            "text": text,
            "sent_at": at.isoformat(),
            "platform": "xing" if index % 2 else "linkedin",
            "sender": {
                "id": sender,
                "name": f"{first} {last}",
                "contacts": 999 if templated and number % 3 == 0 else 40 + number % 400,
                "created": (START - timedelta(days=30 + number % 2000)).date().isoformat(),
            },
            "recipient": {"id": f"p{rng.randrange(senders)}", "name": recipient},
        }
        recipient_id = record["recipient"]["id"]
        events = [_event(f"e{index}s", at, "invitation_sent", sender, recipient_id)]
        answer = _outcome(rng, templated)
        if answer is not None:
            kind, days = answer
            events.append(
                _event(f"e{index}a", at + timedelta(days=days), kind, sender, recipient_id)
            )
        if index < senders:  # each sender's profile once, before its first request
            events.append(
                _event(
                    f"e{index}p",
                    START - timedelta(days=30 + index % 2000),
                    "profile_created",
                    f"s{index}",
                    None,
                )
            )
        yield record, events


def _event(event_id: str, at: datetime, kind: str, sender: str, recipient: str | None) -> dict:
    return {
        "event_id": event_id,
        "time": at.isoformat(timespec="seconds"),
        "type": kind,
        "sender": sender,
        "recipient": recipient,
    }


def write(count: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """requests.jsonl and events.jsonl in `folder`; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    requests, events = folder / "requests.jsonl", folder / "events.jsonl"
    with requests.open("w", encoding="utf-8") as out, events.open("w", encoding="utf-8") as log:
        for record, happened in generate(count, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.writelines(json.dumps(event) + "\n" for event in happened)
    return requests, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    requests, events = write(args.count, args.out, args.seed)
    print(f"wrote {args.count} requests to {requests} and their events to {events}")


if __name__ == "__main__":
    main()
