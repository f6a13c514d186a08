"""Note analysis: sentence ends, and the sentence memo giving the same tokens as tokenising."""

from __future__ import annotations

import pytest

from kontaktfilter.text.note import analyse, clear_memos, fold

TEXTS = [
    "Hallo Frau Berg, z.B. 3.000 Kontakte auf example.com. Wirklich?! Ja: gern.",
    "Hi Anna...how are you?? I'd love to connect; really:\nBest, Max",
    "Ende.Hallo a..b <b>fett</b> Grüße, ÄÖÜ straße_x",
    "",
    "...",
    "ohne Satzende",
    "Wir haben uns am 14. März getroffen. Halle 4. Dort",
]


def _fields(text: str, max_chars: int = 20_000) -> tuple:
    note = analyse(text, max_chars)
    return note.tokens, note.starts, note.ends, note.sentences, note.questions, note.truncated


@pytest.mark.parametrize("text", TEXTS)
def test_remembered_sentences_give_the_tokens_of_the_whole_text(text: str) -> None:
    clear_memos()
    first = _fields(text)  # tokenised whole; its sentences noted
    _fields(text)  # seen twice: its sentences are remembered
    assert _fields(text) == first  # assembled from the memo
    assert _fields("Guten Tag! " + text)[0] == ("guten", "tag", *first[0])


def test_sentence_ends() -> None:
    note = analyse("Rund 3.000 Kontakte auf example.com. Wirklich?! Ja")
    # "3.000" and "example.com" end no sentence (a word follows the dot); ". " and "?!" do
    assert note.sentences == (0, 0, 0, 0, 0, 0, 0, 1, 2)
    assert note.questions == frozenset({1})


@pytest.mark.parametrize(
    "text",
    [
        "Wir haben uns am 14. März auf der Messe kennengelernt",
        "Zum 3. Mal schreibe ich Ihnen",
        "Die 2. Auflage Ihres Buches",
        "Kapitel 3. hat mir gefallen",
        "Wir sehen uns am 1. Juli",
    ],
)
def test_a_german_ordinal_ends_no_sentence(text: str) -> None:
    assert set(analyse(text).sentences) == {0}


@pytest.mark.parametrize(
    "text", ["Wir waren in Halle 4. Dort gab es Kaffee", "Seit 2019. Ich", "Version 1.2. Next"]
)
def test_a_number_at_a_sentence_end_still_ends_it(text: str) -> None:
    assert set(analyse(text).sentences) == {0, 1}


def test_truncated_notes_are_analysed_up_to_the_bound() -> None:
    note = analyse("eins zwei. drei", max_chars=9)
    assert note.truncated and note.tokens == ("eins", "zwei")


@pytest.mark.parametrize(
    "text",
    [
        "Hi ANNA, I'd LOVE to connect: B2B SaaS, 20 Meetings/Monat. McKinsey_alumni?",
        "Hallo Frau Müller, GRÜSSE aus Köln — I’d love to connect. Straße 5",
        "ÇA VA? Señor Ñandú, café à la carte",
    ],
)
def test_tokens_are_the_folded_words_at_their_places(text: str) -> None:
    """Each token is fold() of the word at its offsets, whether the text is ASCII (lower-cased
    whole) or not (folded word by word)."""
    clear_memos()
    for piece in (text, *text.split(", ")):
        note = analyse(piece)
        words = [piece[start:end] for start, end in zip(note.starts, note.ends, strict=True)]
        assert note.tokens == tuple(map(fold, words))
