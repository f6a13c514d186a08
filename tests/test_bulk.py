"""Bulk detection: normalisation, the near-duplicate index, persistence and clusters."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from kontaktfilter.bulk import (
    IndexFileError,
    TemplateIndex,
    load_index,
    normalise_for_template,
    save_index,
    template_tokens,
)

NOW = datetime(2026, 11, 20, 12)
TEMPLATE = (
    "Hallo {to}, wie ich lese, sind Sie ja auch in der Gruppe Vertrieb Nord. Vielleicht ergeben "
    "sich wertvolle Synergien, ich freue mich auf Ihre Bestätigung. Sonnige Grüße, {sender}"
)
PAIRS = [
    ("Klaus Bauer", "Frau Albers"),
    ("Sandra Vogel", "Herr Pfeiffer"),
    ("Frank Neumann", "Frau Berg"),
    ("Heike Schulz", "Herr Kilian"),
]


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        (
            "Hallo Frau Albers, wir bieten X an. Viele Grüße, Klaus Bauer",
            ["Katrin Albers", "Klaus Bauer"],
            "wir bieten x an",
        ),
        (
            "Sehr geehrter Herr Dr. Kilian, Ihr Angebot. Grüße aus Köln",
            ["Thomas Kilian"],
            "ihr angebot",
        ),
        (
            "Hi John, see https://x.example/a?b=1 or mail me@x.example, 3 times!",
            ["John Smith"],
            "see or mail times",
        ),
        ("ÄRGER über Übergrößen", [], "aerger ueber uebergroessen"),
        ("Dear Ms Smith, Our offer. Best regards, Jane", ["Ann Smith", "Jane Doe"], "our offer"),
    ],
)
def test_normalisation(text: str, names: list[str], expected: str) -> None:
    assert normalise_for_template(text, names) == expected


def test_name_swapped_copies_normalise_alike() -> None:
    forms = {
        normalise_for_template(TEMPLATE.format(to=to, sender=s), [s, to.split()[1]])
        for s, to in PAIRS
    }
    assert len(forms) == 1


def test_notes_empty_after_normalisation_never_match() -> None:
    index = TemplateIndex()
    for number in range(3):
        index.add(f"e{number}", f"sender {number}", "Viele Grüße", NOW)
    assert index.query("Beste Grüße") == []
    assert index.clusters(min_senders=1) == []


def filled(count: int = 4, start: datetime = NOW) -> TemplateIndex:
    index = TemplateIndex()
    for number, (sender, to) in enumerate(PAIRS[:count]):
        text = TEMPLATE.format(to=to, sender=sender)
        index.add(f"t{number}", sender, text, start + timedelta(days=number), [sender])
    index.add(
        "own",
        "Eva Roth",
        "Ich habe Ihren Artikel über Preisverhandlungen im Mittelstand "
        "gelesen und frage mich, wie Sie Rabattforderungen im Erstgespräch begegnen.",
        NOW,
    )
    return index


def test_query_finds_copies_from_other_senders() -> None:
    index = filled()
    copy = TEMPLATE.format(to="Frau Roth", sender="Max Muster").replace("wertvolle", "tolle")
    matches = index.query(copy, ["Max Muster"], exclude_sender="Klaus Bauer")
    assert {m.msg_id for m in matches} == {"t1", "t2", "t3"}
    assert all(m.similarity >= index.threshold for m in matches)


def test_unrelated_note_has_no_match() -> None:
    text = "Können Sie uns ein Angebot für einen Workshop zur Einwandbehandlung im März machen?"
    assert filled().query(text) == []


def test_time_window() -> None:
    index = filled(start=NOW - timedelta(days=40))
    text = TEMPLATE.format(to="Frau Roth", sender="Max Muster")
    recent = index.query(text, now=NOW, window_days=38)
    assert {m.msg_id for m in recent} == {"t2", "t3"}
    assert index.prune(NOW, 38) == 2 and len(index) == 3


def test_incremental_adds_after_a_sort_are_found() -> None:
    index = filled(2)
    assert len(index.query(TEMPLATE.format(to="X", sender="Y"))) == 2  # sorts the index
    index.add("late", "Late Sender", TEMPLATE.format(to="Frau Z", sender="Late Sender"), NOW)
    assert "late" in {m.msg_id for m in index.query(TEMPLATE.format(to="X", sender="Y"))}


def test_adding_in_batches_equals_adding_at_once() -> None:
    """The arrays grow in buffers with room behind them (and start over after a prune)."""
    items = [
        (
            f"m{n}",
            f"sender {n}",
            TEMPLATE.format(to=to, sender=s) if n % 2 else f"note {n}",
            NOW,
            (),
        )
        for n, (s, to) in enumerate(PAIRS * 5)
    ]
    at_once, in_batches = TemplateIndex(), TemplateIndex()
    at_once.add_many(items)
    for start in range(0, len(items), 3):
        in_batches.add_many(items[start : start + 3])
    assert np.array_equal(at_once.state()[2]["signatures"], in_batches.state()[2]["signatures"])
    assert np.array_equal(at_once.labels(), in_batches.labels())
    assert in_batches.prune(NOW + timedelta(days=1), 0.5) == len(items)
    in_batches.add_many(items[:4])
    assert in_batches.ids == at_once.ids[:4] and len(in_batches.state()[2]["seen"]) == 4


def test_merged_and_pruned_columns_equal_a_fresh_sort(monkeypatch) -> None:
    """A full tail is merged into the sorted columns and a prune filters them: both must leave
    what one stable sort of the notes left would give, or the newest-first cut of `evidence`
    would read other rows."""
    monkeypatch.setattr("kontaktfilter.bulk.index.TAIL_LIMIT", 6)
    index, fresh_notes, probes = TemplateIndex(), [], []
    for day in range(12):
        batch = []
        for number in range(9):
            sender, to = PAIRS[(day + number) % len(PAIRS)]
            text = TEMPLATE.format(to=f"{to} {number}", sender=sender)
            if number % 3 == 0:  # one note in three its own words
                text = f"Ihr Vortrag {day} über Messreihe {number} in Halle {day * number}"
            batch.append((f"n{day}-{number}", sender, text, NOW + timedelta(days=day), ()))
        index.add_many(batch)
        fresh_notes += batch
        probes.append(batch[1][2])
        index.query(probes[-1])  # sorted from the first day on, merged from then on
        if day % 4 == 3:
            assert index.prune(NOW + timedelta(days=day), 2.5) > 0
            fresh_notes = [n for n in fresh_notes if n[3] >= NOW + timedelta(days=day - 2.5)]
    fresh = TemplateIndex()
    fresh.add_many(fresh_notes)
    fresh.query(probes[0])
    index.add_many([])
    assert index._columns.count == len(index) == len(fresh)
    assert np.array_equal(index._columns.keys, fresh._columns.keys)
    assert np.array_equal(index._columns.rows, fresh._columns.rows)
    for probe in probes:
        assert index.evidence(probe, now=NOW + timedelta(days=12), window_days=3) == (
            fresh.evidence(probe, now=NOW + timedelta(days=12), window_days=3)
        )


@pytest.mark.parametrize("evidence_limit", [64, 3])
def test_a_batch_counts_the_senders_evidence_counts(monkeypatch, evidence_limit: int) -> None:
    """`sender_counts` must give, note for note, the sender count of `evidence`: sorted part and
    tail, the cut at EVIDENCE_LIMIT, the sender's own copies, the window, notes without words."""
    monkeypatch.setattr("kontaktfilter.bulk.index.TAIL_LIMIT", 10)
    monkeypatch.setattr("kontaktfilter.bulk.index.EVIDENCE_LIMIT", evidence_limit)
    index, probes = TemplateIndex(), []
    for number in range(60):
        sender, to = PAIRS[number % len(PAIRS)]
        sender = f"{sender} {number % 7}"
        text = TEMPLATE.format(to=f"{to} {number}", sender=sender)
        if number % 5 == 0:
            text = text.replace("Synergien", f"Messreihen {number}").replace("Gruppe", "Halle")
        if number % 11 == 0:
            text = f"Ihr Vortrag {number} über Akustik in Halle {number * 3}"
        note = (f"m{number}", sender, text, NOW + timedelta(hours=5 * number), ())
        index.add_many([note])
        probes.append((text, sender, note[3] + timedelta(hours=1)))
        if number == 20:
            index.query(text)  # sorted here; later notes are merged or wait in the tail
    probes += [("Viele Grüße", "x", NOW), (TEMPLATE.format(to="Y", sender="Z"), "new", NOW)]
    assert index._columns.count < len(index)  # the last notes are in the tail
    signatures = index.hasher.signatures([template_tokens(text) for text, _, _ in probes])
    counts = index.sender_counts(
        signatures, [sender for _, sender, _ in probes], [now for *_, now in probes], 4.0
    )
    expected = [
        index.evidence(text, exclude_sender=sender, now=now, window_days=4.0)[0]
        for text, sender, now in probes
    ]
    assert counts.tolist() == expected
    assert max(expected) > 0 and 0 in expected


