"""Texts said in both interface languages: a `Detail` is a string (the English text, or the
note's language) that also carries its German and English wording. Verdict details use it, and
so do the errors of the lower layers (a file's bad line, a strategy or settings file, an import,
the store): `str(exc)` stays the English message that logs and tests compare, while the command
line and the API show `texts` in the reader's language (in_language).

It sits below every other module (even model.py and config.py, which know nothing of each
other) so that any layer can raise an error in both languages."""

from __future__ import annotations

from typing import Any


class Detail(str):
    """A text that can also be said in each interface language.

    The string itself is what the engine has always kept (English, or the note's language for
    the learned signals): code and drafts read it ("seeks: ...", "publication: ..."). `texts`
    holds the same text for a reader in German and in English; the web shows the reader's
    language whatever language the note was in."""

    texts: dict[str, str]

    def __new__(cls, text: str, texts: dict[str, str]) -> Detail:
        made = super().__new__(cls, text)
        made.texts = texts
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return Detail, (str(self), self.texts)


def say(en: str, de: str, lang: str | None = None) -> Detail:
    """A text in both interface languages; it reads as the English one, or as the note's
    language when `lang` is given."""
    return Detail(de if lang == "de" else en, {"en": en, "de": de})


def say_with(en: str, de: str, **values: object) -> Detail:
    """`say` with placeholders ("{where}: {reason}"): each language's template is filled with
    each value in that language, so a location prefix and a bilingual reason stay one message
    in both languages. A plain value (a file name, a number) reads the same in both."""
    return say(en.format(**_worded(values, "en")), de.format(**_worded(values, "de")))


def _worded(values: dict[str, object], lang: str) -> dict[str, object]:
    """The values for one language's template; numbers stay numbers for format specs."""
    return {
        name: in_language(value, lang) if isinstance(value, str | BaseException) else value
        for name, value in values.items()
    }


def in_language(text: object, lang: str) -> str:
    """`text` in the reader's language `lang`: a Detail's wording in that language, an
    exception's message (its Detail, when it was raised with one), anything else as it reads.
    The command line and the API pass the errors of the lower layers through this (and the
    translator its values), so a German reader reads them in German."""
    if isinstance(text, BaseException):
        text = message_of(text)
    if isinstance(text, Detail):
        return text.texts.get(lang, str(text))
    return str(text)


def message_of(exc: BaseException) -> str:
    """An exception's message keeping both languages: `str(exc)` drops the Detail an error was
    raised with (it returns a plain copy), this returns the Detail itself."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Detail):
        return exc.args[0]
    return str(exc)
