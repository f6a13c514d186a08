"""The German command line speaks German (issue 21): every command's human output and the errors
the project raises are run with `--lang de`, and a line that carries the fixed words of an English
catalogue entry fails the test; so does a German catalogue entry that is the English one. The
language comes from --lang, else the locale variables, else English."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.config import load_settings
from kontaktfilter.formats.records import Record, read_profile_file, read_records
from kontaktfilter.gate.simulator import KINDS
from kontaktfilter.i18n import strings
from kontaktfilter.i18n.choice import from_environment
from kontaktfilter.model import Action, Category, Label, Request
from kontaktfilter.network import STAGES
from kontaktfilter.scoring.learned_model import OUTCOMES
from kontaktfilter.services.runtime import build_engine

SAME_IN_BOTH = {"report.curve.brier", "report.curve.ece"}
"""Keys whose German text may equal the English one: the names of two measures (the Brier
score, the expected calibration error) that German statistics uses as they are. An entry of
placeholders and punctuation only ("{scored}; {skipped}") has no words to translate and is not
counted."""
SHARED = ("cli.", "api.", "report.", "category.", "action.", "due.", "followups.", "key.", "group.")
"""The catalogue entries the command line prints: its own, the reports' and those it shares
with the web."""
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src/kontaktfilter/data"
SYNERGY = "Hallo Frau Albers, vielleicht ergeben sich wertvolle Synergien."


def _words(entry: object) -> list[str]:
    """The fixed pieces of an entry (all plural forms), without its placeholders."""
    forms = entry.values() if isinstance(entry, dict) else [entry]
    return [
        piece.strip(" :;,.()“”„")
        for form in forms
        for piece in re.split(r"\{\w+\}", str(form))
        if re.search(r"[A-Za-z]{3}", piece)
    ]


def _english_phrases() -> dict[str, str]:
    """Fixed English words of every entry the command line prints, of two words or more (a
    single word such as "Spam" or "Import" may be the same in German)."""
    german, english = strings("de"), strings("en")
    phrases = {}
    for key, entry in english.items():
        if key.startswith(SHARED) and key not in SAME_IN_BOTH and entry != german[key]:
            phrases |= {piece: key for piece in _words(entry) if " " in piece}
    return phrases


def test_no_german_entry_is_the_english_one():
    german, english = strings("de"), strings("en")
    same = [
        key
        for key in german
        if key.startswith(("cli.", "api.", "report."))
        and german[key] == english[key]
        and _words(german[key])
        and key not in SAME_IN_BOTH
    ]
    assert same == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LC_ALL": "de_AT@euro", "LANG": "en_US.UTF-8"}, "de"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, None),  # LC_ALL=C: untranslated, as POSIX says
        ({"LANG": "fr_FR.UTF-8"}, None),
        ({}, None),
    ],
)
def test_the_language_from_the_locale(environ, expected):
    assert from_environment(environ) == expected


def test_lang_option_wins_over_the_locale_and_english_is_the_default():
    runner = CliRunner()
    assert "learned model" in runner.invoke(main, ["learn", "delete"], env={"LANG": "C"}).output
    german = runner.invoke(main, ["learn", "delete"], env={"LANG": "de_DE.UTF-8"}).output
    assert "gelerntes Modell" in german
    english = runner.invoke(main, ["--lang", "en", "learn", "delete"], env={"LANG": "de_DE.UTF-8"})
    assert "learned model" in english.output


def _session(tmp_path: Path) -> list[tuple[list[str], str | bytes]]:
    """Every command with human output, and the errors the project raises, in order: each
    with its arguments and the input it reads."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "Synergien!"}\n{oops\n', "utf-8")
    strategy = tmp_path / "strategy.yaml"
    strategy.write_text("rules:\n  - {name: all, action: ask_details}\n", "utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("rules: [{name: x, action: explode}]\n", "utf-8")
    password = tmp_path / "password"
    password.write_text("a long enough password\n", "utf-8")
    now = ["--now", "2026-11-23T10:00"]
    return [
        (["check", SYNERGY], ""),
        (["check", "-"], b"Synergien \xff"),
        (["check", ""], ""),
        (["lint", "Hallo, lass uns vernetzen.", "--to", str(DATA / "demo_recipient.json")], ""),
        (["triage"], ""),
        (["score", str(bad)], ""),
        (["score", str(tmp_path / "nowhere.jsonl")], ""),
        (["signals"], ""),
        (["stats"], ""),
        (["learn", "show"], ""),
        (["learn", "export", str(tmp_path / "model.npz")], ""),
        (["learn", "delete"], ""),
        (["screen"], "q\n"),
        (["demo", *now], ""),
        (["demo", "--now", "gestern"], ""),
        (["stats"], ""),
        (["screen", *now], "?\nv\nn\nk\nu\nu\nq\n"),
        (["followups", "--now", "2027-01-31T10:00"], ""),
        (["followups", "--now", "2027-01-31T10:00"], ""),
        (["sweep"], ""),
        (["rescore"], ""),
        (["strategy", "show", SYNERGY], ""),
        (["strategy", "check", str(strategy)], ""),
        (["strategy", "set", str(wrong)], ""),
        (["templates", str(DATA / "demo_inbox.jsonl"), "--min-senders", "2"], ""),
        (["fingerprints", "export", str(DATA / "demo_inbox.jsonl"), "-o", "fp.json"], ""),
        (["fingerprints", "import", "fp.json"], ""),
        (["import", str(DATA / "demo_inbox.jsonl"), "--map", "nonsense"], ""),
        (["import", str(DATA / "demo_inbox.jsonl"), "--encoding", "klingonisch"], ""),
        (["import", str(DATA / "demo_inbox.jsonl")], ""),
        (["policy-page", "-o", str(tmp_path / "policy.html")], ""),
        (["serve", "--host", "0.0.0.0"], ""),  # refused: no users yet (else it would serve)
        (["user", "add", "anna", "--password-file", str(password)], ""),
        (["user", "delete", "bernd", "--yes"], ""),
        (["export-my-data", str(tmp_path / "mine.zip")], ""),
        (["delete-my-data"], "n\n"),
        (["delete-my-data", "--yes"], ""),
        (["sweep"], ""),
        (["followups"], ""),
        (["screen"], ""),
    ]


def test_every_command_speaks_german(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")  # --lang alone must do it
    phrases, runner, leaks, said = _english_phrases(), CliRunner(), {}, []
    for args, typed in _session(tmp_path):
        result = runner.invoke(
            main, ["--db", f"sqlite:///{tmp_path / 'de.db'}", "--lang", "de", *args], input=typed
        )
        assert not isinstance(result.exception, (TypeError, KeyError, ValueError)), result.output
        for line in (result.stdout + result.stderr).splitlines():
            said.append(line)
            found = [key for phrase, key in phrases.items() if phrase in line]
            if found:
                leaks.setdefault(" ".join(args[:2]), []).append((line, found))
    assert leaks == {}
    text = "\n".join(said)  # and the session did reach the paths it is meant to check
    for german in (
        "Aktion: Nachfragen",
        "Tasten:",
        "rückgängig gemacht",
        "Fehler:",
        "UTF-8 bei Byte",
    ):
        assert german in text, german
    assert "keine Antwort bis zur Frist" in text and "Bewertungen" in text
    assert re.findall(r"\b(?:cli|api|action|category)\.[a-z_.]+", text) == []  # a missing key


def test_the_json_output_does_not_change_with_the_language():
    runner = CliRunner()
    outputs = [
        runner.invoke(main, ["--lang", lang, "check", SYNERGY, "--json"]).output
        for lang in ("de", "en")
    ]
    assert json.loads(outputs[0]) == json.loads(outputs[1])


def test_help_loads_neither_babel_nor_a_catalogue():
    """`kontaktfilter --help` stays fast (bench/bench_startup.py, <= 0.3 s): Babel costs about
    50 ms to import and is loaded only when a text needs a plural or a number."""
    code = (
        "import sys\n"
        "from kontaktfilter.cli import main\n"
        "from kontaktfilter.i18n import strings\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('babel' in sys.modules, strings.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split()[-2:] == ["False", "0"]


def _bad_inputs(folder: Path) -> dict[str, Path]:
    """Files with the mistakes users make most: a JSONL line without its text, a strategy
    with an action that does not exist, a settings file with a typo, a table without the
    column of the notes."""
    files = {
        "bad.jsonl": '{"id": "a", "text": "Synergien!"}\n{"id": "b"}\n',
        "wrong.yaml": "rules: [{name: x, action: explode}]\n",
        "settings.yaml": "hold_dayz: 3\n",
        "table.csv": "name;message\nAnna;Hallo\n",
        "own.jsonl": '{"id": "mine", "text": "Hallo Frau Albers, wir kennen uns aus Kiel."}\n',
        "fingerprints.json": '{"format": "kontaktfilter-fingerprints", "version": 7}\n',
    }
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return {name: folder / name for name in files}


LOWER_LAYER_ERRORS = [
    (
        lambda f: [["score", str(f["bad.jsonl"])]],
        "bad.jsonl:2: Feld 'text' fehlt",
        "bad.jsonl:2: field 'text' is missing",
    ),
    (
        lambda f: [["strategy", "check", str(f["wrong.yaml"])]],
        "Regel 1 ('x'): Schlüssel 'action': 'explode' ist nicht eins von accept",
        "rule 1 ('x'): key 'action': 'explode' is not one of accept",
    ),
    (
        lambda f: [["strategy", "set", str(f["wrong.yaml"])]],
        "Regel 1 ('x'): Schlüssel 'action'",
        "rule 1 ('x'): key 'action'",
    ),
    (
        lambda f: [["--config", str(f["settings.yaml"]), "stats"]],
        "settings.yaml: unbekannte Einstellung 'hold_dayz' (bekannt: policy_url",
        "settings.yaml: unknown setting 'hold_dayz' (known: policy_url",
    ),
    (
        lambda f: [["import", str(f["table.csv"])]],
        "table.csv:1: die CSV-Kopfzeile hat keine Spalte 'text' (sie hat 'name;message')",
        "table.csv:1: CSV header has no 'text' column (it has 'name;message')",
    ),
    (
        lambda f: [["--db", "nonsense", "stats"]],
        "--db: keine Datenbank-URL: 'nonsense'",
        "--db: not a database URL: 'nonsense'",
    ),
    (
        lambda f: [["import", str(f["own.jsonl"])], ["demo"]],
        "der Speicher enthält schon eigene Anfragen (1); die Demo würde Ihr Profil ersetzen",
        "the store already holds 1 requests of your own; the demo would replace your profile",
    ),
    (
        lambda f: [["fingerprints", "import", str(f["fingerprints.json"])]],
        "fingerprints.json: Feld 'version' ist 7, erwartet 1",
        "fingerprints.json: field 'version' is 7, expected 1",
    ),
    (
        lambda f: [["learn"]],
        "noch nicht gelernt: 0 unterschiedliche entschiedene Anfragen; gelernt wird ab 10",
        "not learning yet: 0 distinct decided notes; learning starts at 10",
    ),
]
"""Errors and messages raised below the command line (file readers, strategy, settings,
imports, store, demo, shared fingerprints, learning): the commands before the last one prepare
the store, the last one's output must say the German text and not the English one (and, in
English, the other way round: the English text is what logs and tests have always read)."""


@pytest.mark.parametrize(
    ("steps", "german", "english"),
    LOWER_LAYER_ERRORS,
    ids=[
        "record",
        "strategy check",
        "strategy set",
        "settings",
        "import",
        "store",
        "demo",
        "fingerprints",
        "learning",
    ],
)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_errors_of_the_lower_layers_speak_the_readers_language(
    tmp_path, monkeypatch, lang, steps, german, english
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    runner, store = CliRunner(), ["--db", f"sqlite:///{tmp_path / 'errors.db'}"]
    for args in steps(_bad_inputs(tmp_path)):
        root = [] if "--db" in args else store
        result = runner.invoke(main, [*root, "--lang", lang, *args])
    said = result.stdout + result.stderr
    wanted, unwanted = (german, english) if lang == "de" else (english, german)
    assert wanted in said and unwanted not in said, said
    assert lang == "en" or "Error:" not in said, said  # click's own prefix, "Fehler:" in German


SAME_WORDS = frozenset({"Brier", "ECE", "IDF", "TF", "KiB", "stdin"})
"""Words a line may say alike in German and English: the names of measures and units, and of
the standard input (a file's name where a file would stand). Every other word
of three letters or more on a line that reads the same in both languages is English the German
reader sees (or German the English reader sees), unless it is data (below)."""
CODES = frozenset(
    {code.value for kind in (Category, Label, Action) for code in kind}
    | {kind.name for kind in KINDS}
    | set(OUTCOMES)
    | {*STAGES, "prepare", "components"}
)
"""Label, category and action codes, the learned model's outcomes, the simulated members' kinds
and the network sweep's steps: data, printed as the files, `--json` and `--stages` spell
them."""
DATA_PATTERNS = (
    r"'[^']*'|\"[^\"]*\"|„[^“]*“|“[^”]*”",  # a quoted value: a note, a field, a file's name
    r"\S+://\S+|\S*/\S*|\S+\.(?:jsonl|json|csv|yaml|npz|html|zip|db)\b",  # URLs and paths
    r"\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b",  # signal names, codes, the replay's figure names
    r"\b[a-z]+(?:-[a-z]+)+\b",  # the names of a strategy's rules (concrete-request)
    r"\b[a-z]+-\d+\w*\b",  # request ids (demo-001, en-0001r)
    r"\[\[|\]\]",  # the marks around evidence in a note
)


def _real_rows(folder: Path) -> Path:
    """Two rows of every label in each language from the real public requests, under the
    shipped file's name (the shipped model was fitted on it, which `eval` must say)."""
    picked, seen = [], Counter()
    for line in (ROOT / "eval/real/public-requests.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        if seen[row["label"], row["lang"]] < 2:
            seen[row["label"], row["lang"]] += 1
            picked.append(line)
    path = folder / "public-requests.jsonl"
    path.write_text("\n".join(picked) + "\n", "utf-8")
    return path


def _operator_session(folder: Path, lang: str) -> list[tuple[list[str], str]]:
    """The team's and the operator's commands: `eval` in each of its modes on a few real rows
    and the team's own labels, the gate's commands that need no server (each language on its
    own gate database), and the checks of `sweep-network` that run before Spark starts."""
    real, dev = _real_rows(folder), folder / "dev.jsonl"
    own = (ROOT / "tests/fixtures/dev_requests.jsonl").read_text("utf-8").splitlines()[:8]
    dev.write_text("\n".join(own) + "\n", "utf-8")
    unlabelled = folder / "unlabelled.jsonl"
    unlabelled.write_text('{"text": "Hallo"}\n', "utf-8")
    policy, wrong = folder / "policy.yaml", folder / "wrong-policy.yaml"
    policy.write_text("[1, 2]\n", "utf-8")
    wrong.write_text("pending_cap: many\n", "utf-8")
    stream, truth, broken = folder / "events.jsonl", folder / "truth.json", folder / "bad.jsonl"
    broken.write_text('{"event_id": "1", "kind": "reported", "at": "2026-01-01"}\n', "utf-8")
    gate = ["--db", f"sqlite:///{folder / f'gate-{lang}.db'}"]
    curve = ["--learning-curve", "--folds", "2", "--repeats", "1"]
    grouped = ["--group-by", "source", "--folds", "2"]
    sweep = ["sweep-network", str(real), "-o", str(folder / "out")]
    return [
        (["eval", str(real), "--errors"], ""),
        (["eval", str(dev)], ""),
        (["eval", str(real), *grouped, "--baseline", "--errors"], ""),
        (["eval", str(real), *curve], ""),
        (["eval", str(unlabelled)], ""),
        (["eval", str(dev), "--learning-curve"], ""),
        (["eval", str(real), "--baseline"], ""),
        (["eval", str(real), *grouped, "--own", "nowhere*.jsonl"], ""),
        (
            [
                "gate",
                "simulate",
                "--users",
                "40",
                "--days",
                "3",
                "-o",
                str(stream),
                "--truth",
                str(truth),
            ],
            "",
        ),
        (["gate", "ingest", *gate, str(stream)], ""),
        (["gate", "ingest", *gate, str(stream)], ""),
        (["gate", "ingest", *gate, str(broken)], ""),
        (["gate", "replay", str(stream), "--truth", str(truth)], ""),
        (["gate", "replay", str(stream), "--truth", str(truth), "--policy", str(wrong)], ""),
        (["gate", "serve", *gate, "--policy", str(policy)], ""),
        (["gate", "client", *gate, "ops"], ""),
        (["gate", "client", *gate, "ops"], ""),
        (["gate", "clients", *gate], ""),
        (["gate", "revoke", *gate, "ops"], ""),
        (["gate", "revoke", *gate, "ops"], ""),
        (["gate", "clients", *gate], ""),
        ([*sweep, "--stages", "score,nothing"], ""),
        ([*sweep, "--conf", "spark"], ""),
    ]


def _said(args: list[str], typed: str | bytes, store: Path, lang: str) -> list[str]:
    """The lines a command printed (stdout and stderr) in one language."""
    result = CliRunner().invoke(
        main, ["--db", f"sqlite:///{store}", "--lang", lang, *args], input=typed
    )
    assert not isinstance(result.exception, (TypeError, KeyError, ValueError)), result.output
    return (result.stdout + result.stderr).splitlines()


def _inputs() -> tuple[list[str], str]:
    """The user's data that a line may quote in both languages: the notes of the inputs (to
    find them cut short), and every text of the input files (notes, names, profiles) with every
    reply draft the engine writes for them (a draft is in the request's language, whatever the
    reader's), as one text to look pieces up in."""
    engine, _ = build_engine(load_settings(environ={}))
    recipient = read_profile_file(DATA / "demo_recipient.json")
    texts, data = [SYNERGY], [SYNERGY]
    requests = [Request(SYNERGY), Request("")]
    for path in (*DATA.glob("*.json*"), ROOT / "eval/real/public-requests.jsonl"):
        for line in path.read_text("utf-8").splitlines() if path.suffix == ".jsonl" else []:
            data += _strings(json.loads(line))
        if path.suffix == ".json":
            data += _strings(json.loads(path.read_text("utf-8")))
    for path in (DATA / "demo_inbox.jsonl", ROOT / "eval/real/public-requests.jsonl"):
        with path.open("rb") as stream:
            for record in read_records(stream, path.name, "jsonl", recipient):
                assert isinstance(record, Record), record
                texts.append(record.request.text)
                requests.append(record.request)
    for request in requests:
        for action in Action:
            data += [draft for draft in engine.draft(request, action)[:1] if draft]
    return texts, "\n".join(data)


def _strings(value: object) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in _strings(item)] if isinstance(value, list) else []


def _words_left(line: str, texts: list[str], data: str) -> list[str]:
    """The words of a line that the reader's language should have changed: what is left
    without the user's data (notes, names, profiles, drafts, paths, ids, codes) and the words
    the same in both. click's own texts (usage errors) are German too and are held to the same
    bar."""
    if _is_json(line):
        return []
    cleaned = line
    for pattern in DATA_PATTERNS:
        cleaned = re.sub(pattern, " ", cleaned)
    undated = " ".join(re.sub(r"\d[\d.,:/-]*", " ", cleaned).split())
    if any(piece.strip(" “”„\"'[](),.;:–-") in data for piece in (line, cleaned, undated)):
        return []  # a quote of the data, whole or cut, maybe behind a number or a path
    line = cleaned
    for text in texts:  # a note, whole or cut: drop what it shares with the line, and its words
        match = SequenceMatcher(None, line, text, autojunk=False).find_longest_match()
        if match.size >= QUOTED:
            line = line[: match.a] + " " + line[match.a + match.size :]
            said = re.findall(r"\w+", text)  # a word cut where the note was shortened, too
            line = " ".join(
                word
                for word in re.findall(r"\w+", line)
                if not any(whole.startswith(word) or whole.endswith(word) for whole in said)
            )
    words = re.findall(r"[^\W\d_]{3,}", line)
    return [word for word in words if word not in SAME_WORDS and word not in CODES]


def _is_json(line: str) -> bool:
    """Machine output (a summary as JSON) is the same in every language by design."""
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


QUOTED = 12
"""Characters a line must share with a note for the line to be quoting it."""


def _unchanged(de: list[str], en: list[str]) -> list[str]:
    """Pieces of the German output that the English output has too, numbers and spacing aside
    (0,8 % and 0.8%, the seconds a step took or a table's columns widened for a longer German
    heading do not make a line German). A piece is a line or a part of it between colons,
    semicolons, commas and brackets: "Fehler: x.jsonl: No such file or directory" has an
    English part behind a German prefix."""
    english = {_shape(piece) for line in en for piece in _pieces(line)}
    return [piece for line in de for piece in _pieces(line) if _shape(piece) in english]


def _pieces(line: str) -> list[str]:
    """The line, and its parts if it has any."""
    parts = [part for part in re.split(r":\s|;\s|,\s|\s\(|\)|\s{2,}", line) if part.strip()]
    return [line] if len(parts) < 2 else [line, *parts]


def _shape(line: str) -> str:
    return " ".join(re.sub(r"\d[\d.,]*(?:\s?%)?", "#", line).split())


def _leaks(
    pairs: list[tuple[list[str], list[str], str | bytes]],
    folder: Path,
    written: Callable[[], list[str]] = list,
) -> list[tuple[str, str, list[str]]]:
    """Runs each command in German and in English (separate stores, the same inputs) and
    returns every unchanged line or part that still has a word in it, with its command.
    `written` names more data once the commands ran: what they wrote into their output."""
    said = [
        (args_de, _said(args_de, typed, folder / "de.db", "de"))
        + (_said(args_en, typed, folder / "en.db", "en"),)
        for args_de, args_en, typed in pairs
    ]
    texts, data = _inputs()
    data += "\n" + "\n".join(written())
    leaks = []
    for args, de, en in said:
        for line in _unchanged(de, en):
            words = _words_left(line, texts, data)
            if words:
                leaks.append((" ".join(args[:2]), line, words))
    return leaks


def _both(folder: Path) -> list[tuple[list[str], list[str], str | bytes]]:
    german = _session(folder) + _operator_session(folder, "de")
    english = _session(folder) + _operator_session(folder, "en")
    return [(de, en, typed) for (de, typed), (en, _) in zip(german, english, strict=True)]


def test_no_line_reads_the_same_in_german_and_english(tmp_path, monkeypatch):
    """Issue 21's bar: every command of the session and the team's and operator's commands,
    once in German and once in English; a line that reads the same in both and still has a
    word in it was not translated, whether or not the English catalogue knows the text."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    leaks = _leaks(_both(tmp_path), tmp_path)
    assert leaks == [], "\n".join(map(str, leaks))


@pytest.mark.slow
def test_the_network_sweep_speaks_the_readers_language(tmp_path, monkeypatch):
    """`sweep-network` on a tiny input (three requests and one without an id) and on a file
    that is not there, in local Spark: its progress and its errors in each language, the same
    bar as above. The bad records it lists are what it wrote to errors/ (data, in English).
    Slow: each run starts Spark (about a minute on two cores)."""
    pytest.importorskip("pyspark")
    pq = pytest.importorskip("pyarrow.parquet")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "C.UTF-8")
    rows = _real_rows(tmp_path).read_text("utf-8").splitlines()[:3]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join([*rows, '{"text": "Synergien!"}']) + "\n", "utf-8")
    runs = [
        ["sweep-network", str(requests), "-o", str(tmp_path / "out")],
        ["sweep-network", str(tmp_path / "nowhere.jsonl"), "-o", str(tmp_path / "out")],
    ]

    def errors() -> list[str]:
        return pq.read_table(tmp_path / "out" / "errors").column("error").to_pylist()

    leaks = _leaks([(args, args, "") for args in runs], tmp_path, errors)
    assert leaks == [], "\n".join(map(str, leaks))
