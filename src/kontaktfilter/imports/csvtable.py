"""Reading CSV exports strictly: decoding errors, missing columns, short rows and files cut off
in the middle become ImportFailures that name the file, the line and the column."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import BinaryIO

from kontaktfilter.imports.sources import ImportFailure

HEADER_SCAN_LINES = 10
"""LinkedIn's Connections.csv starts with a 3-line "Notes:" preamble; the header follows."""


def decoded_lines(stream: BinaryIO, name: str, encoding: str) -> Iterator[str]:
    """Text lines; a byte the encoding cannot read is an error naming line and column."""
    for number, raw in enumerate(stream, 1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 and encoding == "utf-8" else encoding)
        except UnicodeDecodeError as exc:
            raise ImportFailure(
                f"{name}:{number}",
                f"not valid {encoding} (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "save the file as UTF-8 or pass --encoding, e.g. --encoding cp1252",
            ) from None


def csv_rows(
    stream: BinaryIO,
    name: str,
    required: Sequence[str],
    encoding: str = "utf-8",
    is_header: Callable[[list[str]], bool] | None = None,
    rename: Mapping[str, str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by column name) for every data row.

    `required` columns must be in the header (after `rename`, which maps a file's column names
    to the ones the reader expects); the header is the first row `is_header` accepts within the
    first lines (default: the first row)."""
    lines = decoded_lines(stream, name, encoding)
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    start = 1  # the line a row begins on: a quoted note may span several lines
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                accepted = is_header(row) if is_header else True
                if accepted:
                    header = [(rename or {}).get(cell.strip(), cell.strip()) for cell in row]
                    missing = [column for column in required if column not in header]
                    if missing:
                        raise ImportFailure(
                            f"{name}:{line}",
                            f"missing column(s) {', '.join(map(repr, missing))} "
                            f"(the header has {', '.join(map(repr, header))})",
                        )
                elif reader.line_num >= HEADER_SCAN_LINES:
                    break
                continue
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}:{line}"
            if len(row) < len(header):
                raise ImportFailure(
                    where,
                    f"row has {len(row)} of {len(header)} fields; the file may be truncated",
                    header[len(row)] if row else header[0],
                )
            if len(row) > len(header):
                raise ImportFailure(where, f"row has {len(row)} fields, the header {len(header)}")
            yield line, dict(zip(header, row, strict=True))
    except csv.Error as exc:
        raise ImportFailure(
            f"{name}:{start}", f"malformed CSV ({exc}); the file may be truncated"
        ) from None
    if header is None:
        expected = ", ".join(map(repr, required))
        raise ImportFailure(f"{name}:1", f"no header row with the columns {expected}")
