"""The German screener speaks German: every page is rendered in German and in English from the
same store, and any interface text that is the same in both fails the test (the user's own
data, the notes, names, drafts and quotes, is left out; a short list of words that are the
same in both languages is allowed). Numbers and plurals follow the language (Babel)."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser

import pytest

from kontaktfilter.i18n import Translator
from kontaktfilter.model import Action
from kontaktfilter.services.inbox import record_decision
from kontaktfilter.store import open_store
from kontaktfilter.strategy import default_strategy
from web_helpers import PAGES, client, csrf_headers, fill, screener

SAME_IN_BOTH = {"kontaktfilter", "Import", "Signal", "Spam", "DE", "EN", "LinkedIn", "XING"}
DATA = {"blockquote", "q", "textarea", "script", "style", "kbd", "time", "code", "pre"}
DATA_CLASSES = ("sender", "note", "who", "gist")


class _Texts(HTMLParser):
    """Interface text nodes of a page, without the user's data."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("br", "input", "meta", "link", "img", "hr", "wbr"):
            self.open.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if any(t in DATA or any(c in cls for c in DATA_CLASSES) for t, cls in self.open):
            return
        text = " ".join(data.split())
        words = set(re.findall(r"[A-Za-zÄÖÜäöüß]{3,}", text))
        if words and not words <= SAME_IN_BOTH:
            self.found.append(text)


def _texts(web, path: str, lang: str) -> list[str]:
    web.cookies.set("kontaktfilter_lang", lang)
    parser = _Texts()
    parser.feed(web.get(path).text)
    return parser.found


@pytest.fixture
def web(tmp_path):
    url = f"sqlite:///{tmp_path / 'locale.db'}"
    store = open_store(url)
    fill(store)
    web = client(screener(url))
    items = web.get("/api/requests?status=pending").json()["items"]
    decisions = (Action.ASK_DETAILS, Action.ACCEPT, Action.HOLD_WAIT)
    for item, action in zip(items[:3], decisions, strict=True):
        record_decision(store, item["id"], action, datetime(2026, 10, 1), default_strategy())
    return web


def test_no_page_shows_english_to_a_german_reader(web):
    web.cookies.set("kontaktfilter_lang", "de")
    processed = web.post("/followups/process", headers=csrf_headers(web)).text
    assert "keine Antwort bis zur Frist: jetzt Sammler – Still ablehnen" in processed
    leaks = {}
    first = web.get("/api/requests?status=decided").json()["items"][0]["id"]
    for path in (*PAGES, f"/requests/{first}", "/?q=Synergien"):
        english = set(_texts(web, path, "en"))
        same = sorted({text for text in _texts(web, path, "de") if text in english})
        if same:
            leaks[path] = same
    assert leaks == {}


@pytest.mark.parametrize(
    ("lang", "key", "values", "expected"),
    [
        ("de", "queue.signals", {"n": 1}, "1 Signal"),
        ("de", "queue.signals", {"n": 3}, "3 Signale"),
        ("en", "queue.signals", {"n": 1}, "1 signal"),
        ("de", "dashboard.days", {"n": 0.8}, "0,8 Tage"),
        ("en", "dashboard.days", {"n": 1}, "1 day"),
        ("de", "import.already", {"n": 12345}, "schon importiert (12.345 Zeilen)"),
    ],
)
def test_plurals_and_numbers_follow_the_language(lang, key, values, expected):
    assert Translator(lang)(key, **values) == expected
    assert Translator("de").signed(1.5) == "+1,5" and Translator("en").signed(-0.25, 2) == "-0.25"
