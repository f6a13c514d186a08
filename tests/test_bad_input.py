"""Bad input gets a defined result or a clear error naming the line, never a crash."""

from __future__ import annotations

import io
import json

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.formats.records import Record, RecordError, read_profile_file, read_records
from kontaktfilter.model import Category, Request
from kontaktfilter.text.note import MAX_ANALYSED_CHARS


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def records(content: bytes, fmt: str = "jsonl") -> list[Record | RecordError]:
    return list(read_records(io.BytesIO(content), "inbox." + fmt, fmt))


def test_empty_text_is_generic(engine: Engine) -> None:
    verdict = engine.score(Request(text=""))
    assert verdict.category is Category.GENERIC
    assert verdict.signal_names == ("PERS_EMPTY_NOTE",)


def test_one_megabyte_is_truncated_not_fatal(engine: Engine) -> None:
    text = "Vielleicht ergeben sich wertvolle Synergien. " * 23_000
    assert len(text) > 1_000_000
    verdict = engine.score(Request(text=text))
    assert verdict.truncated
    assert "PHRASE_SYNERGIES" in verdict.signal_names
    assert all(s.end <= MAX_ANALYSED_CHARS for h in verdict.hits for s in h.spans)


def test_html_is_blanked_not_interpreted(engine: Engine) -> None:
    text = (
        '<img src=x onerror="alert(1)"><b>Vielleicht</b> ergeben sich '
        "<i>Synergien</i><script>x</script>"
    )
    verdict = engine.score(Request(text=text))
    assert "PHRASE_SYNERGIES" in verdict.signal_names
    for hit in verdict.hits:
        for span in hit.spans:
            assert text[span.start : span.end] == span.text
            assert "<" not in span.text and "onerror" not in span.text


def test_mixed_languages_use_both_lexicons(engine: Engine) -> None:
    text = "Hallo Herr Kilian, vielleicht ergeben sich Synergien. Your network is your net worth!"
    verdict = engine.score(Request(text=text))
    assert {"PHRASE_SYNERGIES", "PHRASE_CONTACTS_HURT"} <= set(verdict.signal_names)
    assert verdict.lang == "de"


def test_control_characters_and_emoji(engine: Engine) -> None:
    verdict = engine.score(Request(text="\x00\x07 🚀🚀 Synergien!!! \u200b\ufeff"))
    assert "PHRASE_SYNERGIES" in verdict.signal_names


def test_invalid_utf8_line_is_named_and_others_survive() -> None:
    content = b'{"text": "ok one"}\n{"text": "bad \xff\xfe"}\n{"text": "ok three"}\n'
    result = records(content)
    assert [type(r).__name__ for r in result] == ["Record", "RecordError", "Record"]
    assert str(result[1]) == "inbox.jsonl:2: invalid UTF-8 at byte 14"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"text": "x"', "inbox.jsonl:1: invalid JSON"),
        (b'["text"]', "inbox.jsonl:1: a request must be a JSON object"),
        (b'{"id": 5}', "inbox.jsonl:1: field 'text' is missing"),
        (b'{"text": 5}', "inbox.jsonl:1: field 'text' must be a string"),
        (b'{"text": "x", "lang": "fr"}', "field 'lang' must be one of de, en"),
        (b'{"text": "x", "sent_at": "yesterday"}', "field 'sent_at' must be an ISO date-time"),
        (
            b'{"text": "x", "sender": {"contacts": "many"}}',
            "field 'sender.contacts' must be a number",
        ),
        (b'{"text": "x", "recipient": {"created": "2020-31-12"}}', "field 'recipient.created'"),
        (b'{"text": "x", "recipient": {"interests": [1]}}', "field 'recipient.interests'"),
        (b'{"text": "x", "label": "friend"}', "field 'label' must be one of"),
        (b'{"text": "x", "context": {"sender_history": 3}}', "field 'context.sender_history'"),
    ],
)
def test_malformed_records_name_line_and_field(line: bytes, message: str) -> None:
    [error] = records(line + b"\n")
    assert isinstance(error, RecordError)
    assert message in str(error)


def test_blank_lines_are_skipped_and_ids_default_to_line_numbers() -> None:
    result = records(b'\n{"text": "a"}\n\n{"text": "b", "id": "x7"}\n')
    assert [r.request.id for r in result if isinstance(r, Record)] == ["2", "x7"]


def test_contacts_accept_999_plus() -> None:
    [record] = records(b'{"text": "a", "sender": {"contacts": "999+"}}\n')
    assert isinstance(record, Record) and record.request.sender.contacts == 999


def test_csv_with_nested_json_and_bad_rows() -> None:
    content = (
        b"id,text,sender,label\n"
        b'a,"Synergien, bitte","{""contacts"": 999}",collector\n'
        b'b,"kaputt","{not json}",spam\n'
        b"c,zu,viele,zellen,hier\n"
    )
    result = records(content, "csv")
    assert isinstance(result[0], Record) and result[0].request.sender.contacts == 999
    assert "inbox.csv:3: field 'sender' is not valid JSON" in str(result[1])
    assert "inbox.csv:4: more cells than header columns" in str(result[2])


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (b'{"text": "x", "sender": ' + b"[" * 50_000 + b"]" * 50_000 + b"}\n", "jsonl",
         "inbox.jsonl:1: JSON nested too deeply"),
        (b"[" * 50_000 + b"]" * 50_000, "json", "inbox.json: JSON nested too deeply"),
        (b"text,sender,lang\nhallo,anna,de\nkurz\n", "csv",
         "inbox.csv:3: fewer cells than header columns (1 of 3)"),
        (b"text,lang\r\"a\",de\n", "csv", "inbox.csv:1: CSV header is not valid CSV"),
        (b'text,lang\nok,de\n"open quote,de\n', "csv",
         "inbox.csv:3: not valid CSV near this line"),
    ],
)  # fmt: skip
def test_damaged_files_give_errors_not_tracebacks(content: bytes, fmt: str, message: str):
    """Issue 19: these raised RecursionError, AttributeError and csv.Error; the truncated CSV
    was read silently."""
    found = [r for r in records(content, fmt) if not isinstance(r, Record)]
    assert found and message in str(found[0])


def test_csv_without_text_column() -> None:
    [error] = records(b"id,note\n1,hallo\n", "csv")
    assert "CSV header has no 'text' column" in str(error)


def test_csv_invalid_utf8_row() -> None:
    result = records(b"id,text\n1,gut\n2,schlecht \xff\n3,gut\n", "csv")
    assert [type(r).__name__ for r in result] == ["Record", "RecordError", "Record"]
    assert "inbox.csv:3: invalid UTF-8" in str(result[1])


def test_json_array_and_object() -> None:
    result = records(json.dumps([{"text": "a"}, {"tex": "b"}]).encode(), "json")
    assert isinstance(result[0], Record)
    assert "inbox.json[2]: field 'text' is missing" in str(result[1])


def test_profile_file_errors_name_the_file(tmp_path) -> None:
    path = tmp_path / "me.json"
    path.write_text('{"name": "A", "gender": "q"}', "utf-8")
    with pytest.raises(RecordError, match=r"me\.json: field 'profile\.gender'"):
        read_profile_file(path)
