"""Known-template fingerprints: exchange without text, refuse bad files whole, ship a corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kontaktfilter.bulk.fingerprints import (
    FingerprintError,
    FingerprintSet,
    fingerprint_of,
    read_fingerprints,
    shipped_fingerprints,
    write_fingerprints,
)
from kontaktfilter.cli import main

ROOT = Path(__file__).parent.parent
STOCK = "Wie ich lese, sind Sie ja auch in der Gruppe Mittelstand Nord. Kontakte schaden nur dem."


def document(**changes) -> dict:
    fingerprint = fingerprint_of(STOCK, "collector", 4, "2026-01-01", "2026-02-01")
    entry = {
        "signature": list(fingerprint.signature),
        "label": "collector",
        "senders": 4,
        "first_seen": "2026-01-01",
        "last_seen": "2026-02-01",
    }
    base = {
        "format": "kontaktfilter-fingerprints",
        "version": 1,
        "num_perm": 64,
        "seed": 1,
        "fingerprints": [entry],
    }
    base.update(changes)
    return base


def test_round_trip_carries_no_text(tmp_path: Path) -> None:
    path = tmp_path / "fp.json"
    write_fingerprints(path, [fingerprint_of(STOCK, "spam", 3, "2026-01-01", "2026-01-02")])
    assert "Gruppe" not in path.read_text() and "gruppe" not in path.read_text()
    [loaded] = read_fingerprints(path)
    assert loaded.label == "spam" and loaded.senders == 3


def test_set_matches_a_paraphrased_copy() -> None:
    fingerprints = FingerprintSet(read_fingerprints("x", json.dumps(document())))
    copy = (
        "Hallo Frau Roth, wie ich lese, sind Sie ja ebenfalls in der Gruppe Mittelstand Nord. "
        "Kontakte schaden nur dem. Viele Grüße"
    )
    assert fingerprints.match(copy) is not None
    assert fingerprints.match("Könnten Sie uns ein Angebot für einen Workshop schicken?") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read fingerprints"),
        (json.dumps({"format": "other"}), "not a kontaktfilter-fingerprints file"),
        (json.dumps(document(version=2)), "field 'version' is 2"),
        (json.dumps(document(seed=9)), "'num_perm'/'seed'"),
        (json.dumps(document(fingerprints={})), "field 'fingerprints' must be a list"),
        (
            json.dumps(document(fingerprints=[{"signature": [1, 2]}])),
            "fingerprint 1: field 'signature'",
        ),
        (
            json.dumps(document(fingerprints=[{"signature": [4294967295] * 64}])),
            "fingerprint 1: field 'signature' is empty",
        ),
    ],
)
def test_bad_files_name_file_entry_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(FingerprintError, match=message):
        read_fingerprints(path)


def test_a_bad_second_entry_refuses_the_whole_file(tmp_path: Path) -> None:
    good = document()["fingerprints"][0]
    path = tmp_path / "half.json"
    path.write_text(json.dumps(document(fingerprints=[good, {**good, "label": "x"}])), "utf-8")
    with pytest.raises(FingerprintError, match="fingerprint 2: field 'label'"):
        read_fingerprints(path)


def test_import_merges_and_a_bad_import_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "store" / "fingerprints.json"
    monkeypatch.setenv("KONTAKTFILTER_FINGERPRINT_STORE", str(store))
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(document()), "utf-8")
    bad.write_text(json.dumps(document(fingerprints=[{"signature": []}])), "utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["fingerprints", "import", str(good)]).exit_code == 0
    before = store.read_bytes()
    result = runner.invoke(main, ["fingerprints", "import", str(bad)])
    assert result.exit_code == 1 and "bad.json: fingerprint 1: field 'signature'" in result.output
    assert store.read_bytes() == before
    again = runner.invoke(main, ["fingerprints", "import", str(good)])
    assert "1 in" in again.output  # no duplicates
    check = runner.invoke(main, ["check", STOCK, "--json"])
    assert "TPL_KNOWN_FINGERPRINT" in {s["name"] for s in json.loads(check.stdout)["signals"]}


def test_shipped_fingerprints_are_what_the_corpus_builds(tmp_path: Path) -> None:
    rebuilt = tmp_path / "fingerprints.json"
    result = CliRunner().invoke(
        main,
        [
            "fingerprints",
            "export",
            str(ROOT / "corpus" / "templates.jsonl"),
            "--each",
            "-o",
            str(rebuilt),
        ],
    )
    assert result.exit_code == 0, result.output
    assert read_fingerprints(rebuilt) == shipped_fingerprints()
    assert len(shipped_fingerprints()) >= 20
