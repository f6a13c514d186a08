"""The command line, driven through Click's runner with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kontaktfilter.cli import main

KILIAN = {
    "name": "Thomas Kilian",
    "gender": "m",
    "interests": ["Segeln"],
    "offers": ["Vertriebstraining"],
    "publications": ["Klasse statt Masse"],
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "kilian.json"
    path.write_text(json.dumps(KILIAN), "utf-8")
    return path


def test_check_explains_with_spans(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "Vielleicht ergeben sich wertvolle Synergien."])
    assert result.exit_code == 0
    assert "VAGUE" in result.output and "Ask for details" in result.output
    assert "[[Synergien]]" in result.output
    assert "PHRASE_SYNERGIES" in result.output


def test_check_json(runner: CliRunner, profile: Path) -> None:
    text = "Hallo Frau Kilian, Kontakte schaden nur dem, der keine hat."
    result = runner.invoke(main, ["check", text, "--recipient", str(profile), "--json"])
    data = json.loads(result.output)
    assert data["category"] == "collector" and data["action"] == "decline_silently"
    names = {s["name"] for s in data["signals"]}
    assert {"PHRASE_CONTACTS_HURT", "PERS_SALUTATION_MISMATCH"} <= names
    span = next(s for s in data["signals"] if s["name"] == "PHRASE_CONTACTS_HURT")["spans"][0]
    assert text[span["start"] : span["end"]] == span["text"]


def test_check_works_when_the_configured_server_is_down(runner: CliRunner) -> None:
    """Nothing listens on port 1: the learned model is unreachable, the rules still answer."""
    server_down = "postgresql://nobody@127.0.0.1:1/kontaktfilter"
    result = runner.invoke(
        main, ["--db", server_down, "check", "Vielleicht ergeben sich Synergien."]
    )
    assert result.exit_code == 0, result.output
    assert "VAGUE" in result.output
    assert "the rules decide without your learned model" in result.output


def test_check_reads_stdin_and_rejects_bad_utf8(runner: CliRunner) -> None:
    assert runner.invoke(main, ["check", "-"], input="Synergien!").exit_code == 0
    result = runner.invoke(main, ["check", "-"], input=b"bad \xff")
    assert result.exit_code == 1 and "stdin: invalid UTF-8 at byte 4" in result.output


def test_score_streams_jsonl_and_names_bad_lines(runner: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_bytes(
        b'{"id": "a", "text": "Vielleicht ergeben sich Synergien."}\n'
        b'{"id": "b", "text": "kaputt\n'
        b'{"id": "c", "text": "Ich lade Sie zu meinem kostenlosen Webinar ein."}\n'
    )
    result = runner.invoke(main, ["score", str(inbox), "--json"])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(v["id"], v["category"]) for v in lines] == [("a", "vague"), ("c", "spam")]
    assert set(lines[0]) >= {"id", "category", "action", "score", "signals"}
    assert f"{inbox}:2: invalid JSON" in result.stderr
    assert "scored 2 requests; skipped 1 bad record" in result.stderr


def test_score_csv_table(runner: CliRunner, tmp_path: Path, profile: Path) -> None:
    inbox = tmp_path / "inbox.csv"
    inbox.write_text(
        'id,text\n1,"Ihr Beitrag Klasse statt Masse: Bieten Sie Vertriebstraining an?"\n'
    )
    result = runner.invoke(main, ["score", str(inbox), "--recipient", str(profile)])
    assert result.exit_code == 0
    assert result.stdout.startswith("1\tpersonal\taccept_and_reply")


def test_score_missing_file(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", "nope.jsonl"])
    assert result.exit_code == 1 and "nope.jsonl" in result.output


def test_lint_tells_how_to_make_it_personal(runner: CliRunner, profile: Path) -> None:
    result = runner.invoke(
        main, ["lint", "Ich würde Sie gerne zu meinen Kontakten hinzufügen.", "--to", str(profile)]
    )
    assert result.exit_code == 1
    assert "Klasse statt Masse" in result.output  # suggests the recipient's publication
    assert "Sehr geehrter Herr Kilian" in result.output  # and a salutation


def test_lint_passes_a_good_request(runner: CliRunner, profile: Path) -> None:
    text = (
        "Sehr geehrter Herr Kilian, Ihr Beitrag „Klasse statt Masse“ hat mich überzeugt. "
        "Bieten Sie das Vertriebstraining auch für Teams von fünf Personen an?"
    )
    result = runner.invoke(main, ["lint", text, "--to", str(profile)])
    assert result.exit_code == 0, result.output
    assert "personal" in result.output


def test_eval_prints_metrics_and_genuine_harm(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "labelled.jsonl"
    rows = [
        {"text": "Vielleicht ergeben sich Synergien.", "label": "vague"},
        {"text": "Kontakte schaden nur dem, der keine hat.", "label": "collector"},
        {"text": "Kontakte schaden nur dem, der keine hat.", "label": "personal", "id": "g1"},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    result = runner.invoke(main, ["eval", str(data)])
    assert result.exit_code == 0
    assert "macro-F1" in result.output
    assert "genuine requests declined or reported: 1" in result.output
    assert "g1" in result.output


def test_eval_requires_labels(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "x.jsonl"
    data.write_text('{"text": "a"}\n', "utf-8")
    result = runner.invoke(main, ["eval", str(data)])
    assert result.exit_code == 1 and "field 'label' is missing" in result.stderr


def test_triage_sample_inbox(runner: CliRunner) -> None:
    result = runner.invoke(main, ["triage"])
    assert result.exit_code == 0, result.output
    assert "Accept and reply" in result.output and "Report spam" in result.output


def test_bad_config_names_file_and_key(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "k.yaml"
    config.write_text("weights:\n  PHRASE_NOPE: 2\n", "utf-8")
    result = runner.invoke(main, ["--config", str(config), "check", "x"])
    assert result.exit_code == 1 and "unknown signal(s) PHRASE_NOPE" in result.output
    config.write_text("weight: {}\n", "utf-8")
    result = runner.invoke(main, ["--config", str(config), "check", "x"])
    assert f"{config}: unknown setting 'weight'" in result.output


def test_weight_override_and_policy_url(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "k.yaml"
    config.write_text("weights:\n  PERS_EMPTY_NOTE: 0\n", "utf-8")
    result = runner.invoke(main, ["--config", str(config), "check", "", "--json"])
    assert json.loads(result.output)["signals"] == []
    result = runner.invoke(
        main,
        [
            "--policy-url",
            "https://k.example/policy",
            "check",
            "Ihr Profil ist interessant.",
            "--json",
        ],
    )
    assert "https://k.example/policy" in json.loads(result.output)["reply"]


def test_signals_lists_the_registry(runner: CliRunner) -> None:
    result = runner.invoke(main, ["signals", "--lang", "de"])
    assert "PHRASE_SYNERGIES" in result.output and "Synergien" in result.output


def _template_file(tmp_path: Path) -> Path:
    stock = (
        "Guten Tag {to}, wie ich lese, sind Sie auch in der Gruppe Mittelstand Nord. "
        "Vielleicht ergeben sich wertvolle Synergien. Beste Grüße, {sender}"
    )
    rows = [
        {"id": f"t{n}", "sender": f"sender-{n}", "text": stock.format(to=to, sender=f"S {n}")}
        for n, to in enumerate(["Herr A", "Frau B", "Herr C", "Frau D"])
    ]
    rows.append(
        {"id": "u1", "sender": "eva", "text": "Können Sie uns bei der SAP-Einführung helfen?"}
    )
    path = tmp_path / "messages.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_templates_lists_clusters_and_saves_the_index(runner: CliRunner, tmp_path: Path) -> None:
    messages, saved = _template_file(tmp_path), tmp_path / "tpl.npz"
    result = runner.invoke(main, ["templates", str(messages), "--save", str(saved)])
    assert result.exit_code == 0, result.output
    assert "1 template from" in result.stdout and "4 senders" in result.stdout
    text = (
        "Hallo Frau X, wie ich lese, sind Sie auch in der Gruppe Mittelstand Nord. Vielleicht "
        "ergeben sich wertvolle Synergien. Beste Grüße, Neu"
    )
    scored = runner.invoke(main, ["--templates", str(saved), "check", text, "--json"])
    assert "TPL_BULK_TEMPLATE" in {s["name"] for s in json.loads(scored.stdout)["signals"]}


def test_templates_json_gives_each_message_its_cluster(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["templates", str(_template_file(tmp_path)), "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    clusters = {line["id"]: line["cluster"] for line in lines}
    assert clusters["u1"] is None
    assert len({clusters[f"t{n}"] for n in range(4)}) == 1 and clusters["t0"] is not None


def test_bad_template_index_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_text("nope")
    result = runner.invoke(main, ["--templates", str(bad), "check", "x"])
    assert result.exit_code == 1 and "bad.npz: not a kontaktfilter template index" in result.output


def test_templates_reads_csv_with_plain_sender_names(runner: CliRunner, tmp_path: Path) -> None:
    body = "ich lade Sie zu meinem kostenlosen Webinar über passives Einkommen ein, Plätze begrenzt"
    rows = ["id,sender,text"] + [f'c{n},sender{n},"Hallo Person{n}, {body}"' for n in range(3)]
    rows.append('c9,sender9,"Könnten Sie uns bei der Umstellung auf E-Rechnungen helfen?"')
    path = tmp_path / "messages.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    result = runner.invoke(main, ["templates", str(path), "--json"])
    clusters = {
        json.loads(line)["id"]: json.loads(line)["cluster"] for line in result.stdout.splitlines()
    }
    assert clusters["c9"] is None and len({clusters[f"c{n}"] for n in range(3)}) == 1


@pytest.mark.parametrize(
    "hostile",
    [
        "\x1b]0;pwned\x07",  # OSC: set the window title
        "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
        "\x1b[2J\x1b[H",  # CSI: clear the screen
        "\x9b2J",  # C1 CSI
        "\u202egnp.exe",  # right-to-left override
    ],
)
def test_sender_text_cannot_steer_the_terminal(runner: CliRunner, hostile: str) -> None:
    text = f"Hallo Frau Berg, {hostile} vielleicht ergeben sich Synergien."
    result = runner.invoke(main, ["check", text])
    assert result.exit_code == 0
    assert not any(ch in result.output for ch in "\x1b\x07\x9b\u202e")
    assert "Synergien" in result.output


def test_eval_prints_what_the_user_still_decides(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", "tests/fixtures/dev_requests.jsonl"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "harm" in result.output
    assert "actions: " in result.output and "P(genuine) band" in result.output


def test_the_engine_is_built_only_by_commands_that_score(tmp_path):
    """Issue 18: the engine (lexicons, fingerprints, the template index, the models) is built
    lazily. A broken template index stops `check` with a clear error, not `stats`."""
    broken = tmp_path / "index.bin"
    broken.write_bytes(b"not an index")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    runner = CliRunner()
    stats = runner.invoke(main, ["--db", db, "--templates", str(broken), "stats"])
    assert stats.exit_code == 0, stats.output
    check = runner.invoke(main, ["--db", db, "--templates", str(broken), "check", "Hallo"])
    assert check.exit_code == 1 and "index.bin" in check.output
