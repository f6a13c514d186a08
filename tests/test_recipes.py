"""The recipes of ARCHITECTURE.md, each followed once in a test-sized example (issue 18): a new
signal, a new strategy condition and a new import format are added exactly as the recipe says,
and the product then uses them without any other file changing. (The page recipe was followed
for real: /signals, tested in test_web_parts.py and test_web_browser.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.imports.formats import FORMATS, Reading, import_format
from kontaktfilter.imports.items import RequestItem, digest_key
from kontaktfilter.imports.sources import ImportFailure, Source
from kontaktfilter.model import Action, Category, Hit, Request, Role
from kontaktfilter.signals.context import Context
from kontaktfilter.signals.registry import REGISTRY, register
from kontaktfilter.store import open_store
from kontaktfilter.strategy.rules import CONDITIONS, Facts, StrategyError, condition, parse_strategy
from store_helpers import run_import


@pytest.fixture
def cleanup() -> Iterator[None]:
    """Whatever a recipe registers is removed again, so other tests see the product as it is."""
    signals, conditions, formats = set(REGISTRY), set(CONDITIONS), set(FORMATS)
    yield
    for registry, before in ((REGISTRY, signals), (CONDITIONS, conditions), (FORMATS, formats)):
        for key in set(registry) - before:
            del registry[key]


def test_add_a_signal(cleanup) -> None:
    """Recipe "Add a signal": one decorated function with its roles; the engine runs it, the
    verdict explains it with its span, and the ask_details draft reads its role."""

    @register(
        "PHRASE_RECIPE_BUZZWORD",
        1.5,
        "vague",
        "Uses the buzzword 'Mehrwert' without saying which",
        "Verwendet das Schlagwort 'Mehrwert', ohne zu sagen, welchen",
        roles=(Role.VAGUE,),
    )
    def buzzword(request: Request, ctx: Context) -> list[Hit]:
        tokens = ctx.note.tokens
        return [
            Hit(1.0, (ctx.span(i, i),)) for i, token in enumerate(tokens) if token == "mehrwert"
        ]

    engine = Engine(corpus=None)  # the rules alone: the new signal is not in the shipped combiner
    verdict = engine.score(Request(text="Hallo, gemeinsam schaffen wir Mehrwert für alle."))
    (hit,) = [h for h in verdict.hits if h.name == "PHRASE_RECIPE_BUZZWORD"]
    assert hit.spans[0].text == "Mehrwert" and Role.VAGUE in hit.roles
    assert verdict.category is Category.VAGUE
    reply, _note = engine.draft(
        Request(text="Hallo, gemeinsam schaffen wir Mehrwert für alle."), Action.ASK_DETAILS
    )
    assert "Mehrwert" in reply  # the draft quotes the vague promise back


def test_add_a_strategy_condition(cleanup) -> None:
    """Recipe "Add a strategy condition": one decorated builder; strategies may use the key,
    and a wrong value is an error that names the rule and the key."""

    @condition("note_words_max")
    def note_words_max(value: object, where: str):
        if not isinstance(value, int) or value < 0:
            raise StrategyError(f"{where}: expected a whole number of words, not {value!r}")
        return lambda facts: len(facts.request.text.split()) <= value

    strategy = parse_strategy(
        {"rules": [{"name": "short", "when": {"note_words_max": 3}, "action": "ask_details"}]},
        "recipe.yaml",
    )
    short = Facts(Category.VAGUE, (), Request(text="Synergien? Gerne!"), now=_now())
    long = Facts(Category.VAGUE, (), Request(text="eins zwei drei vier fünf"), now=_now())
    assert strategy.first_match(short).name == "short"
    assert strategy.first_match(long) is None
    with pytest.raises(StrategyError, match=r"rule 1 \('short'\): key 'when.note_words_max'"):
        parse_strategy(
            {"rules": [{"name": "short", "when": {"note_words_max": "x"}, "action": "hold_wait"}]},
            "recipe.yaml",
        )


def _now() -> datetime:
    return datetime(2026, 12, 7, 12, 0)


def test_add_an_import_format(cleanup, tmp_path, store_url) -> None:
    """Recipe "Add an import format": one decorated reader; `kontaktfilter import` then finds,
    orders, reads, stores and scores the new files, and its errors name file and line."""

    def is_notes_file(name: str, head: bytes, container: bool) -> bool:
        return name.endswith(".notes.txt")

    @import_format("notes-txt", 6, is_notes_file)
    def read_notes(source: Source, reading: Reading | None = None) -> Iterator[RequestItem]:
        with source.open() as stream:
            for number, raw in enumerate(stream, 1):
                sender, tab, text = raw.decode("utf-8").rstrip("\n").partition("\t")
                if not tab:
                    raise ImportFailure(f"{source.name}:{number}", "expected sender<TAB>note")
                yield RequestItem(
                    key=digest_key("notes", sender, text),
                    direction="incoming",
                    platform="other",
                    sender_key=f"other-name:{sender.lower()}",
                    sender_name=sender,
                    recipient_key="",
                    recipient_name="",
                    text=text,
                    sent_at=None,
                )

    path = tmp_path / "inbox.notes.txt"
    path.write_text(
        "Jana Roth\tHallo Frau Albers, wir haben uns gestern auf der LogiMAT gesprochen.\n"
        "Max Muster\tVielleicht ergeben sich wertvolle Synergien.\n",
        "utf-8",
    )
    store = open_store(store_url)
    (report,) = run_import(store, path)
    assert (report.kind, report.added, report.failed) == ("notes-txt", 2, None)
    assert store.stats()["tables"]["verdicts"] == 2
    path.write_text("no tab here\n", "utf-8")
    (bad,) = run_import(open_store(store_url), path)
    assert "inbox.notes.txt:1" in str(bad.failed)
