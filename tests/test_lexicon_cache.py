"""The compiled lexicons' disk cache: a new, damaged or stale file gives the same matcher as
compiling the lexicons afresh, and the cache never changes what is found."""

from __future__ import annotations

import pytest

from kontaktfilter.text import lexicon_cache
from kontaktfilter.text.lexicon import load_builtin_lexicons
from kontaktfilter.text.matcher import PhraseMatcher
from kontaktfilter.text.note import analyse

NOTES = [
    "Hallo Frau Albers, vielleicht ergeben sich wertvolle Synergien.",
    "Ich lade Sie zu meinem kostenlosen Webinar ein. Kontakte schaden nur dem, der keine hat.",
    "I came across your profile and would like to connect. Your network is your net worth!",
]


def matches(matcher: PhraseMatcher) -> list[list[tuple]]:
    return [[tuple(m) for m in matcher.find(analyse(note))] for note in NOTES]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder, and no compiled matcher remembered in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lexicon_cache._compiled.cache_clear()
    yield tmp_path / "kontaktfilter"
    lexicon_cache._compiled.cache_clear()


def cached_files(folder):
    return sorted(folder.glob(f"{lexicon_cache.PREFIX}*.pickle"))


def test_written_then_read_gives_the_compiled_matches(fresh_cache) -> None:
    expected = matches(PhraseMatcher(load_builtin_lexicons()))
    assert matches(lexicon_cache.builtin_matcher()) == expected
    [written] = cached_files(fresh_cache)
    lexicon_cache._compiled.cache_clear()
    assert matches(lexicon_cache.builtin_matcher()) == expected  # now from the file
    assert cached_files(fresh_cache) == [written]


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: blob[:100] + bytes([blob[100] ^ 0xFF]) + blob[101:],  # one byte flipped
        lambda blob: b"",
        lambda blob: b"not a pickle at all",
    ],
)
def test_damaged_file_is_rebuilt(fresh_cache, damage) -> None:
    expected = matches(lexicon_cache.builtin_matcher())
    [path] = cached_files(fresh_cache)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    lexicon_cache._compiled.cache_clear()
    assert matches(lexicon_cache.builtin_matcher()) == expected
    assert path.read_bytes() == good


def test_stale_file_of_other_lexicons_is_replaced(fresh_cache) -> None:
    fresh_cache.mkdir(parents=True)
    stale = fresh_cache / f"{lexicon_cache.PREFIX}{'0' * 32}.pickle"
    stale.write_bytes(b"compiled from an earlier lexicon")
    expected = matches(PhraseMatcher(load_builtin_lexicons()))
    assert matches(lexicon_cache.builtin_matcher()) == expected
    [current] = cached_files(fresh_cache)
    assert current != stale


def test_unwritable_cache_folder_still_matches(fresh_cache) -> None:
    fresh_cache.parent.joinpath("kontaktfilter").write_text("a file where the folder should be")
    expected = matches(PhraseMatcher(load_builtin_lexicons()))
    assert matches(lexicon_cache.builtin_matcher()) == expected


def test_each_matcher_starts_with_empty_memos(fresh_cache) -> None:
    first = lexicon_cache.builtin_matcher()
    first.find(analyse(NOTES[0]))
    assert first._memo
    assert not lexicon_cache.builtin_matcher()._memo