def test_clusters_count_distinct_senders() -> None:
    index = filled()
    index.add("t0-again", "Klaus Bauer", TEMPLATE.format(to="Frau Ott", sender="Klaus Bauer"), NOW)
    [cluster] = index.clusters(min_senders=3)
    assert cluster.senders == 4 and len(cluster.members) == 5
    assert cluster.first_seen == NOW and cluster.last_seen == NOW + timedelta(days=3)
    assert "Gruppe Vertrieb Nord" in cluster.example
    assert index.clusters(min_senders=5) == []
    labels = index.labels()
    assert labels[4] == -1 and len(set(labels[:4])) == 1


def test_persistence_round_trip(tmp_path) -> None:
    index = filled()
    path = tmp_path / "templates.npz"
    save_index(index, path)
    loaded = load_index(path)
    text = TEMPLATE.format(to="Frau Roth", sender="Max Muster")
    assert loaded.query(text) == index.query(text)
    assert loaded.clusters() == index.clusters()
    assert np.array_equal(loaded.labels(), index.labels())


def test_corrupt_and_wrong_files_name_the_file(tmp_path) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip at all")
    with pytest.raises(IndexFileError, match="broken.npz"):
        load_index(broken)
    with pytest.raises(IndexFileError, match="missing.npz"):
        load_index(tmp_path / "missing.npz")


def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "templates.npz"
    save_index(filled(2), path)
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(OSError, match="disk full"):
        save_index(filled(4), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["templates.npz"]
