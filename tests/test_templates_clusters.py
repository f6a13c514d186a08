"""`kontaktfilter templates --json` on a seeded set with planted templates: every cluster is
exactly one planted template, as the command found them before it was made faster (issue 20),
so a change that moves a single message between clusters fails here."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.cli.templates import json_lines
from kontaktfilter.formats import template_notes
from kontaktfilter.services.synthetic import spin

SPINTAX = [
    "{Vielleicht|Eventuell} ergeben sich {wertvolle|spannende} Synergien zwischen uns. Ich "
    "{freue mich|würde mich freuen} auf Ihre Bestätigung und den Austausch.",
    "ich lade Sie herzlich zu meinem {kostenlosen|exklusiven} Webinar über "
    "{Neukundengewinnung|Social Selling} ein. Die Plätze sind {begrenzt|knapp}.",
    "I help {coaches|consultants} {book|get} qualified calls every month {without ads|on "
    "autopilot}. Would you be open to a {quick|short} chat about it?",
    "{thanks|thank you} for connecting! {Grab|Download} my {free|complimentary} guide to "
    "{scaling your business|doubling your revenue} here.",
]
NAMES = ["Anna Berg", "Jonas Weber", "Mehmet Yilmaz", "Laura Smith", "Piotr Nowak", "Sofia Rossi"]
VOCABULARY = [
    "".join(random.Random(n).choice("abcdeghiklmnoprstuwz") for _ in range(3 + n % 6))
    for n in range(3000)
]
COUNT = 3000


def _messages(path: Path) -> dict[str, int]:
    """Writes the set; returns the planted template of each templated message."""
    rng, planted, lines = random.Random(20), {}, []
    for number in range(COUNT):
        sender, recipient = rng.choice(NAMES), rng.choice(NAMES)
        if rng.random() < 0.3:
            template = rng.randrange(len(SPINTAX))
            text = f"Hallo {recipient.split()[0]}, {spin(SPINTAX[template], rng)} Grüße, {sender}"
            planted[f"m{number}"] = template
        else:
            text = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(12, 30)))
        lines.append(
            json.dumps(
                {
                    "id": f"m{number}",
                    "sender": {"id": f"s{number}", "name": sender},
                    "recipient": {"name": recipient},
                    "text": text,
                    "sent_at": f"2026-01-01T00:{number % 60:02d}:00",
                },
                ensure_ascii=False,
            )
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return planted


def test_clusters_are_the_planted_templates_and_unchanged(tmp_path: Path) -> None:
    planted = _messages(tmp_path / "messages.jsonl")
    result = CliRunner().invoke(main, ["templates", str(tmp_path / "messages.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    found: dict[int, list[str]] = defaultdict(list)
    for line in result.stdout.splitlines():
        row = json.loads(line)
        if row["cluster"] is not None:
            found[row["cluster"]].append(row["id"])
    clusters = sorted(sorted(members) for members in found.values())
    truth: dict[int, list[str]] = defaultdict(list)
    for msg_id, template in planted.items():
        truth[template].append(msg_id)
    assert clusters == sorted(sorted(members) for members in truth.values())


@pytest.mark.parametrize("options", [["--json"], ["--json", "--save", "index.npz"], []])
def test_parallel_batches_give_the_output_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    """Many small batches, bad lines among them: the same lines, errors and exit in both."""
    path = tmp_path / "messages.jsonl"
    _messages(path)
    lines = path.read_text("utf-8").splitlines()
    lines[700:700] = ["{not json", '{"id": "x", "text": 5}']
    lines[2400:2400] = ['{"id": "y", "text": "a bad language", "lang": "klingon"}']
    path.write_text("\n".join(lines) + "\n", "utf-8")
    monkeypatch.setattr(template_notes, "BATCH_BYTES", 20_000)
    monkeypatch.chdir(tmp_path)
    results = {
        jobs: CliRunner().invoke(main, ["templates", str(path), *options, "--jobs", jobs])
        for jobs in ("1", "2")
    }
    assert results["1"].exit_code == results["2"].exit_code == 1
    assert results["1"].stdout == results["2"].stdout
    assert results["1"].stderr == results["2"].stderr
    assert results["1"].stderr.count("messages.jsonl:") == 3
    if options:
        assert len(results["1"].stdout.splitlines()) == COUNT


@pytest.mark.parametrize(
    "ids",
    [
        ["m0", "m1", "Ünïcode 😀", "", "a:-1}b", "x" * 300],
        ['with "quote"', "m2"],
        ["back\\slash", "m3"],
        ["line\nbreak:-1}\n", "tab\t", "nul\x00"],
    ],
    ids=["plain", "quote", "backslash", "control"],
)
def test_json_lines_are_orjson_line_by_line(ids: list[str]) -> None:
    labels = [(-1 if n % 2 else n) for n in range(len(ids))]
    expected = b"".join(
        orjson.dumps({"id": i, "cluster": None if c < 0 else c}) + b"\n"
        for i, c in zip(ids, labels, strict=True)
    )
    assert json_lines(ids, labels) == expected
