"""Building the engine from settings: shared by the command line and the web screener, so
both score with the same weights, templates, fingerprints and strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kontaktfilter.bulk import load_index
from kontaktfilter.bulk.fingerprints import (
    Fingerprint,
    FingerprintSet,
    merge,
    read_fingerprints,
    shipped_fingerprints,
)
from kontaktfilter.config import data_dir
from kontaktfilter.engine import Engine
from kontaktfilter.signals.context import History
from kontaktfilter.strategy import (
    ACTIVE_NAME,
    LAST_VALID_NAME,
    Costs,
    Strategy,
    active_strategy,
    default_strategy_text,
)

LOCAL_USER = "local"
"""The user of a screener on localhost (and of every command line call)."""


def known_fingerprints(store: str) -> list[Fingerprint]:
    """The shipped fingerprints and those the user imported."""
    imported = read_fingerprints(store) if Path(store).exists() else []
    return merge(shipped_fingerprints(), imported)


def strategy_folder(user: str) -> Path:
    """Where a user's strategy lives: the data folder for the local user (as the command line
    has always kept it), a folder of their own for every other user of a shared screener."""
    return data_dir() if user == LOCAL_USER else data_dir() / "users" / user


def forget_strategy(user: str) -> None:
    """Remove the user's installed strategy (and its last valid copy): the default applies."""
    folder = strategy_folder(user)
    for name in (ACTIVE_NAME, LAST_VALID_NAME):
        (folder / name).unlink(missing_ok=True)


def user_strategy(user: str) -> tuple[Strategy, str | None]:
    """The user's active strategy and a warning when their installed file is broken."""
    return active_strategy(strategy_folder(user))


def build_engine(
    settings: dict[str, Any], templates_path: str | None = None, user: str = LOCAL_USER
) -> tuple[Engine, str | None]:
    """The engine the settings describe, and a warning worth showing (a broken strategy).
    Raises SettingsError, ConfigurationError, IndexFileError, FingerprintError, StrategyError."""
    history = History(
        load_index(templates_path) if templates_path else None,
        settings["template_min_senders"],
        settings["template_window_days"],
        FingerprintSet(known_fingerprints(settings["fingerprint_store"])),
    )
    strategy, warning = user_strategy(user)
    engine = Engine(
        costs=Costs(
            settings["cost_false_decline"], settings["cost_false_accept"], settings["cost_question"]
        ),
        weights=settings["weights"],
        policy_url=settings["policy_url"],
        history=history,
        strategy=strategy,
    )
    return engine, warning


def strategy_text(user: str) -> str:
    """The YAML of the user's installed strategy, or the default's when none is installed."""
    path = strategy_folder(user) / ACTIVE_NAME
    return path.read_text("utf-8") if path.exists() else default_strategy_text()
