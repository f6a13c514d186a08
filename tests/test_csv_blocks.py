"""CSV files are read a block of lines at a time: whatever the block size, the lines, their
decoding, the encoding found and the errors (line and column) are those of reading line by
line."""

from __future__ import annotations

import io

import pytest

from kontaktfilter.imports import csvtable
from kontaktfilter.imports.csvtable import decoded_lines, file_encoding, line_blocks
from kontaktfilter.imports.sources import ImportFailure, Source

UTF8 = (
    "\ufeffFrom,To,Message\n"
    'Jürgen,Anna,"Hallo\r\nzwei Zeilen"\n'
    "Zoë,Ben,plain\r\n"
    "A,B,\u2028 and \u0085 stay in the line\n"
    "last,line,no newline"
).encode()
SIZES = [1, 2, 3, 7, 16, 64, 1 << 20]


def _source(tmp_path, content: bytes) -> Source:
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    return Source(path)


@pytest.mark.parametrize("size", SIZES)
def test_blocks_cut_lines_as_a_stream_does(monkeypatch, size):
    monkeypatch.setattr(csvtable, "BLOCK_BYTES", size)
    blocks = list(line_blocks(io.BytesIO(UTF8)))
    assert b"".join(blocks) == UTF8
    assert all(block.endswith(b"\n") for block in blocks[:-1])
    lines = [line for block in blocks for line in io.BytesIO(block).readlines()]
    assert lines == io.BytesIO(UTF8).readlines()


@pytest.mark.parametrize("size", SIZES)
def test_decoded_lines_equal_line_by_line(monkeypatch, size):
    monkeypatch.setattr(csvtable, "BLOCK_BYTES", size)
    expected = [line.decode("utf-8") for line in io.BytesIO(UTF8).readlines()]
    expected[0] = expected[0].removeprefix("\ufeff")
    assert list(decoded_lines(line_blocks(io.BytesIO(UTF8)), "f", "utf-8")) == expected


@pytest.mark.parametrize("size", SIZES)
def test_a_bad_byte_is_named_after_the_lines_before_it(monkeypatch, size):
    monkeypatch.setattr(csvtable, "BLOCK_BYTES", size)
    content = UTF8.replace(b"plain", b"pl\xe4in")
    read: list[str] = []
    with pytest.raises(ImportFailure) as failure:
        for line in decoded_lines(line_blocks(io.BytesIO(content)), "f.csv", "utf-8"):
            read.append(line)
    assert failure.value.where == "f.csv:4"
    assert "0xe4 at column 12" in str(failure.value)
    assert len(read) == 3


@pytest.mark.parametrize("size", SIZES)
def test_encoding_found_whatever_the_blocks(monkeypatch, tmp_path, size):
    monkeypatch.setattr(csvtable, "BLOCK_BYTES", size)
    cp1252 = "From,To\nJürgen,Anna\nplain,ascii\nZoë,Ben\n".encode("cp1252")
    assert file_encoding(_source(tmp_path, UTF8)) == "utf-8"
    assert file_encoding(_source(tmp_path, cp1252)) == "cp1252"
    mixed = (
        b"From,To\nplain,ascii\n" + "Jürgen,x\n".encode() + b"a,b\n" + "Zoë,y\n".encode("cp1252")
    )
    with pytest.raises(ImportFailure) as failure:
        file_encoding(_source(tmp_path, mixed))
    assert failure.value.where == "file.csv:5"
    assert "(line 3)" in str(failure.value)
