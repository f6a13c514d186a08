"""German and English interface texts: chosen from the browser's Accept-Language, switchable,
remembered in a cookie. Strings live in locales/*.yaml; a test checks both files have the
same keys."""

from __future__ import annotations

from functools import cache
from importlib import resources

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

    def __call__(self, key: str, **values: object) -> str:
        text = self._strings.get(key, key)
        return text.format(**values) if values else text
