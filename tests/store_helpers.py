"""Shared helpers for the store and import tests: an engine, an importer, counts to compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kontaktfilter.bulk.fingerprints import FingerprintSet, shipped_fingerprints
from kontaktfilter.engine import Engine
from kontaktfilter.imports.runner import Importer, ImportOptions, SourceReport
from kontaktfilter.signals.context import History
from kontaktfilter.store import Store

ENGINE = Engine(history=History(None, 3, 90.0, FingerprintSet(shipped_fingerprints())))


def run_import(store: Store, path: Path, **options: Any) -> list[SourceReport]:
    return Importer(store, ENGINE, ImportOptions(**options)).run(path)


def counts(store: Store) -> dict[str, Any]:
    """Everything an import changes, for before/after comparisons (import runs excluded:
    a failed run is recorded as failed on purpose)."""
    stats = store.stats()
    tables = {name: n for name, n in stats["tables"].items() if name != "import_runs"}
    return {**stats, "tables": tables}
