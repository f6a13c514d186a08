"""The template signal: fires on a note many other senders sent, never for a known contact."""

from __future__ import annotations

from datetime import datetime

from kontaktfilter.bulk import TemplateIndex
from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request
from kontaktfilter.signals.context import History

NOW = datetime(2026, 11, 20)
STOCK = (
    "Guten Tag {to}, ich bin auf der Suche nach spannenden Menschen für mein Netzwerk "
    "rund um Mittelstand und Digitalisierung und freue mich auf Ihre Bestätigung. {sender}"
)


def index_with(senders: int) -> TemplateIndex:
    index = TemplateIndex()
    for number in range(senders):
        name = f"Sender Nummer{number}"
        index.add(f"m{number}", name, STOCK.format(to="Frau Beispiel", sender=name), NOW, [name])
    return index


def score(index: TemplateIndex, **kwargs) -> tuple[str, ...]:
    engine = Engine(history=History(index, min_senders=3))
    text = STOCK.format(to="Herr Kilian", sender="Neue Person")
    request = Request(
        text=text,
        sender=Profile(id="new", name="Neue Person"),
        recipient=Profile(name="Thomas Kilian"),
        **kwargs,
    )
    return engine.score(request, now=NOW).signal_names


def test_fires_from_three_other_senders() -> None:
    assert "TPL_BULK_TEMPLATE" in score(index_with(3))


def test_needs_k_other_senders() -> None:
    assert "TPL_BULK_TEMPLATE" not in score(index_with(2))


def test_the_senders_own_copies_do_not_count() -> None:
    index = index_with(2)
    for number in range(3):
        index.add(f"own{number}", "new", STOCK.format(to="X", sender="Neue Person"), NOW)
    assert "TPL_BULK_TEMPLATE" not in score(index)


def test_never_for_a_known_contact() -> None:
    assert "TPL_BULK_TEMPLATE" not in score(index_with(5), known_contacts=frozenset({"new"}))


def test_without_history_nothing_fires() -> None:
    request = Request(text=STOCK.format(to="Herr Kilian", sender="X"))
    assert "TPL_BULK_TEMPLATE" not in Engine().score(request, now=NOW).signal_names
