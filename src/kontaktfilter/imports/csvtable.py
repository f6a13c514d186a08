"""Reading CSV exports strictly: decoding errors, missing columns, short rows and files cut off
in the middle become ImportFailures that name the file, the line and the column.

Exports reach us as downloaded and as re-saved by a spreadsheet: Excel drops the "Notes:"
preamble, may write `;` or tabs between fields and cp1252 instead of UTF-8. The separator and,
unless the user names one, the encoding are therefore read off the file; where that reveals a
spreadsheet's save, an error in the file says so, since the original ZIP is then the better
thing to import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import BinaryIO

from kontaktfilter.bilingual import Detail, in_language, say, say_with
from kontaktfilter.config import AUTO_ENCODING
from kontaktfilter.imports.sources import ImportFailure, Source

HEADER_SCAN_LINES = 10
"""LinkedIn's Connections.csv starts with a 3-line "Notes:" preamble; the header follows."""
AUTO = AUTO_ENCODING
"""The encoding name that asks for the file's encoding to be found: UTF-8 (with or without a
byte-order mark) or, when the file is not UTF-8, cp1252 as Windows spreadsheets write it."""
SEPARATORS = (",", ";", "\t")
RESAVED_HINT = (
    "this file looks re-saved by a spreadsheet ({signs}); import the original ZIP if you have it",
    "diese Datei sieht aus wie von einer Tabellenkalkulation neu gespeichert ({signs}); "
    "importieren Sie die Original-ZIP-Datei, wenn Sie sie haben",
)
"""The hint's English and German templates."""


BLOCK_BYTES = 1 << 20
"""Bytes read at a time: lines are cut, checked and decoded a block at a time, not one by one
(a ZIP member's readline is Python code; a 100k-row export has 100k lines)."""


def line_blocks(stream: BinaryIO) -> Iterator[bytes]:
    """The stream in blocks of whole lines, each cut after a b"\n" (but the file's last)."""
    pending = b""
    while chunk := stream.read(BLOCK_BYTES):
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pending += chunk
            continue
        yield pending + chunk[:cut]
        pending = chunk[cut:]
    if pending:
        yield pending


def _lines_of(block: bytes) -> list[bytes]:
    """A block's lines with their b"\n", as a binary stream's iteration gives them."""
    return io.BytesIO(block).readlines()


def file_encoding(source: Source) -> str:
    """UTF-8 when every line decodes as UTF-8, cp1252 when none of the non-ASCII lines does;
    a file that mixes both (a UTF-8 export with lines pasted in from elsewhere) is refused,
    naming a line of each, since either reading would garble some of it. A block that is
    ASCII, or UTF-8 once a UTF-8 line is known, has nothing to say line by line."""
    utf8_line = other_line = 0
    before = 0  # lines before the block
    with source.open() as stream:
        for block in line_blocks(stream):
            lines = block.count(b"\n") + (not block.endswith(b"\n"))
            if block.isascii() or (utf8_line and not other_line and _is_utf8(block)):
                before += lines
                continue
            for number, raw in enumerate(_lines_of(block), before + 1):
                if raw.isascii():
                    continue
                if _is_utf8(raw):
                    utf8_line = utf8_line or number
                else:
                    other_line = other_line or number
                if utf8_line and other_line:
                    raise _mixed(source.name, utf8_line, other_line)
            before += lines
    return "cp1252" if other_line else "utf-8"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed(name: str, utf8_line: int, other_line: int) -> ImportFailure:
    return ImportFailure(
        f"{name}:{other_line}",
        say(
            f"mixes UTF-8 (line {utf8_line}) with bytes of another encoding (line "
            f"{other_line}, e.g. cp1252); save it as UTF-8 or pass --encoding",
            f"mischt UTF-8 (Zeile {utf8_line}) mit Bytes einer anderen Kodierung "
            f"(Zeile {other_line}, z. B. cp1252); speichern Sie die Datei als UTF-8 "
            "oder geben Sie --encoding an",
        ),
    )


def decoded_lines(blocks: Iterator[bytes], name: str, encoding: str) -> Iterator[str]:
    """Text lines; a byte the encoding cannot read is an error naming line and column, raised
    once the lines before it are read (as reading line by line would). A block is decoded
    whole, and split at its b"\n" only (every encoding a CSV export comes in keeps b"\n")."""
    before, first = 0, True
    for block in blocks:
        codec = "utf-8-sig" if first and encoding == "utf-8" else encoding
        try:
            text = block.decode(codec)
        except UnicodeDecodeError:
            yield from _decoded_each(_lines_of(block), name, encoding, before, first)
        else:
            yield from io.StringIO(text, newline="\n")
        before += block.count(b"\n")
        first = False


def _decoded_each(
    lines: list[bytes], name: str, encoding: str, before: int, first: bool
) -> Iterator[str]:
    """The lines of a block one by one, up to the one that does not decode."""
    for number, raw in enumerate(lines, before + 1):
        codec = "utf-8-sig" if first and number == 1 and encoding == "utf-8" else encoding
        try:
            yield raw.decode(codec)
        except UnicodeDecodeError as exc:
            byte, column = f"0x{raw[exc.start]:02x}", exc.start + 1
            raise ImportFailure(
                f"{name}:{number}",
                say(
                    f"not valid {encoding} (byte {byte} at column {column}); "
                    "save the file as UTF-8 or pass --encoding, e.g. --encoding cp1252",
                    f"kein gültiges {encoding} (Byte {byte} in Spalte {column}); speichern "
                    "Sie die Datei als UTF-8 oder geben Sie --encoding an, z. B. --encoding cp1252",
                ),
            ) from None


