"""A live screener and Chromium for the browser tests (Debian's Chromium driven by Playwright
against a real server on loopback)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright import sync_api as playwright_api

from kontaktfilter.web.app import create_app
from store_helpers import run_import
from web_helpers import fill, screener

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(os.environ.get("KONTAKTFILTER_ARTIFACTS", "artifacts")) / "screenshots"
SCRIPT_PAYLOAD = "<script>window.__pwned = 1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__pwned = 2">'


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live(tmp_path) -> Iterator[tuple[str, object]]:
    """A screener on a fresh SQLite store with the sample inbox and two hostile notes."""
    state = screener(f"sqlite:///{tmp_path / 'web.db'}", max_upload_bytes=32 << 20)
    store = state.store("local")
    fill(store)
    hostile = tmp_path / "hostile.jsonl"
    rows = [
        {
            "id": "x1",
            "text": f"Hallo {SCRIPT_PAYLOAD} Synergien!",
            "sender": {"name": "Eve <b>Bold</b>"},
        },
        {
            "id": "x2",
            "text": f"Kontakte schaden nur dem, der keine hat {IMG_PAYLOAD}",
            "sender": "Mallory",
        },
    ]
    hostile.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    run_import(store, hostile)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(state), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", store
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed (scripts/ensure-system-packages installs it)")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()
