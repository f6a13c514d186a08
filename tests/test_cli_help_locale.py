"""The German command line's help and click's own words (issue 21): every command's `--help`
with `--lang de` shares no English line with the same help in English, every command and option
has a German help text of its own, usage errors are German, and the German catalogue of click's
texts is exactly the set of texts the installed click asks gettext for (a click upgrade that
moves one fails here)."""

from __future__ import annotations

import ast
import gettext
import importlib
import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.cli.click_texts import CLICK_MODULES, LOOKUPS
from kontaktfilter.cli.language import asked
from kontaktfilter.i18n import german

SAME_IN_BOTH = {
    "kontaktfilter", "linkedin", "xing", "json", "jsonl", "csv", "yaml", "html", "sqlite",
    "postgresql", "spark", "parquet", "url", "glob", "key", "value", "field", "column", "text",
    "help", "docs",
}  # fmt: skip
"""Words a German help line may share with the English one besides the names the command tree
defines itself (commands, options, choices, arguments, default values): product and format
names, the metavars the code gives (URL, GLOB, KEY=VALUE, FIELD=COLUMN; TEXT is the same in
German), click's own --help and the docs folder."""
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")
WINDOWS_ONLY = {"click._winconsole"}
"""A click module with texts that is never imported on the systems the command line runs on."""
NOT_LITERAL = {"extra['required']"}
"""click's one lookup of a text that is not written at the call: "required", set elsewhere."""


def _commands(command: click.Command, path: tuple[str, ...] = ()):
    """The command tree, walked here rather than with the code under test."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands(main))


def _options(command: click.Command) -> list[click.Option]:
    return [param for param in command.params if isinstance(param, click.Option)]


def _long(option: click.Option) -> str:
    return next(name for name in option.opts if name.startswith("--"))


def _names() -> set[str]:
    """Every name the tree defines: commands, options, choices and arguments."""
    names = set()
    for path, command in COMMANDS.items():
        names |= {part.lower() for part in path}
        for param in command.params:
            names |= {word.lower() for opt in param.opts for word in WORD.findall(opt)}
            names |= {str(choice).lower() for choice in getattr(param.type, "choices", ())}
            names |= {word.lower() for word in WORD.findall(str(param.default))}
            names.add(param.name.lower())
    return names


def _help(path: tuple[str, ...], lang: str) -> str:
    result = CliRunner().invoke(main, ["--lang", lang, *path, "--help"], env={"LANG": "C"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: " ".join(path) or "root")
def test_german_help_shares_no_english_line(path):
    english_lines = {line.strip() for line in _help(path, "en").splitlines()}
    allowed, german_help = SAME_IN_BOTH | _names(), _help(path, "de")
    shared = [
        line
        for line in german_help.splitlines()
        if line.strip() in english_lines and {word.lower() for word in WORD.findall(line)} - allowed
    ]
    assert shared == []
    usage = german_help.splitlines()[0]  # "Aufruf:" alone would hide an English placeholder
    assert not re.search(r"OPTIONS|COMMAND|ARGS", usage), usage


def test_every_command_and_option_has_german_help_of_its_own():
    catalogue = german("help")["commands"]
    for path, command in COMMANDS.items():
        entry = catalogue.get(" ".join(path))
        assert entry and entry["help"] and command.help, path
        assert entry["help"] != command.help, path
        options = {_long(option): option for option in _options(command)}
        assert set(entry.get("options", {})) == set(options), path  # none missing, none stale
        for name, option in options.items():
            assert option.help and entry["options"][name] != option.help, (path, name)
    assert set(catalogue) == {" ".join(path) for path in COMMANDS}


@pytest.mark.parametrize(
    ("args", "german", "english"),
    [
        (["check", "--bogus", "x"], "Eine Option '--bogus' gibt es nicht.", "No such option"),
        (["--bogus"], "Eine Option '--bogus' gibt es nicht.", "No such option"),
        (["check"], "Es fehlt ein Argument 'TEXT'.", "Missing argument"),
        (["check", "--platform", "fax", "x"], "'fax' ist keiner der Werte 'xing'", "one of"),
        (["nosuch"], "Einen Befehl 'nosuch' gibt es nicht.", "No such command"),
        (["serve", "--port", "0"], "0 liegt nicht im Bereich 1<=x<=65535.", "not in the range"),
        (
            ["check", "--sender", "no.json", "x"],
            "'--sender': 'no.json' gibt es nicht.",
            "does not exist",
        ),
    ],
    ids=["option", "root option", "argument", "choice", "command", "range", "path"],
)
def test_usage_errors_in_german(args, german, english):
    result = CliRunner().invoke(main, ["--lang", "de", *args], env={"LANG": "C"})
    assert result.exit_code == 2
    said = result.stdout + result.stderr
    assert german in said and "Fehler:" in said and "Aufruf:" in said, said
    for word in (english, "Error:", "Usage:", "Try "):
        assert word not in said, said


def test_the_locale_alone_makes_the_help_german_and_lang_en_wins_over_it():
    runner, locale = CliRunner(), {"LANG": "de_DE.UTF-8"}
    assert "Diese Hilfe zeigen und beenden." in runner.invoke(main, ["--help"], env=locale).output
    english = runner.invoke(main, ["--lang", "en", "--help"], env=locale).output
    assert "Show this message and exit." in english and "Aufruf:" not in english


def test_a_german_invocation_leaves_click_and_the_commands_english_afterwards():
    """click keeps each command's --help option once built: built in German, it stayed German
    for the rest of the process until help_texts took it back."""
    before = _help(("score",), "en")
    assert "Diese Hilfe zeigen" in _help(("score",), "de")
    assert _help(("score",), "en") == before
    assert "Show this message and exit." in before
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        assert getattr(module, "_", gettext.gettext) is gettext.gettext, name


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--lang", "de", "stats"], "de"),
        (["--lang=de", "--help"], "de"),
        (["--db", "sqlite:///x.db", "--lang", "en", "stats"], "en"),
        (["--lang", "de", "--lang", "en"], "en"),  # the last one counts, as for click
        (["--db", "--lang", "stats"], None),  # "--lang" is the value of --db here
        (["policy-page", "--lang", "en"], None),  # the command's own --lang, not the root's
        (["--lang", "fr", "stats"], None),  # left to click to refuse
        (["--lang"], None),
    ],
)
def test_the_roots_lang_is_read_before_click_parses(args, expected):
    assert asked(main, args) == expected


def _click_texts() -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """Every text the installed click passes to gettext, keyed as the catalogue keys it (the
    singular for `ngettext`), with the module and all of its English forms; and the calls that
    pass no written text."""
    texts, not_literal = {}, set()
    for path in sorted(Path(click.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in LOOKUPS:
                forms = node.args[: 2 if node.func.id == "ngettext" else 1]
                if all(isinstance(form, ast.Constant) for form in forms):
                    english = tuple(form.value for form in forms)  # type: ignore[attr-defined]
                    texts[english[0]] = (f"click.{path.stem}", *english)
                else:
                    not_literal.add(ast.unparse(forms[0]))
    return texts, not_literal


def _placeholders(text: str) -> set[str]:
    fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    return fields | set(re.findall(r"%\((\w+)\)s", text))


def test_the_german_catalogue_is_exactly_what_click_asks_for():
    texts, not_literal = _click_texts()
    assert not_literal == NOT_LITERAL  # a new computed lookup must be added by hand
    catalogue = german("click")
    assert set(catalogue) == set(texts) | {"required"}
    assert {module for module, *_ in texts.values()} - WINDOWS_ONLY == set(CLICK_MODULES)
    for english, entry in catalogue.items():
        _module, *forms = texts.get(english, ("", english))
        assert isinstance(entry, dict) == (len(forms) == 2), english  # ngettext: one, other
        known = set().union(*map(_placeholders, forms))  # click fills in these names
        for form in entry.values() if isinstance(entry, dict) else [entry]:
            assert form not in forms and _placeholders(form) <= known, (english, form)


def test_click_still_looks_its_texts_up_by_module_level_names():
    """click_texts replaces the names `_` and `ngettext` in click's modules; if click stopped
    importing them from gettext at module level, German would silently fall back to English."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        found = {lookup: getattr(module, lookup) for lookup in LOOKUPS if hasattr(module, lookup)}
        assert found.get("_") is gettext.gettext, name
        assert found.get("ngettext", gettext.ngettext) is gettext.ngettext, name


