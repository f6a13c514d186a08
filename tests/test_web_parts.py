"""The screener's small parts: interface strings, language choice, evidence segments, charts
and the dashboard figures."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from importlib import resources

import pytest

from kontaktfilter.i18n import LANGUAGES, strings
from kontaktfilter.i18n.choice import from_accept_language
from kontaktfilter.model import Action, Category, Group, Label, Role
from kontaktfilter.services.dashboard import Week, dashboard
from kontaktfilter.services.inbox import record_decision
from kontaktfilter.services.keymap import KEYMAP
from kontaktfilter.store import open_store
from kontaktfilter.strategy import default_strategy
from kontaktfilter.web import charts
from kontaktfilter.web.present import segments
from web_helpers import fill

TEMPLATES = resources.files("kontaktfilter.web") / "templates"
DYNAMIC = {
    "category": [c.value for c in Category],
    "action": [a.value for a in Action] + ["undo"],
    "queue.title": ["pending", "waiting", "decided", "connected"],
    "due": ["answered", "no_answer", "hold_over", "reminder", "open", "overdue"],
    "import.state": ["running", "done", "failed"],
    "followups.for_": ["answer", "hold"],
    "followups.result_": ["answered", "no_answer", "hold_over"],
    "key": [k.name for k in KEYMAP if not k.terminal_only],
    "group": [g.value for g in Group],
    "role": [r.value for r in Role],
    "label": [label.value for label in Label],
    "request": ["received", "scored", "message_in", "message_out"],
    "request.follow_up_": ["open", "answered", "expired", "done", "cancelled"],
}


def _used_keys() -> set[str]:
    """Literal keys of the templates, and for `t("prefix." ~ value)` every value there is."""
    found: set[str] = set()
    for template in TEMPLATES.iterdir():
        found.update(re.findall(r"""t\(["']([a-z_.]+)["']""", template.read_text("utf-8")))
    prefixes = {key.rstrip(".") for key in found if key.endswith((".", "_"))}
    assert prefixes <= {prefix.rstrip(".") for prefix in DYNAMIC}, "a new dynamic key prefix"
    keys = {key for key in found if not key.endswith((".", "_"))}
    for prefix, values in DYNAMIC.items():
        joiner = "" if prefix.endswith("_") else "."
        keys.update(f"{prefix}{joiner}{value}" for value in values)
    return keys


def _placeholders(entry: object) -> set[str]:
    forms = entry.values() if isinstance(entry, dict) else [entry]
    return {name for form in forms for name in re.findall(r"\{(\w+)\}", str(form))} - {"n"}


def test_both_languages_have_the_same_strings_and_every_used_one():
    """Every catalogue (pages, command line, API errors): the same keys in German and English,
    the same values filled in (a German text that drops {path} would hide it), and plural
    forms by Babel's categories."""
    german, english = strings("de"), strings("en")
    assert set(german) == set(english)
    assert _used_keys() - set(german) == set()
    for key, entry in german.items():  # plural forms: Babel's categories, "other" always
        assert _placeholders(entry) == _placeholders(english[key]), key
        if isinstance(entry, dict) or isinstance(english[key], dict):
            assert "other" in entry and "other" in english[key], key
            assert set(entry) <= {"zero", "one", "two", "few", "many", "other"}, key


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("en-US,en;q=0.9,de;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.5,de;q=0.4", "en"),
        ("de;q=0.2, en;q=0.7", "en"),
        ("fr, es", None),
        ("en;q=0, de;q=0.1", "de"),
        ("", None),
        ("de;q=abc", None),
    ],
)
def test_language_from_the_browser(header, expected):
    assert from_accept_language(header) == expected
    assert expected is None or expected in LANGUAGES


def test_segments_cover_the_note_exactly_once():
    text = "Vielleicht ergeben sich Synergien."
    signals = [{"name": "A", "spans": [[11, 33]]}, {"name": "B", "spans": [[24, 33], [99, 120]]}]
    pieces = segments(text, signals)
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.signals) for p in pieces if p.signals] == [
        ("ergeben sich ", ("A",)),
        ("Synergien", ("A", "B")),
    ]


