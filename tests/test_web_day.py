"""A day's work in the screener, in Chromium, in German and in English: the compact list, open a
request, decide by key and undo, edit a draft, copy it and send it (the text is kept), search,
the request's own page with its history, and a whole template declined and brought back with
one undo. Screenshots of each step land in artifacts/screenshots/day-<lang>-*.png."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")
from sqlalchemy import select  # noqa: E402

from browser_helpers import SHOTS, browser, live  # noqa: E402
from kontaktfilter.store.schema import ContactRequest, Decision  # noqa: E402
from web_helpers import add_template_cluster  # noqa: E402

pytestmark = pytest.mark.slow
__all__ = ["browser", "live"]  # fixtures
WORDS = {
    "de": {"sent": "Gesendet", "search": "Suchen", "history": "Verlauf", "undo": "Rückgängig"},
    "en": {"sent": "Sent – decide so", "search": "Search", "history": "History", "undo": "Undo"},
}


def _pending(store) -> int:
    return store.stats()["statuses"].get("pending", 0)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_day_in_the_screener(live, browser, tmp_path, lang):
    url, store = live
    add_template_cluster(store, tmp_path)
    words = WORDS[lang]
    context = browser.new_context(
        locale="de-DE" if lang == "de" else "en-GB", viewport={"width": 1100, "height": 900}
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    shot = lambda name: page.screenshot(path=str(SHOTS / f"day-{lang}-{name}.png"))  # noqa: E731
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(url + "/")
        assert page.locator("html").get_attribute("lang") == lang
        # the compact list: one line each, the current one in full
        assert page.locator("ol.cards.compact").count() == 1
        cards = page.locator("li.card")
        assert cards.nth(1).locator("blockquote.note").is_hidden()
        assert cards.nth(0).locator("blockquote.note").is_visible()
        shot("1-compact")

        # open the third by clicking its line, decide it by key, undo
        third = cards.nth(2).get_attribute("data-id")
        cards.nth(2).locator(".head .gist").click()
        assert page.locator(f"#r{third}.current blockquote.note").is_visible()
        before = _pending(store)
        page.keyboard.press("a")
        page.locator(f"#r{third}.done").wait_for(state="attached")
        assert _pending(store) == before - 1
        page.keyboard.press("u")
        page.wait_for_selector(f"#r{third}:not(.done)")
        assert _pending(store) == before
        shot("2-undone")

        # edit the draft, copy it (visible feedback), send it: the text is kept
        current = page.locator("li.card.current")
        request_id = current.get_attribute("data-id")
        page.keyboard.press("v")
        area = current.locator("details.draft textarea")
        for _ in range(50):
            if len(area.input_value()) > 20:
                break
            page.wait_for_timeout(100)
        area.fill(area.input_value() + "\n\nPS: bis bald!")
        current.locator("button.copy").click()
        current.locator("button.copy", has_text="✓").wait_for()
        edited = area.input_value()
        assert page.evaluate("navigator.clipboard.readText()") == edited
        shot("3-draft")
        current.locator("form.inline button", has_text=words["sent"]).click()
        page.locator(f"#r{request_id}.done").wait_for(state="attached")
        with store.engine.connect() as conn:
            kept = conn.execute(
                select(Decision.comment).where(
                    Decision.request_id == int(request_id), Decision.undone.is_(False)
                )
            ).scalar_one()
        assert kept == edited.replace("\r\n", "\n")

        # search by sender
        page.fill("input[name=q]", "Sammler Bauer")
        page.locator("form.search button", has_text=words["search"]).click()
        page.wait_for_url("**q=Sammler+Bauer**")
        assert page.locator("li.card").count() == 1
        shot("4-search")

        # the request's own page with its history
        decided = store.stats()["statuses"]
        assert decided.get("decided", 0) + decided.get("waiting", 0) >= 1
        page.goto(url + f"/requests/{request_id}")
        assert page.locator("section.history h2").inner_text() == words["history"]
        assert "PS: bis bald!" in page.locator("section.history").inner_text()
        shot("5-permalink")

        # a whole template declined, and brought back with one undo
        page.goto(url + "/templates")
        cluster = page.locator("li.cluster", has_text="Sammler Adler")
        before = _pending(store)
        cluster.locator("form.inline button").click()
        page.wait_for_url("**/templates?decided=5")
        assert _pending(store) == before - 5
        shot("6-template-declined")
        page.locator("div.notice button", has_text=words["undo"]).click()
        page.wait_for_url("**/templates")
        assert _pending(store) == before
        with store.engine.connect() as conn:
            statuses = conn.execute(
                select(ContactRequest.status).where(ContactRequest.template_key.is_not(None))
            ).scalars()
            assert set(statuses) == {"pending"}
    finally:
        context.close()
