"""The screener in a real browser (Debian's Chromium driven by Playwright) against a real
server on loopback: import through the page, work the queue with the keys, drafts, undo, the
language switch, and hostile notes that must stay text. Screenshots of the screener and the
dashboard land in artifacts/screenshots/ (set KONTAKTFILTER_ARTIFACTS to move them)."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")
from browser_helpers import IMG_PAYLOAD, SCRIPT_PAYLOAD, SHOTS, browser, live, page  # noqa: E402
from kontaktfilter.services.synthetic import write_export  # noqa: E402

pytestmark = pytest.mark.slow
__all__ = ["browser", "live", "page"]  # fixtures


def _pending(store) -> int:
    return store.stats()["statuses"].get("pending", 0)


def _current_id(page) -> str:
    return page.locator("li.card.current").get_attribute("data-id")


def test_keys_step_accept_decline_draft_and_undo(live, page):
    """The keys of services/keymap.py, as `screen` has them: n/p move, a/d/k decide, v opens
    the draft, c copies it with visible feedback, u undoes."""
    url, store = live
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(url + "/")
    before = _pending(store)
    first = _current_id(page)
    page.keyboard.press("n")
    second = _current_id(page)
    assert second != first
    page.keyboard.press("p")
    assert _current_id(page) == first
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "screener.png"), full_page=False)

    page.keyboard.press("a")  # accept the first
    page.locator(f"#r{first}.done").wait_for(state="attached")  # no eval: the page has a CSP
    assert _current_id(page) == second
    page.keyboard.press("d")  # decline the second
    page.locator(f"#r{second}.done").wait_for(state="attached")
    assert _pending(store) == before - 2

    third = _current_id(page)
    page.keyboard.press("v")  # the reply draft, ready to copy
    draft = page.locator(f"#r{third} details.draft textarea")
    for _ in range(50):  # the draft arrives by fetch; polled without eval (CSP)
        if len(draft.input_value()) > 20:
            break
        page.wait_for_timeout(100)
    assert page.locator(f"#r{third} details.draft").get_attribute("open") is not None
    assert len(draft.input_value()) > 20
    page.locator("body").click(position={"x": 5, "y": 300})  # leave the textarea
    page.keyboard.press("c")
    copy = page.locator(f"#r{third} button.copy")
    copy.filter(has_text="✓").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == draft.input_value()

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("k")  # k asks for details, as in the terminal (never "move up")
    page.locator(f"#r{third}.done").wait_for(state="attached")
    assert _pending(store) == before - 3

    page.keyboard.press("u")  # undo the question
    page.wait_for_load_state("load")
    page.wait_for_selector(f"#r{third}:not(.done)")
    assert _pending(store) == before - 2
    assert _current_id(page) == third


def test_hostile_notes_stay_inert(live, page):
    url, _store = live
    page.goto(url + "/")
    notes = page.locator("blockquote.note")
    texts = " ".join(notes.all_inner_texts())
    assert SCRIPT_PAYLOAD in texts and IMG_PAYLOAD in texts  # shown as text ...
    assert page.evaluate("window.__pwned") is None  # ... and never run
    assert page.locator("blockquote.note img, blockquote.note script").count() == 0
    assert page.locator("strong.sender", has_text="Eve <b>Bold</b>").count() == 1
    page.keyboard.press("v")
    page.goto(url + "/?status=pending&category=vague")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []


def test_import_an_export_through_the_page(live, page, tmp_path):
    url, store = live
    export = write_export(
        tmp_path / "export", zipped=True, invitations=60, connections=10, messages=20
    )
    before = store.stats()["tables"]["requests"]
    page.goto(url + "/import")
    page.set_input_files("input[type=file]", str(export))
    page.locator("form[action='/import'] button[type=submit]").click()
    page.wait_for_selector("section.job[data-state='done']", timeout=30_000)
    assert page.locator("progress").count() >= 1
    assert store.stats()["tables"]["requests"] > before
    page.locator("a.button").click()
    page.wait_for_selector("li.card")


def test_a_bad_file_fails_on_the_page_with_its_line(live, page, tmp_path):
    url, _store = live
    bad = tmp_path / "inbox.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": 5}\n', "utf-8")
    page.goto(url + "/import")
    page.set_input_files("input[type=file]", str(bad))
    page.locator("form[action='/import'] button[type=submit]").click()
    page.wait_for_selector("section.job[data-state='failed']", timeout=30_000)
    assert "inbox.jsonl:2" in page.locator("p.error").inner_text()


def test_dashboard_charts_and_language_switch(live, page):
    url, _store = live
    page.goto(url + "/dashboard")
    assert page.locator("svg.chart").count() == 3
    assert page.locator("h1").inner_text() == "Übersicht"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    page.locator("form.lang button[value='en']").click()
    page.wait_for_url(url + "/dashboard")
    assert page.locator("h1").inner_text() == "Dashboard"
    page.goto(url + "/")
    assert page.locator("nav a[href='/']").inner_text() == "Requests"


def test_strategy_editor_refuses_invalid_yaml(live, page):
    url, _store = live
    page.goto(url + "/strategy")
    original = page.locator("textarea[name=text]").input_value()
    page.fill("textarea[name=text]", "rules: [{name: x, action: explode}]")
    page.locator("form[action='/strategy'] button[type=submit]").click()
    assert "explode" in page.locator("p.error").inner_text()
    page.goto(url + "/strategy")
    assert page.locator("textarea[name=text]").input_value() == original


def test_the_signals_page_is_reached_from_the_navigation(live, page):
    url, _store = live
    page.goto(url + "/")
    page.locator("nav a[href='/signals']").click()
    page.wait_for_url(url + "/signals")
    assert page.locator("h1").inner_text() == "Signale"
    assert page.locator("table.signals tbody tr").count() >= 40


def test_the_api_docs_render_with_the_network_blocked(live, page):
    """Issue 21: /api/docs was blank without internet (Swagger UI from a CDN)."""
    url, _store = live
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(url) else route.abort(),
    )
    page.goto(url + "/api/docs")
    page.wait_for_selector(".swagger-ui .information-container", timeout=15_000)
    assert "kontaktfilter" in page.locator(".swagger-ui .title").inner_text()
    assert page.locator(".opblock").count() >= 10


def test_genuine_evidence_is_green_and_suspicious_red(live, page):
    """Issue 21: the contribution of genuine evidence is drawn in the contact colour (--known),
    that of suspicious evidence in the spam colour (--spam)."""
    url, _store = live
    page.goto(url + "/")

    def css_rgb(name: str) -> str:
        value = page.evaluate(
            f"() => getComputedStyle(document.documentElement).getPropertyValue('{name}').trim()"
        )
        red, green, blue = (int(value[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgb({red}, {green}, {blue})"

    colour = "(selector) => getComputedStyle(document.querySelector(selector)).color"
    assert page.evaluate(colour, ".contrib.genuine") == css_rgb("--known")
    assert page.evaluate(colour, ".contrib.suspicious") == css_rgb("--spam")