def test_german_help_loads_no_babel_and_only_the_help_catalogues():
    code = (
        "import sys\n"
        "from kontaktfilter.cli import main\n"
        "from kontaktfilter.i18n import german, strings\n"
        "try:\n    main(['--lang', 'de', 'score', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('babel' in sys.modules, strings.cache_info().currsize,"
        " german.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Aufruf:" in result.stdout
    assert result.stdout.split()[-3:] == ["False", "0", "2"]


@pytest.mark.parametrize(
    ("lang", "typed", "shown", "deleted"),
    [
        ("de", "ja\n", "[j/N]: ", True),
        ("de", "j\n", "[j/N]: ", True),
        ("de", "n\n", "[j/N]: ", False),
        ("de", "\n", "[j/N]: ", False),
        ("en", "y\n", "[y/N]: ", True),
        ("en", "ja?\n", "[y/N]: ", False),
    ],
)
def test_a_confirmation_asks_in_the_readers_words(tmp_path, lang, typed, shown, deleted):
    """click.confirm shows [y/N] and takes y or yes only, whatever the reader's language."""
    store = ["--db", f"sqlite:///{tmp_path / 'confirm.db'}", "--lang", lang]
    runner = CliRunner()
    runner.invoke(main, [*store, "import", "src/kontaktfilter/data/demo_inbox.jsonl"])
    result = runner.invoke(main, [*store, "delete-my-data"], input=typed, env={"LANG": "C"})
    assert shown in result.output
    assert (result.exit_code == 0) == deleted, result.output
    if not deleted:
        assert ("Abgebrochen." if lang == "de" else "Aborted!") in result.output
