"""German and English interface texts: chosen from the browser's Accept-Language, switchable,
remembered in a cookie. Strings live in locales/*.yaml; a test checks both files have the
same keys."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from fastapi import Request

from kontaktfilter.config import read_shipped_yaml

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
LANG_COOKIE = "kontaktfilter_lang"


@cache
def strings(lang: str) -> dict[str, str]:
    text = (resources.files("kontaktfilter.web") / "locales" / f"{lang}.yaml").read_text("utf-8")
    return read_shipped_yaml(text)


def from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most (q-values honoured), if any."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and quality > 0:
            ranked.append((-quality, position, base))
    return min(ranked)[2] if ranked else None


def choose_language(request: Request) -> str:
    """The cookie (the user's explicit choice) first, then the browser, then German."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE


class Translator:
    """`t("key")` in templates; a missing key shows itself (and a test catches it)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._strings = strings(lang)
        self._locale = _locale(lang)

    def __call__(self, key: str, **values: object) -> str:
        """The string for `key` with `values` filled in. An entry with plural forms (a mapping
        of Babel's plural categories: one, other ...) is chosen by the number `n`; numbers
        are written the reader's way (0,8 in German)."""
        entry: Any = self._strings.get(key, key)
        if isinstance(entry, dict):
            form = self._locale.plural_form(values.get("n", 0))
            entry = entry.get(form, entry["other"])
        if not values:
            return entry
        return entry.format(**{name: self._shown(value) for name, value in values.items()})

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with a fixed count of decimals, in the reader's notation."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self._locale)

    def signed(self, value: float, decimals: int = 1) -> str:
        """A contribution or weight with its sign (+1,5 / −0,8 in German)."""
        digits = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=f"+{digits};-{digits}", locale=self._locale)

    def _shown(self, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return format_decimal(value, locale=self._locale)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)
