"""Which of the supported languages a reader wants, from what their software tells: a browser's
Accept-Language header, a terminal's locale variables. Plain strings in, so that neither the
web framework nor the command line is needed to decide."""

from __future__ import annotations

from collections.abc import Mapping

from kontaktfilter.i18n import LANGUAGES

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""POSIX order of precedence for the language of messages: the first one set decides."""


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


def from_environment(environ: Mapping[str, str]) -> str | None:
    """The language of the terminal's locale (`de_DE.UTF-8` is German), if it is a supported
    one. Only the first variable that is set counts, as for every POSIX program: LC_ALL=C
    means "no translation" even when LANG says German."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable)
        if value:
            base = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return base if base in LANGUAGES else None
    return None