def test_charts_are_well_formed_svg_with_escaped_labels():
    weeks = [Week(date(2026, 11, 2), {"spam": 2, "personal": 1}), Week(date(2026, 11, 9), {})]
    for svg in (
        charts.weekly_stacked(weeks, "Per <week>", {"spam": "Spam & Co"}),
        charts.share_line(weeks, "Share"),
        charts.histogram([("< 1 d", 3), ("> 14 d", 0)], "Delays"),
        charts.weekly_stacked([], "empty", {}),
    ):
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
    stacked = charts.weekly_stacked(weeks, "Per <week>", {"spam": "Spam & Co"})
    assert "Per &lt;week&gt;" in stacked and "Spam &amp; Co 2" in stacked
    assert stacked.count("<rect") == 2
    ticks = [t.text for t in ET.fromstring(stacked).iter() if t.get("class") == "tick"]
    assert ticks[:3] == ["0", "1.5", "3"]  # the value axis: zero, half, peak
    share = [t.text for t in ET.fromstring(charts.share_line(weeks, "S")).iter() if t.text]
    assert {"0 %", "50 %", "100 %"} <= set(share)


def test_dashboard_figures(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    fill(store)
    board = dashboard(store, weeks=52)
    assert sum(week.total for week in board.weeks) == store.stats()["tables"]["requests"]
    mondays = [week.start for week in board.weeks]
    assert all(m.weekday() == 0 for m in mondays)
    assert all((b - a).days == 7 for a, b in zip(mondays, mondays[1:], strict=False))
    unwanted = board.categories["collector"] + board.categories["spam"]
    assert board.unwanted_share == pytest.approx(unwanted / sum(board.categories.values()))
    assert board.decided == 0 and board.median_days_to_decision is None

    requests = store.categories_by_request()
    first, second = sorted(requests)[:2]
    record_decision(store, first, Action.ACCEPT, datetime(2030, 1, 1), default_strategy())
    record_decision(store, second, Action.ACCEPT, datetime(2030, 1, 1), default_strategy())
    after = dashboard(store)
    assert after.decided == 2
    assert dict(after.decision_buckets)["> 14 d"] == 2


def test_the_signals_page_lists_every_signal_with_what_was_learned(tmp_path):
    """The page recipe of ARCHITECTURE.md, followed for /signals: every registered signal with
    its rule weight, the combiner's learned push, its roles and its meaning in the language."""
    from kontaktfilter.signals import REGISTRY
    from web_helpers import client, screener

    state = screener(f"sqlite:///{tmp_path / 'web.db'}")
    with client(state) as web:
        page = web.get("/signals", headers={"Accept-Language": "de"}).text
        english = web.get("/signals", headers={"Accept-Language": "en"}).text
    assert "<h1>Signale</h1>" in page and "<h1>Signals</h1>" in english
    assert all(f'id="{name}"' in page for name in REGISTRY)
    row = page.split('id="GOOD_PUBLICATION_MATCH"')[1].split("</tr>")[0]
    assert "schützt, persönlicher Grund, Bezug aufs Profil" in row and "Richtung" in row
    english_row = english.split('id="GOOD_PUBLICATION_MATCH"')[1].split("</tr>")[0]
    assert "protects, personal reason, profile reference" in english_row
    assert REGISTRY["GOOD_PUBLICATION_MATCH"].description_de in row


def test_evidence_for_a_person_is_marked_genuine_and_against_suspicious(tmp_path):
    """Issue 21: genuine evidence (a negative contribution) was shown in the spam colour and
    suspicious evidence in the contact colour."""
    import re

    from web_helpers import client, fill, screener

    state = screener(f"sqlite:///{tmp_path / 'web.db'}")
    fill(state.store("local"))
    with client(state) as web:
        page = web.get("/", headers={"Accept-Language": "en"}).text
    marks = re.findall(r'class="contrib (\w+)" title="([^"]+)">([+-])', page)
    assert {kind for kind, _title, _sign in marks} == {"genuine", "suspicious"}
    for kind, title, sign in marks:
        assert (kind, sign) in {("genuine", "-"), ("suspicious", "+")}
        assert title.startswith(
            "Speaks for a genuine" if kind == "genuine" else "Speaks for a coll"
        )
