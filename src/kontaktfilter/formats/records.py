"""Reads request files (JSONL, JSON, CSV) into Request objects, streaming, with exact error places.

Every problem becomes a RecordError naming the file, the line and the field, so a bad line in a
large file is reported and skipped instead of ending the run. Format: docs/data-format.md.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from kontaktfilter.bilingual import message_of
from kontaktfilter.formats import errors
from kontaktfilter.formats.errors import FieldError, RecordError
from kontaktfilter.model import (
    KINDS,
    LABEL_OF_CATEGORY,
    LANGUAGES,
    PLATFORMS,
    Category,
    Label,
    Profile,
    Request,
    SenderHistory,
)

LIST_FIELDS = ("offers", "seeks", "interests", "groups", "publications")
GENDERS = ("m", "f", "x")
MEMBERSHIPS = ("basic", "premium")
MAX_LINE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Record:
    """A parsed request with its place in the file and the optional evaluation label."""

    where: str
    request: Request
    label: Category | None
    """The category, when the file labels with the seven categories (the team's own sets)."""
    real_label: Label | None = None
    """The four-label view (eval/real/README.md): given directly, or read off the category."""
    source: str | None = None
    """Where a real request was found: cross-validation keeps one source on one side."""


def _text_list(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item for item in value if item.strip())
    raise FieldError(field, errors.NOT_A_LIST)


def _contacts(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(field, errors.must_be("a number", "eine Zahl", value))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().rstrip("+").isdigit():
        number = int(value.strip().rstrip("+"))
    else:
        like = ("a number like 250 or '999+'", "eine Zahl wie 250 oder '999+'")
        raise FieldError(field, errors.must_be(*like, value))
    if number < 0:
        raise FieldError(field, errors.NOT_NEGATIVE)
    return number


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise FieldError(
            field, errors.must_be("an ISO date (YYYY-MM-DD)", "ein ISO-Datum (JJJJ-MM-TT)", value)
        ) from None


def _datetime(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise FieldError(
            field,
            errors.must_be("an ISO date-time", "ein ISO-Zeitpunkt (Datum und Uhrzeit)", value),
        ) from None


def _choice(value: Any, field: str, allowed: Iterable[str], default: str | None) -> str | None:
    if value in (None, ""):
        return default
    if value not in allowed:
        names = ", ".join(allowed)
        raise FieldError(field, errors.must_be(f"one of {names}", f"eins von {names}", value))
    return value


def parse_profile(data: Any, field: str) -> Profile:
    """A Profile from a JSON object; errors name the field path, e.g. 'sender.contacts'."""
    if data is None:
        return Profile()
    if isinstance(data, str):
        return Profile(id=data, name=data) if data.strip() else Profile()
    if not isinstance(data, Mapping):
        raise FieldError(field, errors.NOT_AN_OBJECT)

    def string(key: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise FieldError(f"{field}.{key}", errors.NOT_A_STRING)
        return value

    identifier = data.get("id")
    return Profile(
        id=None if identifier in (None, "") else str(identifier),
        name=string("name"),
        gender=_choice(data.get("gender"), f"{field}.gender", GENDERS, None),
        headline=string("headline"),
        contacts=_contacts(data.get("contacts"), f"{field}.contacts"),
        created=_date(data.get("created"), f"{field}.created"),
        membership=_choice(data.get("membership"), f"{field}.membership", MEMBERSHIPS, None),
        **{key: _text_list(data.get(key), f"{field}.{key}") for key in LIST_FIELDS},
    )


def parse_request(data: Any, default_recipient: Profile | None = None) -> tuple[Request, Any]:
    """A Request (and the raw label) from one decoded JSON object or CSV row."""
    if not isinstance(data, Mapping):
        raise ValueError(errors.NOT_A_REQUEST)
    text = data.get("text")
    if text is None:
        raise FieldError("text", errors.IS_MISSING)
    if not isinstance(text, str):
        raise FieldError("text", errors.NOT_A_STRING)
    context = data.get("context") or {}
    if not isinstance(context, Mapping):
        raise FieldError("context", errors.NOT_AN_OBJECT)
    history = context.get("sender_history") or {}
    if not isinstance(history, Mapping):
        raise FieldError("context.sender_history", errors.NOT_AN_OBJECT)
    recipient = data.get("recipient")
    request = Request(
        text=text,
        id=None if data.get("id") in (None, "") else str(data["id"]),
        lang=_choice(data.get("lang"), "lang", LANGUAGES, None),
        platform=_choice(data.get("platform"), "platform", PLATFORMS, "other"),
        kind=_choice(data.get("kind"), "kind", KINDS, "contact_request"),
        sent_at=_datetime(data.get("sent_at"), "sent_at"),
        sender=parse_profile(data.get("sender"), "sender"),
        recipient=(
            parse_profile(recipient, "recipient")
            if recipient is not None
            else default_recipient or Profile()
        ),
        known_contacts=frozenset(
            _text_list(context.get("known_contacts"), "context.known_contacts")
        ),
        sender_history=SenderHistory(
            requests=_contacts(history.get("requests"), "context.sender_history.requests") or 0,
            withdrawn_within_7_days=_contacts(
                history.get("withdrawn_within_7_days"),
                "context.sender_history.withdrawn_within_7_days",
            )
            or 0,
            unanswered_questions=_contacts(
                history.get("unanswered_questions"), "context.sender_history.unanswered_questions"
            )
            or 0,
            answered_questions=_contacts(
                history.get("answered_questions"), "context.sender_history.answered_questions"
            )
            or 0,
        ),
    )
    return request, data.get("label")


def _label(value: Any) -> tuple[Category | None, Label | None]:
    """A label in either vocabulary: one of the seven categories, or one of the four labels
    of real requests (`pitch` is only the latter; the other three names mean the same in both
    as far as the four labels go)."""
    if value in (None, ""):
        return None, None
    if value in Category.__members__.values():
        category = Category(value)
        return category, LABEL_OF_CATEGORY[category]
    if value in Label.__members__.values():
        return None, Label(value)
    allowed = ", ".join([c.value for c in Category] + [Label.PITCH.value])
    raise FieldError("label", errors.must_be(f"one of {allowed}", f"eins von {allowed}", value))


def _source(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise FieldError("source", errors.NOT_A_STRING)


def _decoded_line(number: int, raw: bytes, name: str) -> str | RecordError:
    if len(raw) > MAX_LINE_BYTES:
        return RecordError(f"{name}:{number}", errors.too_long(MAX_LINE_BYTES))
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return RecordError(f"{name}:{number}", errors.bad_utf8(exc))


def _decoded_lines(stream: BinaryIO, name: str) -> Iterator[tuple[int, str | RecordError]]:
    for number, raw in enumerate(stream, 1):
        yield number, _decoded_line(number, raw, name)


def jsonl_object(number: int, raw: bytes, name: str) -> tuple[str, Any] | None:
    """(place, decoded object or RecordError) of JSONL line `number`; None if it is blank."""
    where = f"{name}:{number}"
    line = _decoded_line(number, raw, name)
    if isinstance(line, RecordError):
        return where, line
    if not line.strip():
        return None
    try:
        return where, json.loads(line)
    except json.JSONDecodeError as exc:
        return where, RecordError(where, errors.bad_json(exc))
    except RecursionError:
        return where, RecordError(where, errors.TOO_DEEP)


def _jsonl_objects(stream: BinaryIO, name: str) -> Iterator[tuple[str, Any]]:
    for number, raw in enumerate(stream, 1):
        found = jsonl_object(number, raw, name)
        if found is not None:
            yield found


def _csv_objects(
    stream: BinaryIO, name: str, columns: Mapping[str, str] | None = None
) -> Iterator[tuple[str, Any]]:
    decoded = ((n, line) for n, line in _decoded_lines(stream, name))
    bad: dict[int, RecordError] = {}

    def text_lines() -> Iterator[str]:
        for number, line in decoded:
            if isinstance(line, RecordError):
                bad[number] = line
                yield "\x00\n"  # a one-cell placeholder row keeps the reader's line count
            else:
                yield line

    reader = csv.DictReader(text_lines(), strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        yield f"{name}:1", RecordError(f"{name}:1", errors.bad_csv(exc, header=True))
        return
    if header is not None and columns:
        renamed = {column: field for field, column in columns.items()}
        reader.fieldnames = [renamed.get(column, column) for column in reader.fieldnames]
    if reader.fieldnames is None or "text" not in reader.fieldnames:
        found = ", ".join(map(repr, reader.fieldnames or []))
        yield (
            f"{name}:1",
            RecordError(f"{name}:1", errors.no_text_column(found)),
        )
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a bare carriage return, a quote left open at the end
            where = f"{name}:{reader.line_num + 1}"
            yield where, RecordError(where, errors.bad_csv(exc, header=False))
            continue
        where = f"{name}:{reader.line_num}"
        if reader.line_num in bad:
            yield where, bad.pop(reader.line_num)
            continue
        if None in row:
            yield where, RecordError(where, errors.MORE_CELLS)
            continue
        if None in row.values():
            cells = sum(value is not None for value in row.values())
            yield (
                where,
                RecordError(where, errors.fewer_cells(cells, len(row))),
            )
            continue
        try:
            for key in ("sender", "recipient", "context"):
                if row.get(key, "").startswith("{"):
                    row[key] = json.loads(row[key])
        except json.JSONDecodeError as exc:
            yield where, RecordError(where, errors.bad_json(exc, column=False, field=key))
            continue
        yield where, {k: v for k, v in row.items() if v != "" or k == "text"}
    for number, error in bad.items():
        yield f"{name}:{number}", error


def _json_objects(stream: BinaryIO, name: str) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads(stream.read().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield name, RecordError(name, errors.bad_utf8(exc))
        return
    except json.JSONDecodeError as exc:
        yield name, RecordError(f"{name}:{exc.lineno}", errors.bad_json(exc, column=False))
        return
    except RecursionError:
        yield name, RecordError(name, errors.TOO_DEEP)
        return
    if not isinstance(data, list):
        data = [data]
    for index, item in enumerate(data, 1):
        yield f"{name}[{index}]", item


def detect_format(path: str) -> str:
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".json"):
        return "json"
    return "jsonl"


def read_objects(
    stream: BinaryIO, name: str, fmt: str, columns: Mapping[str, str] | None = None
) -> Iterator[tuple[str, Any]]:
    """(place, decoded object or RecordError) per record. `columns` maps a field name to the
    file's name for it (`{"text": "Nachricht"}`), for files that name their columns otherwise."""
    if fmt == "csv":
        yield from _csv_objects(stream, name, columns)
        return
    reader = _jsonl_objects if fmt == "jsonl" else _json_objects
    renamed = {column: field for field, column in (columns or {}).items()}
    for where, data in reader(stream, name):
        if renamed and isinstance(data, Mapping):
            data = {renamed.get(key, key): value for key, value in data.items()}
        yield where, data


def read_records(
    stream: BinaryIO, name: str, fmt: str, default_recipient: Profile | None = None
) -> Iterator[Record | RecordError]:
    """Records of a file in order; a bad record is yielded as its RecordError, never raised."""
    for where, data in read_objects(stream, name, fmt):
        yield record_of(where, data, default_recipient)


def record_of(
    where: str, data: Any, default_recipient: Profile | None = None
) -> Record | RecordError:
    """The record of one decoded object (or the error found while decoding it) at `where`."""
    if isinstance(data, RecordError):
        return data
    try:
        request, raw_label = parse_request(data, default_recipient)
        label, real_label = _label(raw_label)
        source = _source(data.get("source"))
    except ValueError as exc:
        return RecordError(where, message_of(exc))
    if request.id is None:
        request = replace(request, id=where.rsplit(":", 1)[-1])
    return Record(where, request, label, real_label, source)


def source_group(source: str) -> str:
    """The author behind a source: `owner/repo:path` -> `owner/repo`, a URL -> its host without
    `www.`. Cross-validation keeps each author on one side (one repository's five template files
    are one style, not five)."""
    if "://" in source:
        host = source.split("://", 1)[1].split("/", 1)[0].lower()
        return host.removeprefix("www.")
    return source.split(":", 1)[0]


def read_profile_file(path: str | Path) -> Profile:
    """A profile from a JSON file; errors name the file and the field."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        return parse_profile(data, "profile")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise RecordError(str(path), message_of(exc)) from exc
