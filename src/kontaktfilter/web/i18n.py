"""The reader's language in the web screener: their explicit choice, remembered in a cookie,
else the browser's Accept-Language, else German. The texts themselves and their translator are
shared with the command line (kontaktfilter.i18n)."""

from __future__ import annotations

from fastapi import Request

from kontaktfilter.i18n import LANGUAGES
from kontaktfilter.i18n.choice import from_accept_language

DEFAULT_LANGUAGE = "de"
LANG_COOKIE = "kontaktfilter_lang"


def choose_language(request: Request) -> str:
    """The cookie (the user's explicit choice) first, then the browser, then German."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("accept-language", "")) or DEFAULT_LANGUAGE
