"""The German command line speaks German (issue 21): every command's human output and the errors
the project raises are run with `--lang de`, and a line that carries the fixed words of an English
catalogue entry fails the test; so does a German catalogue entry that is the English one. The
language comes from --lang, else the locale variables, else English."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.i18n import strings
from kontaktfilter.i18n.choice import from_environment

SAME_IN_BOTH: set[str] = set()
"""Keys whose German text may equal the English one. Empty: an entry of placeholders and
punctuation only ("{scored}; {skipped}") has no words to translate and is not counted; a real
exception (a product name, "OK") would be named here with its reason."""
SHARED = ("cli.", "api.", "category.", "action.", "due.", "followups.", "key.", "group.")
"""The catalogue entries the command line prints: its own and those it shares with the web."""
DATA = Path("src/kontaktfilter/data")
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
        if key.startswith(("cli.", "api."))
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