def separator_of(lines: Sequence[str]) -> str:
    """The field separator of the first line that can be a header (not empty, not the quoted
    or "Notes:" preamble): the most frequent of `,` `;` and tab on it, `,` when none is."""
    for line in lines:
        text = line.strip()
        if text and not text.startswith(('"', "Notes:")):
            counts = {separator: text.count(separator) for separator in SEPARATORS}
            best = max(SEPARATORS, key=counts.__getitem__)
            return best if counts[best] else ","
    return ","


@dataclass
class CsvTable:
    """One CSV file's data rows, read by `csv_table`; knows the signs of a spreadsheet's save."""

    name: str
    required: Sequence[str]
    lines: Iterator[str]
    separator: str
    is_header: Callable[[list[str]], bool] | None = None
    rename: Mapping[str, str] | None = None
    header: list[str] | None = None
    resaved: list[Detail] = field(default_factory=list)
    """What shows a spreadsheet's save (a `;` separator, cp1252, a lost preamble)."""
    preamble: bool = False
    """Lines came before the header (LinkedIn's "Notes:")."""

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row by column name) for every data row.

        `required` columns must be in the header (after `rename`, which maps a file's column
        names to the ones the reader expects); the header is the first row `is_header` accepts
        within the first lines (default: the first row)."""
        reader = csv.reader(self.lines, delimiter=self.separator, strict=True)
        name, header = self.name, None
        start = 1  # the line a row begins on: a quoted note may span several lines
        try:
            for row in reader:
                line, start = start, reader.line_num + 1
                if header is None:
                    if self.is_header is None or self.is_header(row):
                        header = self.header = self._header(row, line)
                    elif reader.line_num >= HEADER_SCAN_LINES:
                        break
                    else:
                        self.preamble = True
                    continue
                if not "".join(row).strip():  # no cell holds more than blanks
                    continue
                if len(row) != len(header):
                    raise self._width_error(row, header, f"{name}:{line}")
                yield line, dict(zip(header, row, strict=True))
        except csv.Error as exc:
            raise ImportFailure(
                f"{name}:{start}",
                say(
                    f"malformed CSV ({exc}); the file may be truncated",
                    f"fehlerhaftes CSV ({exc}); die Datei ist vielleicht abgeschnitten",
                ),
            ) from None
        if header is None:
            expected = ", ".join(map(repr, self.required))
            raise ImportFailure(
                f"{name}:1",
                say(
                    f"no header row with the columns {expected}",
                    f"keine Kopfzeile mit den Spalten {expected}",
                ),
            )

    def _header(self, row: list[str], line: int) -> list[str]:
        header = [(self.rename or {}).get(cell.strip(), cell.strip()) for cell in row]
        missing = [column for column in self.required if column not in header]
        if missing:
            names, found = ", ".join(map(repr, missing)), ", ".join(map(repr, header))
            raise ImportFailure(
                f"{self.name}:{line}",
                say(
                    f"missing column(s) {names} (the header has {found})",
                    f"es fehlen Spalten: {names} (die Kopfzeile hat {found})",
                ),
            )
        return header

    @staticmethod
    def _width_error(row: list[str], header: list[str], where: str) -> ImportFailure:
        if len(row) < len(header):
            return ImportFailure(
                where,
                say(
                    f"row has {len(row)} of {len(header)} fields; the file may be truncated",
                    f"die Zeile hat {len(row)} von {len(header)} Feldern; die Datei ist "
                    "vielleicht abgeschnitten",
                ),
                header[len(row)] if row else header[0],
            )
        return ImportFailure(
            where,
            say(
                f"row has {len(row)} fields, the header {len(header)}",
                f"die Zeile hat {len(row)} Felder, die Kopfzeile {len(header)}",
            ),
        )

    def explained(self, failure: ImportFailure) -> ImportFailure:
        """The failure, with the hint to import the original export when the file shows a
        spreadsheet's save."""
        if not self.resaved:
            return failure
        signs = {
            lang: ", ".join(in_language(sign, lang) for sign in self.resaved)
            for lang in ("en", "de")
        }
        hint = say(
            RESAVED_HINT[0].format(signs=signs["en"]), RESAVED_HINT[1].format(signs=signs["de"])
        )
        reason = say_with("{reason}; {hint}", "{reason}; {hint}", reason=failure.reason, hint=hint)
        return ImportFailure(failure.where, reason, failure.field)


@contextmanager
def csv_table(
    source: Source,
    required: Sequence[str],
    encoding: str = AUTO,
    is_header: Callable[[list[str]], bool] | None = None,
    rename: Mapping[str, str] | None = None,
) -> Iterator[CsvTable]:
    """The file's rows as a CsvTable; an ImportFailure raised while the block reads them gets
    the spreadsheet hint where it applies."""
    chosen = file_encoding(source) if encoding == AUTO else encoding
    with source.open() as stream:
        lines = decoded_lines(line_blocks(stream), source.name, chosen)
        head = list(islice(lines, HEADER_SCAN_LINES))
        table = CsvTable(
            source.name, required, chain(head, lines), separator_of(head), is_header, rename
        )
        if table.separator != ",":
            table.resaved.append(
                say(
                    f"fields separated by {table.separator!r}",
                    f"Felder getrennt durch {table.separator!r}",
                )
            )
        if chosen == "cp1252" and encoding == AUTO:
            table.resaved.append(
                say("written in cp1252, not UTF-8", "in cp1252 geschrieben, nicht in UTF-8")
            )
        try:
            yield table
        except ImportFailure as exc:
            raise table.explained(exc) from None
