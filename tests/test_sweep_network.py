"""The network sweep (issue 23) in Spark's local mode, for real: its verdicts are the CLI's, its
clusters are `kontaktfilter templates`' clusters, its features can be checked by hand, it works
with almost nothing allowed back to the driver, and its fingerprints load with the loader."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

pyspark = pytest.importorskip("pyspark")

from click.testing import CliRunner  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

from kontaktfilter.bulk.fingerprints import FingerprintSet, read_fingerprints  # noqa: E402
from kontaktfilter.cli import main  # noqa: E402
from kontaktfilter.config import load_settings  # noqa: E402
from kontaktfilter.network.components import components  # noqa: E402
from kontaktfilter.network.inputs import SweepInputError  # noqa: E402
from kontaktfilter.network.job import Sweep, SweepOptions  # noqa: E402
from kontaktfilter.network.session import spark_session  # noqa: E402

BENCH = Path(__file__).parent.parent / "bench"
FIXTURES = Path(__file__).parent / "fixtures"
RESULT_CAP = "1m"
"""spark.driver.maxResultSize of the tests' session: every test input is bigger than this, so a
collect of anything that grows with the input fails the test. Broadcast joins pass the driver
too; they are bounded by spark.sql.autoBroadcastJoinThreshold, set below the cap here."""


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One small session for the whole test run: two cores are shared with other work."""
    session = spark_session(
        "local[2]",
        app_name="kontaktfilter-tests",
        shuffle_partitions=4,
        config={
            "spark.driver.maxResultSize": RESULT_CAP,
            "spark.sql.autoBroadcastJoinThreshold": "256k",
            "spark.ui.enabled": "false",
        },
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """requests.jsonl and events.jsonl from the bench's generator (bench_templates' recipe)."""
    sys.path.insert(0, str(BENCH))
    try:
        generator = importlib.import_module("sweep_network_input")
    finally:
        sys.path.remove(str(BENCH))
    return generator.write(6000, tmp_path_factory.mktemp("network"), seed=3)


def sweep(spark: SparkSession, requests: Path, out: Path, **options) -> dict:
    summary = Sweep(
        spark, SweepOptions(str(requests), str(out), **options), load_settings(), lambda _: None
    ).run()
    return summary.__dict__


def run_cli(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def pairs_of(assignment: dict[str, int | None]) -> set[tuple[str, str]]:
    groups: dict[int, list[str]] = {}
    for identifier, cluster in assignment.items():
        if cluster is not None:
            groups.setdefault(cluster, []).append(identifier)
    return {(a, b) for members in groups.values() for a in members for b in members if a < b}


def test_clusters_agree_with_the_single_process(spark, generated, tmp_path) -> None:
    requests, _ = generated
    summary = sweep(spark, requests, tmp_path / "out", stages=("templates",))
    table = pq.read_table(tmp_path / "out" / "clusters", columns=["id", "cluster"]).to_pylist()
    ours = pairs_of({row["id"]: row["cluster"] for row in table})
    theirs = pairs_of(
        {row["id"]: row["cluster"] for row in run_cli("templates", str(requests), "--json")}
    )
    together = len(ours & theirs)
    assert theirs and together / len(ours) >= 0.98 and together / len(theirs) >= 0.98
    assert summary["counts"]["big_templates"] >= 10  # the planted templates were found


def test_verdicts_equal_the_cli(spark, tmp_path) -> None:
    requests = tmp_path / "requests.jsonl"
    with requests.open("w", encoding="utf-8") as out:
        for path in sorted(FIXTURES.glob("dev_*.jsonl"))[:3]:
            for number, line in enumerate(path.read_text("utf-8").splitlines()):
                record = json.loads(line)
                record["id"] = f"{path.stem}-{number}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    sweep(spark, requests, tmp_path / "out", stages=("score",))
    expected = {}
    result = CliRunner().invoke(main, ["score", str(requests), "--json"])
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            expected[json.loads(line)["id"]] = line
    table = pq.read_table(tmp_path / "out" / "verdicts", columns=["id", "verdict"]).to_pylist()
    assert len(expected) >= 100
    assert {row["id"]: row["verdict"] for row in table} == expected


HAND_EVENTS = [
    # s1 sends three invitations: one accepted, one withdrawn after 2 days, one pending;
    # it was created on 2026-01-01 and its last event is on 2026-01-11 (10 days).
    ("e1", "2026-01-01T08:00:00", "profile_created", "s1", None),
    ("e2", "2026-01-05T09:00:00", "invitation_sent", "s1", "a"),
    ("e3", "2026-01-05T09:30:00", "invitation_sent", "s1", "b"),
    ("e4", "2026-01-06T10:00:00", "invitation_sent", "s1", "c"),
    ("e5", "2026-01-06T12:00:00", "invitation_accepted", "s1", "a"),
    ("e6", "2026-01-07T09:30:00", "invitation_withdrawn", "s1", "b"),
    ("e7", "2026-01-11T12:00:00", "message_sent", "s1", "a"),
    # s2 withdraws after 20 days (not fast), is reported once, and joins a group
    ("e8", "2026-02-01T00:00:00", "invitation_sent", "s2", "x"),
    ("e9", "2026-02-21T00:00:00", "invitation_withdrawn", "s2", "x"),
    ("e10", "2026-02-22T00:00:00", "invitation_sent", "s2", "y"),
    ("e11", "2026-02-22T01:00:00", "invitation_reported", "s2", "y"),
    ("e12", "2026-02-23T00:00:00", "group_joined", "s2", None),
    ("e13", "yesterday", "invitation_sent", "s2", "z"),
]


def test_sender_features_by_hand(spark, tmp_path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        "".join(
            json.dumps(
                dict(zip(("event_id", "time", "type", "sender", "recipient"), e, strict=True))
            )
            + "\n"
            for e in HAND_EVENTS
        )
    )
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps({"id": "1", "text": "Hallo", "sender": {"id": "s1"}}) + "\n")
    summary = sweep(spark, requests, tmp_path / "out", events=str(events), stages=("features",))
    rows = {r["sender"]: r for r in pq.read_table(tmp_path / "out" / "senders").to_pylist()}
    s1, s2 = rows["s1"], rows["s2"]
    assert (s1["invitations_sent"], s1["invitations_accepted"], s1["messages_sent"]) == (3, 1, 1)
    assert (s1["withdrawn_within_7_days"], s1["invitations_pending"]) == (1, 1)
    assert (s1["max_invitations_per_day"], s1["active_days"], s1["distinct_recipients"]) == (
        2,
        2,
        3,
    )
    assert s1["acceptance_rate"] == pytest.approx(1 / 3)
    assert s1["profile_age_days"] == 10
    assert (s2["withdrawn_within_7_days"], s2["invitations_pending"]) == (
        0,
        0,
    )  # reported: answered
    assert (s2["invitations_reported"], s2["groups_joined"], s2["report_rate"]) == (1, 1, 0.5)
    assert s2["profile_age_days"] is None
    errors = pq.read_table(tmp_path / "out" / "event_errors").to_pylist()
    assert summary["counts"]["event_errors"] == 1
    assert "events.jsonl: event e13" in errors[0]["error"] and "'time'" in errors[0]["error"]


def test_bad_requests_are_named_and_skipped(spark, tmp_path) -> None:
    requests = tmp_path / "bad.jsonl"
    requests.write_text(
        '{"id": "ok", "text": "Hallo Frau Berg"}\n{"id": "7", "text": 5}\n{"text": "no id"}\n'
        '{"id": "8", "text": "x", "sent_at": "soon"}\nnot json\n'
    )
    summary = sweep(spark, requests, tmp_path / "out", stages=("score",))
    assert (summary["counts"]["requests"], summary["counts"]["errors"]) == (1, 4)
    errors = sorted(r["error"] for r in pq.read_table(tmp_path / "out" / "errors").to_pylist())
    assert any("bad.jsonl: id 7: field 'text'" in e for e in errors)
    assert any("bad.jsonl: id 8: field 'sent_at'" in e for e in errors)
    assert any("field 'id' is missing" in e for e in errors)
    assert any("not valid JSON" in e for e in errors)


def test_parquet_without_text_is_refused_by_name(spark, tmp_path) -> None:
    spark.createDataFrame([("1", "x")], "id string, note string").write.parquet(
        str(tmp_path / "in.parquet")
    )
    with pytest.raises(SweepInputError, match=r"in\.parquet: column 'text' is missing"):
        sweep(spark, tmp_path / "in.parquet", tmp_path / "out", stages=("score",))


def test_parquet_and_jsonl_give_the_same_verdicts(spark, generated, tmp_path) -> None:
    requests, _ = generated
    head = tmp_path / "head.jsonl"
    head.write_text("".join(requests.read_text("utf-8").splitlines(keepends=True)[:200]))
    spark.read.json(str(head)).write.parquet(str(tmp_path / "head.parquet"))
    sweep(spark, head, tmp_path / "a", stages=("score",))
    sweep(spark, tmp_path / "head.parquet", tmp_path / "b", stages=("score",))
    a, b = (pq.read_table(tmp_path / n / "verdicts").to_pylist() for n in "ab")
    assert len(a) == 200 and sorted(a, key=str) == sorted(b, key=str)


def test_nothing_that_grows_comes_to_the_driver(spark, generated, tmp_path) -> None:
    """The session allows 1 MB of results back; the generated input is several times that,
    yet every stage runs; collecting 13 MB of hashes fails (the cap is real; the notes
    themselves compress below it in Spark's result format)."""
    requests, events = generated
    assert requests.stat().st_size > 2 * 2**20
    summary = sweep(spark, requests, tmp_path / "out", events=str(events))
    assert summary["counts"]["verdicts"] == 6000 and summary["counts"]["senders"] > 0
    with pytest.raises(Exception, match="maxResultSize"):
        spark.range(200_000).selectExpr("sha2(cast(id as string), 256)").collect()


def test_fingerprints_load_and_match_a_template(spark, generated, tmp_path) -> None:
    requests, _ = generated
    sweep(spark, requests, tmp_path / "out", stages=("templates", "fingerprints"))
    fingerprints = read_fingerprints(tmp_path / "out" / "fingerprints.json")
    assert len(fingerprints) >= 10 and all(f.senders >= 3 for f in fingerprints)
    biggest = pq.read_table(tmp_path / "out" / "templates").to_pylist()[0]
    first = json.loads(requests.read_text("utf-8").splitlines()[biggest["cluster"]])
    assert FingerprintSet(fingerprints).match(first["text"]) is not None


def test_components_of_a_long_chain_and_apart(spark, tmp_path) -> None:
    """A chain of 500 nodes (what near-copies in input order make) is one component, found in
    a few rounds; separate pieces stay apart, each named by its smallest node."""
    chain = [(n, n + 1) for n in range(1000, 1499)]
    edges = spark.createDataFrame(chain + [(7, 3), (3, 9), (20, 21)], "u long, v long")
    found = {r["node"]: r["component"] for r in components(spark, edges, str(tmp_path)).collect()}
    assert {found[n] for n in range(1000, 1500)} == {1000}
    assert (found[3], found[7], found[9], found[20], found[21]) == (3, 3, 3, 20, 20)
    assert len(found) == 505
