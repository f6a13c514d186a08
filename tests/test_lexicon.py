"""The pattern language and the matcher: what matches, what does not, errors that name places."""

from __future__ import annotations

import pytest

from kontaktfilter.text.lexicon import (
    LexiconError,
    load_lexicon_file,
    parse_pattern,
    parse_patterns,
)
from kontaktfilter.text.lexicon_cache import builtin_matcher
from kontaktfilter.text.matcher import PhraseMatcher
from kontaktfilter.text.note import analyse


def find(pattern: str, text: str) -> list[tuple[str, tuple[int, int] | None]]:
    matcher = PhraseMatcher([parse_pattern(pattern, "fam", "de", "test")])
    note = analyse(text)
    return [
        (note.text[note.starts[m.first] : note.ends[m.last]], m.capture) for m in matcher.find(note)
    ]


@pytest.mark.parametrize(
    ("pattern", "text", "matched"),
    [
        ("synergie*", "Wertvolle Synergieeffekte!", "Synergieeffekte"),
        ("*gewinnung", "über Kundengewinnung", "Kundengewinnung"),
        ("*netz*", "im Firmennetzwerk", "Firmennetzwerk"),
        ("für beide seiten", "Vorteile fuer beide Seiten", "fuer beide Seiten"),
        ("grüße aus", "GRUESSE AUS Bayern", "GRUESSE AUS"),
        ("kontakte schaden nur", "Kontake schaden nur dem", "Kontake schaden nur"),
        (
            "vielleicht ..2 synergien",
            "Vielleicht ergeben sich Synergien",
            "Vielleicht ergeben sich Synergien",
        ),
        ("ich [sehr] gerne", "ich gerne", "ich gerne"),
        ("ich [sehr] gerne", "ich sehr gerne", "ich sehr gerne"),
        ("i'd love", "I'd love to", "I'd love"),
        ("nachbar*", "meine Nachbarin", "Nachbarin"),
    ],
)
def test_matches(pattern: str, text: str, matched: str) -> None:
    assert [m for m, _ in find(pattern, text)] == [matched]


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("vielleicht ..2 synergien", "Vielleicht. Synergien"),  # gaps stay inside a sentence
        ("vielleicht ..2 synergien", "Vielleicht ergeben sich wohl Synergien"),  # gap too long
        ("=kontakte", "Kontake"),  # exact: no typo tolerance
        ("seite", "Seide"),  # words under six letters: no typo tolerance
        ("webinar", "Seminar"),  # two edits are never tolerated
        ("nachbar*", "wäre das machbar?"),  # a lone word has nothing to confirm a typo
        ("kommilitone*", "Kommilitane"),
        ("keinen newsletter", "in meinen Newsletter"),  # a typo never changes the first letter
    ],
)
def test_does_not_match(pattern: str, text: str) -> None:
    assert find(pattern, text) == []


def test_groups_of_word_sequences() -> None:
    patterns = parse_patterns("(ganz offen|ehrlich gesagt) ich", "fam", "de", "test")
    assert [len(p.items) for p in patterns] == [3, 3]
    matcher = PhraseMatcher(patterns)
    for text in ("Ganz offen, ich verkaufe", "ehrlich gesagt ich"):
        assert matcher.find(analyse(text)), text
    assert not matcher.find(analyse("ganz gesagt ich"))


@pytest.mark.parametrize(
    ("source", "message"),
    [("(a b|c", "unclosed"), ("a b) c", "unopened"), ("(a|) b", "empty alternative")],
)
def test_bad_groups(source: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_patterns(source, "fam", "de", "test")


def test_capture_reports_skipped_tokens() -> None:
    [(_, capture)] = find(
        "für {..5} interessieren", "dass Sie sich für Golf und Tennis interessieren"
    )
    assert capture == (4, 6)


def test_trailing_capture_may_be_empty() -> None:
    assert find("aus der branche {..3}", "Kontakte aus der Branche.") == [("aus der Branche", None)]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty pattern"),
        (".. synergien", "must start with a required word"),
        ("[vielleicht] synergien", "must start with a required word"),
        ("synergien ..", "must not end with a gap"),
        ("syn-ergie", "is not a word"),
        ("a {..2} b {..2}", "more than one capture"),
        ("a [b", "cannot read item"),
    ],
)
def test_bad_patterns_are_refused(source: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_pattern(source, "fam", "de", "de.yaml: family 'fam', pattern 1")


def test_error_names_file_family_and_pattern(tmp_path) -> None:
    path = tmp_path / "de.yaml"
    path.write_text("lang: de\nfamilies:\n  synergies:\n    - synergie*\n    - ..\n", "utf-8")
    with pytest.raises(LexiconError, match=r"de\.yaml: family 'synergies', pattern 2"):
        load_lexicon_file(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("lang: fr\nfamilies: {a: [b]}\n", "'lang' must be"),
        ("lang: de\n", "expected a mapping"),
        ("lang: de\nfamilies: {a: []}\n", "non-empty list"),
        ("lang: de\nfamilies: {a: [3]}\n", "must be a string"),
        ("lang: de\nfamilies: {a: [b\n", "cannot read lexicon"),
    ],
)
def test_malformed_files(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon_file(path)


def test_a_sentence_of_a_known_shape_matches_as_if_new() -> None:
    """Sentences that differ only in words no pattern knows (names, numbers, typos of nothing)
    share their matches; each must still be what a matcher that never met the shape finds."""
    texts = [
        f"{opening} {name} ergeben sich {filler} wertvolle Synergien{end}"
        for opening in ("Vielleicht", "Hallo Herr", "Sehr geehrte Frau")
        for name in ("Kilian", "Nowak", "xqzt", "2024")
        for filler in ("", "blorp", "blorp zwarg", "ganz")
        for end in (".", " für beide Seiten!", " - I'd love to connect")
    ]
    warm = builtin_matcher()
    for text in texts:
        note = analyse(text)
        assert warm.find(note) == builtin_matcher().find(note), text
    assert len(warm._shape_memo) < len(warm._sentence_memo)
