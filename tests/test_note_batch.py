"""The batch tokeniser keeps exactly the words `template_tokens` keeps, note by note: the same
folded words (compared by their CRC-32, which is all the signatures see) in the same order."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from kontaktfilter.bulk.minhash import MinHasher
from kontaktfilter.bulk.normalise import template_tokens
from kontaktfilter.bulk.note_batch import note_words

PIECES = [
    "Hallo", "Hi", "hey", "Sehr geehrte", "Frau", "Herr", "Dr.", "Prof.", "Mr", "dear", "Moin",
    "Viele Grüße", "Best regards", "VG", "lg", "Cheers", "Kind", "thanks", "Herzliche Grüße",
    "Anna", "Jürgen", "O'Neill", "D’Angelo", "Müller-Lüdenscheidt", "Σωκράτης", "ΟΔΟΣ", "İstanbul",
    "Straße", "GROSS", "ÆØÅ", "naïve", "café", "Ñandú", "x²", "½", "Ⅻ", "٣", "3.000", "2026",
    "foo_bar", "don't", "rock'n'roll", "''", "a''b", "'quoted'", "’tis", "end’", "-", ",", "!",
    "https://example.com/a?b=1", "www.Example.org", "WWW.SHOUT.DE", "mail@example.com",
    "user@host", "http:/half", "@", "://", "😀", "𝐀𝐁𝐂", "𐐀𐐨", "e\u0301", "\u00a0", "\t", "\n",
    "\r\n", "\x00", "\ud800", "ǅ", "ﬁ", "ß", "ẞ", "Ⓐ", "١٢", "中文", "한국어", "Synergien",
    "Webinar", "kostenlos", "I'd love to connect", "wir bieten", "Ihre Bestätigung",
]  # fmt: skip
NAMES = ["Anna Berg", "Jürgen O'Neill", "D’Angelo", "Σωκράτης Παπάς", "İlker", "", "Dr. Frau"]


def _note(rng: random.Random) -> str:
    return rng.choice(["", " ", ", "]).join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))


def _expected(text: str, names: tuple[str, ...]) -> list[int]:
    return [zlib.crc32(word.encode()) for word in template_tokens(text, names)]


@pytest.mark.parametrize("seed", range(6))
def test_batch_words_equal_template_tokens(seed: int) -> None:
    rng = random.Random(seed)
    texts = [_note(rng) for _ in range(3000)]
    names = [tuple(rng.sample(NAMES, rng.randint(0, 3))) for _ in texts]
    hashes, counts = note_words(texts, names)
    expected = [_expected(text, pair) for text, pair in zip(texts, names, strict=True)]
    assert counts.tolist() == [len(words) for words in expected]
    assert hashes.tolist() == [h for words in expected for h in words]


def test_every_letter_of_every_plane_is_a_word_as_in_the_pattern() -> None:
    """Each code point alone, between two letters and after an apostrophe."""
    points = [chr(c) for c in range(0x110000) if c % 7 == 0 or c < 0x3000]
    texts = [p for p in points] + [f"a{p}b" for p in points[::5]] + [f"a'{p}" for p in points[::9]]
    names = [()] * len(texts)
    hashes, counts = note_words(texts, names)
    expected = [_expected(text, ()) for text in texts]
    assert counts.tolist() == [len(words) for words in expected]
    assert hashes.tolist() == [h for words in expected for h in words]


def test_signatures_from_batch_words_equal_the_token_path() -> None:
    rng = random.Random(9)
    texts = [_note(rng) for _ in range(500)]
    names = [tuple(rng.sample(NAMES, 2)) for _ in texts]
    hasher = MinHasher(64, 1)
    tokens = [template_tokens(text, pair) for text, pair in zip(texts, names, strict=True)]
    assert np.array_equal(
        hasher.word_signatures(*note_words(texts, names)), hasher.signatures(tokens)
    )


def test_an_empty_batch() -> None:
    hashes, counts = note_words([], [])
    assert hashes.size == 0 and counts.size == 0
