"""Settings in one table (name, default, help), read with the precedence
defaults < config file < KONTAKTFILTER_* environment < command line. Errors name file and key."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kontaktfilter.bilingual import say

DEFAULT_STORE_NAME = "kontaktfilter.db"
"""The SQLite store's file name in the data folder, when no --db names another store."""
AUTO_ENCODING = "auto"
"""The encoding name that asks for a file's encoding to be found (imports.csvtable)."""
DEFAULT_POLICY_URL = "[Link zu Ihrer Seite „Liebe Kontaktsuchende“]"
"""Put into decline_with_link drafts until the user names their own page (setting policy_url)."""


CONFIG_ENV = "KONTAKTFILTER_CONFIG"


def data_dir() -> Path:
    """Where the user's data lives by default (XDG base directory layout)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kontaktfilter"


class SettingsError(ValueError):
    """A configuration file or variable is wrong; the message names where and which key, in
    German and English (the command line shows the reader's)."""


def _url(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(
            say(f"{where}: must be a non-empty string", f"{where}: darf kein leerer Text sein")
        )
    return value.strip()


def _positive_int(value: Any, where: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(
            say(
                f"{where}: must be a whole number, not {value!r}",
                f"{where}: muss eine ganze Zahl sein, nicht {value!r}",
            )
        ) from None
    if number < 1:
        raise SettingsError(say(f"{where}: must be at least 1", f"{where}: muss mindestens 1 sein"))
    return number


def _positive_days(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(
            say(
                f"{where}: must be a number of days, not {value!r}",
                f"{where}: muss eine Anzahl Tage sein, nicht {value!r}",
            )
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise SettingsError(
            say(
                f"{where}: must be a positive number of days",
                f"{where}: muss eine positive Anzahl Tage sein",
            )
        )
    return number


def _cost(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(
            say(
                f"{where}: must be a number, not {value!r}",
                f"{where}: muss eine Zahl sein, nicht {value!r}",
            )
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise SettingsError(
            say(f"{where}: must be a positive number", f"{where}: muss eine positive Zahl sein")
        )
    return number


def _weights(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise SettingsError(
            say(
                f"{where}: must be a mapping of signal name to number",
                f"{where}: muss eine Zuordnung von Signalname zu Zahl sein",
            )
        )
    weights = {}
    for name, weight in value.items():
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
        ):
            raise SettingsError(
                say(
                    f"{where}.{name}: must be a finite number, not {weight!r}",
                    f"{where}.{name}: muss eine endliche Zahl sein, nicht {weight!r}",
                )
            )
        weights[str(name)] = float(weight)
    return weights


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[Any, str], Any]
    env: bool = True


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "policy_url",
        DEFAULT_POLICY_URL,
        "Link to your 'Liebe Kontaktsuchende' page, put into decline_with_link drafts.",
        _url,
    ),
    Setting(
        "template_min_senders",
        3,
        "A note is a template when at least this many other senders sent it.",
        _positive_int,
    ),
    Setting(
        "template_window_days",
        90.0,
        "Only notes seen within this many days count as copies of a template.",
        _positive_days,
    ),
    Setting(
        "fingerprint_store",
        str(data_dir() / "fingerprints.json"),
        "Where `fingerprints import` keeps imported fingerprints; read on every run.",
        _url,
    ),
    Setting(
        "db",
        "",
        "Store URL: sqlite:///path/file.db or postgresql://user@host/db (empty: SQLite in the "
        "data folder, ~/.local/share/kontaktfilter/kontaktfilter.db).",
        _url,
    ),
    Setting(
        "cost_false_decline",
        20.0,
        "What declining or reporting a genuine person costs, in questions (strategy/costs.py).",
        _cost,
    ),
    Setting(
        "cost_false_accept",
        3.0,
        "What accepting a collector, a generic request or a seller costs, in questions.",
        _cost,
    ),
    Setting(
        "cost_question",
        1.0,
        "What asking the sender (or waiting) costs: the unit of the two costs above.",
        _cost,
    ),
    Setting(
        "weights",
        {},
        "Signal weight overrides, e.g. {PHRASE_SYNERGIES: 3.0}; 0 switches a signal off.",
        _weights,
        env=False,
    ),
)


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Resolved settings; the config file comes from the argument or KONTAKTFILTER_CONFIG."""
    environ = os.environ if environ is None else environ
    values = {setting.name: setting.default for setting in SETTINGS}
    known = {setting.name: setting for setting in SETTINGS}
    path = config_file or environ.get(CONFIG_ENV)
    if path:
        try:
            data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise SettingsError(
                say(
                    f"{path}: cannot read configuration: {exc}",
                    f"{path}: die Einstellungen lassen sich nicht lesen: {exc}",
                )
            ) from exc
        if not isinstance(data, Mapping):
            raise SettingsError(
                say(
                    f"{path}: expected a mapping of setting names",
                    f"{path}: erwartet eine Zuordnung von Einstellungsnamen",
                )
            )
        for key, value in data.items():
            if key not in known:
                names = ", ".join(known)
                raise SettingsError(
                    say(
                        f"{path}: unknown setting {key!r} (known: {names})",
                        f"{path}: unbekannte Einstellung {key!r} (bekannt: {names})",
                    )
                )
            values[key] = known[key].parse(value, f"{path}: {key}")
    for setting in SETTINGS:
        variable = f"KONTAKTFILTER_{setting.name.upper()}"
        if setting.env and variable in environ:
            values[setting.name] = setting.parse(environ[variable], variable)
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = known[key].parse(value, f"--{key.replace('_', '-')}")
    return values


def read_shipped_yaml(text: str) -> Any:
    """A YAML file that ships with the package (lexicons, reply texts, locales), read with
    libyaml's C loader where PyYAML has it: the Python loader takes 0.3 s for the lexicons
    alone, which every scoring command would pay at start. Users' own files keep the Python
    loader's error messages (load_settings, strategy)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
