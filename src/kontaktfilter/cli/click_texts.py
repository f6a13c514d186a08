"""click's own words ("Usage:", "Options", its usage errors, "Error:") in German. click looks
every one of them up through the names `_` and `ngettext` that each of its modules imports from
the standard library's gettext; while a German invocation runs, those names point at the German
catalogue (i18n/de/click.yaml) instead, and afterwards back at gettext. English never reads the
catalogue. tests/test_cli_help_locale.py fails when click moves a text or this lookup."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from kontaktfilter.i18n import german

CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click.shell_completion",
    "click._termui_impl",
)
"""Every click module with a text to translate, except click._winconsole (Windows only)."""
LOOKUPS = ("_", "ngettext")


def _gettext(texts: dict[str, Any]) -> Callable[[str], str]:
    def translated(message: str) -> str:
        entry = texts.get(message, message)
        return entry if isinstance(entry, str) else message

    return translated


def _ngettext(texts: dict[str, Any]) -> Callable[[str, str, int], str]:
    def translated(singular: str, plural: str, n: int) -> str:
        entry = texts.get(singular)
        if not isinstance(entry, dict):
            return singular if n == 1 else plural
        return entry["one"] if n == 1 else entry["other"]

    return translated


@contextmanager
def in_german() -> Iterator[None]:
    """click speaks German inside the block; a text missing from the catalogue stays English."""
    texts = german("click")
    replacements = {"_": _gettext(texts), "ngettext": _ngettext(texts)}
    modules: list[ModuleType] = [importlib.import_module(name) for name in CLICK_MODULES]
    saved = [
        (module, name, getattr(module, name))
        for module in modules
        for name in LOOKUPS
        if hasattr(module, name)
    ]
    for module, name, _lookup in saved:
        setattr(module, name, replacements[name])
    try:
        yield
    finally:
        for module, name, lookup in saved:
            setattr(module, name, lookup)
