"""The errors of bad input: one base type, InputError, for every reader and importer, so that a
caller handles a file's problem in one way whoever found it. Their messages are said in both
interface languages (kontaktfilter.bilingual): `str(exc)` is the English one, and the command
line and the API show the reader's."""

from __future__ import annotations

import json

from kontaktfilter.bilingual import Detail, say, say_with


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

    def __reduce__(self) -> tuple[type[RecordError], tuple[str, str]]:
        """Rebuilt from where and message: a worker process reading lines sends its errors back
        pickled (services/template_signing.py)."""
        return RecordError, (self.where, self.message)


# What the readers say, in both languages: kept here, together, so the wording of a file's
# problems reads (and is translated) as one text, and the readers stay about reading.

IS_MISSING = say("is missing", "fehlt")
NOT_NEGATIVE = say("must not be negative", "darf nicht negativ sein")
NOT_A_STRING = say("must be a string", "muss ein Text sein")
NOT_AN_OBJECT = say("must be an object", "muss ein Objekt sein")
NOT_A_LIST = say("must be a list of strings", "muss eine Liste von Texten sein")
NOT_A_REQUEST = say("a request must be a JSON object", "eine Anfrage muss ein JSON-Objekt sein")
TOO_DEEP = say("JSON nested too deeply to read", "JSON zu tief verschachtelt, um es zu lesen")
MORE_CELLS = say("more cells than header columns", "mehr Zellen als die Kopfzeile Spalten hat")
JSON_PROBLEMS = {
    "Expecting value": "ein Wert fehlt",
    "Expecting property name enclosed in double quotes": "erwartet einen Feldnamen in doppelten "
    "Anführungszeichen",
    "Expecting ',' delimiter": "ein Komma fehlt",
    "Expecting ':' delimiter": "ein Doppelpunkt fehlt",
    "Extra data": "weitere Daten nach dem Ende",
    "Unterminated string": "ein Text endet nicht",
    "Invalid control character": "ein Steuerzeichen im Text",
    "Invalid \\uXXXX escape": "ein falsches \\uXXXX",
    "Invalid \\escape": "ein Rückstrich (\\) vor einem falschen Zeichen",
}
"""The json module's messages (English only) by their start, in German words."""


def must_be(en: str, de: str, value: object) -> Detail:
    """A field's value of the wrong kind: "must be <what>, not <value>"."""
    return say(f"must be {en}, not {value!r}", f"muss {de} sein, nicht {value!r}")


def bad_json(exc: json.JSONDecodeError, column: bool = True, field: str | None = None) -> Detail:
    """The JSON parser's complaint (its message for a German reader in German words), with the
    column on a line of JSONL and the field in a CSV cell."""
    problem = next((de for en, de in JSON_PROBLEMS.items() if exc.msg.startswith(en)), exc.msg)
    en, de = exc.msg, problem
    if column:
        en, de = f"{en}, column {exc.colno}", f"{de}, Spalte {exc.colno}"
    if field:
        return say(
            f"field '{field}' is not valid JSON ({en})",
            f"Feld '{field}' ist kein gültiges JSON ({de})",
        )
    return say(f"invalid JSON ({en})", f"ungültiges JSON ({de})")


def bad_utf8(exc: UnicodeDecodeError) -> Detail:
    return say(f"invalid UTF-8 at byte {exc.start}", f"kein gültiges UTF-8 bei Byte {exc.start}")


def too_long(limit: int) -> Detail:
    return say(f"line longer than {limit} bytes", f"Zeile länger als {limit} Bytes")


def bad_csv(exc: Exception, header: bool) -> Detail:
    if header:
        return say(
            f"CSV header is not valid CSV ({exc})",
            f"die CSV-Kopfzeile ist kein gültiges CSV ({exc})",
        )
    return say(f"not valid CSV near this line ({exc})", f"kein gültiges CSV um diese Zeile ({exc})")


def no_text_column(found: str) -> Detail:
    return say(
        f"CSV header has no 'text' column (it has {found})",
        f"die CSV-Kopfzeile hat keine Spalte 'text' (sie hat {found})",
    )


def fewer_cells(cells: int, columns: int) -> Detail:
    return say(
        f"fewer cells than header columns ({cells} of {columns})",
        f"weniger Zellen als die Kopfzeile Spalten hat ({cells} von {columns})",
    )
