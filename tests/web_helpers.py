"""A web screener on a real store for the API and page tests, with the shipped sample inbox
imported the way a user would (the real importer, the real engine)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from kontaktfilter.store import Store, open_store
from kontaktfilter.web.app import create_app
from kontaktfilter.web.auth import CSRF_HEADER
from kontaktfilter.web.state import Screener, WebConfig
from store_helpers import ENGINE, run_import

SAMPLE = Path("src/kontaktfilter/data/sample_inbox.jsonl")
RECIPIENT = Path("src/kontaktfilter/data/sample_recipient.json")
LOCAL = "http://127.0.0.1"


def screener(url: str, local: bool = True, max_upload_bytes: int = 1 << 20) -> Screener:
    config = WebConfig(
        "127.0.0.1" if local else "0.0.0.0",
        "test secret",
        max_upload_bytes,
        local,
    )
    return Screener(config, open_store(url).engine, ENGINE)


def client(app_state: Screener) -> TestClient:
    """A client of the screener; one served beyond loopback is reached over TLS (its session
    cookie is Secure, so a browser would not send it over plain HTTP)."""
    base = LOCAL if app_state.config.local else LOCAL.replace("http:", "https:")
    return TestClient(create_app(app_state), base_url=base, follow_redirects=False)


def fill(store: Store, path: Path = SAMPLE) -> None:
    """The user's profile and the sample inbox, imported."""
    store.set_user_profile(json.loads(RECIPIENT.read_text("utf-8")))
    run_import(store, path)


def csrf_headers(web: TestClient) -> dict[str, str]:
    """The header a page's script sends: the session's token."""
    return {CSRF_HEADER: web.get("/api/session").json()["csrf_token"]}


PAGES = (
    "/",
    "/?status=waiting",
    "/?status=decided",
    "/followups",
    "/templates",
    "/signals",
    "/dashboard",
    "/strategy",
    "/import",
    "/policy",
)
"""Every page of the screener that needs no id (the locale and accessibility tests)."""
TEMPLATE = (
    "Hallo {name}, ich bin immer auf der Suche nach interessanten Kontakten und würde mich "
    "freuen, Sie in meinem Netzwerk begrüßen zu dürfen. Vielleicht ergeben sich wertvolle "
    "Synergien für uns beide."
)


def add_template_cluster(store: Store, folder: Path) -> None:
    """Five collectors who sent the same stock text, imported: one template cluster."""
    rows = [
        {
            "id": f"tpl-{n}",
            "text": TEMPLATE.format(name=name),
            "sender": {"id": f"s{n}", "name": f"Sammler {name}"},
            "sent_at": (datetime(2026, 11, 1) + timedelta(days=n)).isoformat(),
        }
        for n, name in enumerate(["Adler", "Bauer", "Claus", "Dorn", "Eber"])
    ]
    path = folder / "template.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    run_import(store, path)
