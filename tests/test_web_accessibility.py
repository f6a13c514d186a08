"""Accessibility: axe-core, injected from its npm package (scripts/ensure-axe installs it into
.cache/npm), checks every page of the screener in German and in English in Chromium; a serious
or critical violation fails the test with the rule, the element and axe's help link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
from browser_helpers import browser, live  # noqa: E402
from web_helpers import PAGES  # noqa: E402

pytestmark = pytest.mark.slow
__all__ = ["browser", "live"]  # fixtures
AXE = Path(os.environ.get("KONTAKTFILTER_AXE", ".cache/npm/node_modules/axe-core/axe.min.js"))
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: scripts/ensure-axe installs axe-core from npm")
    return AXE.read_text("utf-8")


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_no_serious_or_critical_violation_on_any_page(live, browser, axe_source, locale):
    url, store = live
    from kontaktfilter.services.inbox import RequestFilter, list_requests

    first = list_requests(store, RequestFilter("pending"), 1)[0][0].request_id
    # axe is evaluated through the DevTools protocol: the pages' CSP forbids inline scripts
    context = browser.new_context(locale=locale, bypass_csp=True)
    page = context.new_page()
    found = []
    try:
        for path in (*PAGES, f"/requests/{first}", "/?q=Synergien"):
            page.goto(url + path)
            page.evaluate(axe_source)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            found += [
                f"{path} [{v['impact']}] {v['id']}: {v['help']} at "
                f"{', '.join(n['target'][0] for n in v['nodes'][:3])} ({v['helpUrl']})"
                for v in result["violations"]
                if v["impact"] in BLOCKING
            ]
    finally:
        context.close()
    assert found == [], "\n".join(found)
