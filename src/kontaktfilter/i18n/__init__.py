"""German and English texts for every interface: the web pages (`web.yaml`), the command line
(`cli.yaml`), the JSON API's errors (`api.yaml`) and the reports for the team and operators
(`reports.yaml`: quality, the gate's replay, the network sweep), one folder per language. The
command line and the web both import this package, so it sits below both and knows neither;
which language a reader wants is their business (kontaktfilter.i18n.choice reads headers and the
environment).

Babel (plural rules, number notation) costs about 50 ms to import: it is loaded only when a
text needs a plural or a number, so `kontaktfilter --help` and commands that print only plain
sentences never pay for it. `--help` in English reads no catalogue at all; in German it reads only
the two files that exist in German alone (`help.yaml`, `click.yaml`: the English of both is in
the code, the commands' docstrings and click's own messages)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from kontaktfilter.bilingual import in_language
from kontaktfilter.config import read_shipped_yaml

if TYPE_CHECKING:
    from babel import Locale

LANGUAGES = ("de", "en")
CATALOGUES = ("web", "cli", "api", "reports")
"""The files of each language's folder; a key lives in exactly one of them."""
GERMAN_ONLY = ("help", "click")
"""Files outside the merged strings, read one by one (`german`): the commands' and options'
help, keyed by the command's path, and click's own messages, keyed by click's English text."""


class CatalogueError(Exception):
    """A shipped catalogue is broken (a key twice): a packaging mistake, caught by the tests."""


@cache
def strings(lang: str) -> dict[str, Any]:
    """Every text of one language: the catalogues merged, each key once. (importlib.resources
    is imported here: `kontaktfilter --help` reads no catalogue and need not load it.)"""
    from importlib import resources

    merged: dict[str, Any] = {}
    for name in CATALOGUES:
        text = (resources.files("kontaktfilter.i18n") / lang / f"{name}.yaml").read_text("utf-8")
        entries = read_shipped_yaml(text) or {}
        twice = sorted(set(merged) & set(entries))
        if twice:
            raise CatalogueError(f"{lang}/{name}.yaml repeats {', '.join(twice)}")
        merged |= entries
    return merged


@cache
def german(name: str) -> dict[str, Any]:
    """One of the GERMAN_ONLY files: a German `--help` needs these and not the rest."""
    from importlib import resources

    text = (resources.files("kontaktfilter.i18n") / "de" / f"{name}.yaml").read_text("utf-8")
    return read_shipped_yaml(text) or {}


class Translator:
    """`t("key", n=3)`: the text for the key in one language; a missing key shows itself (and
    the key-parity test catches it)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._strings = strings(lang)

    def __call__(self, key: str, **values: object) -> str:
        """The string for `key` with `values` filled in. An entry with plural forms (a mapping
        of Babel's plural categories: one, other ...) is chosen by the number `n`; numbers
        are written the reader's way (0,8 in German)."""
        entry: Any = self._strings.get(key, key)
        if isinstance(entry, dict):
            form = _locale(self.lang).plural_form(values.get("n", 0))
            entry = entry.get(form, entry["other"])
        if not values:
            return entry
        return entry.format(**{name: self._shown(value) for name, value in values.items()})

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with a fixed count of decimals, in the reader's notation."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return _format(value, pattern, self.lang)

    def signed(self, value: float, decimals: int = 1) -> str:
        """A contribution or weight with its sign (+1,5 / −0,8 in German)."""
        digits = "#,##0" + ("." + "0" * decimals if decimals else "")
        return _format(value, f"+{digits};-{digits}", self.lang)

    def _shown(self, value: object) -> object:
        if isinstance(value, str | BaseException):  # a Detail or an error raised with one
            return in_language(value, self.lang)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return _format(value, None, self.lang)


@cache
def translator(lang: str) -> Translator:
    """One translator per language for the process (the catalogues never change at run time)."""
    return Translator(lang)


@cache
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(lang)


def _format(value: float, pattern: str | None, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=_locale(lang))
