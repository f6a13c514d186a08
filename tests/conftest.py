"""Keeps every test away from the user's own files."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_fingerprint_store(tmp_path_factory, monkeypatch) -> None:
    """The CLI reads the user's fingerprint store; tests get an empty one of their own."""
    store = tmp_path_factory.mktemp("store") / "fingerprints.json"
    monkeypatch.setenv("KONTAKTFILTER_FINGERPRINT_STORE", str(store))
