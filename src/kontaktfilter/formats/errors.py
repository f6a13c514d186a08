"""The errors of bad input: one base type, InputError, for every reader and importer, so that a
caller handles a file's problem in one way whoever found it. Their messages are said in both
interface languages (kontaktfilter.bilingual): `str(exc)` is the English one, and the command
line and the API show the reader's."""

from __future__ import annotations

from kontaktfilter.bilingual import say_with


class FieldError(ValueError):
    """A value of a request that cannot be read; `field` names it ("sender.contacts"), so the
    API can point at it without reading the message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(
            say_with(
                "field '{field}' {message}",
                "Feld '{field}' {message}",
                field=field,
                message=message,
            )
        )
        self.field = field


class InputError(ValueError):
    """Bad input from a user's file, whichever reader found it: `where` names the file and line
    (or the archive member), `field` the field when there is one, `reason` what is wrong. The
    one error type of every reader and importer (RecordError here, imports' ImportFailure)."""

    def __init__(self, where: str, reason: str, field: str | None = None) -> None:
        place = say_with(
            "{where}, field '{field}'", "{where}, Feld '{field}'", where=where, field=field
        )
        super().__init__(
            say_with(
                "{place}: {reason}",
                "{place}: {reason}",
                place=place if field else where,
                reason=reason,
            )
        )
        self.where, self.field, self.reason = where, field, reason


class RecordError(InputError):
    """One record could not be read; `where` is "file:line" and the message names the field."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(where, message)
        self.message = message
