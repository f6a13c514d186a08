"""Turns a note into folded tokens with offsets, once per request, so every signal shares the work.

Folding makes "Grüße", "Gruesse" and "GRÜSSE" one token; offsets keep evidence spans pointing into
the note the user sees. Markup is blanked (same length), never interpreted.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from re import Match

MAX_ANALYSED_CHARS = 20_000
"""Notes on XING and LinkedIn are at most a few thousand characters; longer input is analysed up to
this bound and the verdict says it was truncated."""

_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "é": "e",
        "è": "e",
        "à": "a",
        "á": "a",
        "ç": "c",
        "ñ": "n",
        "’": "'",
    }
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STOP_RUN = re.compile(r"[!?;\n.:]+")
_WORD_CHAR = re.compile(r"\w")
"""Sentence ends are runs of ! ? ; . : and line breaks, except a final "." or ":" that a word
follows: "3.000", "example.com" and "z.B." followed by a word do not end a sentence. A run of
literal characters is found far faster than that rule as one regular expression with a look-ahead,
so the rule is applied to the few runs afterwards."""
_MARKUP = re.compile(r"<[^<>]{0,300}>")
_ORDINAL_BEFORE = re.compile(r"(?:(?<![^\W\d_])([^\W\d_]+) )?(?<![\w.,])\d{1,2}$")
"""One or two digits on their own right before the dot, and the word before them if any."""
_DIGITS = frozenset("0123456789")
_ORDINAL_AFTER = re.compile(r" ([^\W\d_]+)")
_MONTHS = frozenset(
    "januar jaenner februar maerz april mai juni juli august september oktober november "
    "dezember jan feb mrz apr jun jul aug sep sept okt nov dez".split()
)
_ORDINAL_LEADS = frozenset(
    "am an zum zur im vom beim ab bis seit den dem der des die das ihr ihre ihrem ihren "
    "mein meine meinem meinen unser unsere unserem".split()
)

_GERMAN_MARKERS = frozenset(
    "ich sie und der die das nicht mit fuer ihr ihre ihnen ein eine einen ist wir auf bei "
    "mich mein meine gerne gern uns zu auch sehr wuerde haben habe dem den des von im sich "
    "es dass wenn aber noch schon nur wie hat sind bin hallo herr frau liebe lieber geehrte "
    "geehrter gruesse gruss viele vielen dank danke".split()
)
_ENGLISH_MARKERS = frozenset(
    "i you and the to your my with for is we of in on at would like be have this that it "
    "are our me an as love hi dear hello thanks thank regards best i'd i'm".split()
)


_FOLD_MEMO_LIMIT = 200_000
_folded: dict[str, str] = {}


def fold(word: str) -> str:
    """Lowercase and spell umlauts out, the key every lexicon and comparison uses."""
    folded = _folded.get(word)
    if folded is None:
        if len(_folded) >= _FOLD_MEMO_LIMIT:
            _folded.clear()
        folded = _folded[word] = word.lower().translate(_FOLD)
    return folded


@dataclass(frozen=True, slots=True)
class AnalysedNote:
    """A note split into folded tokens; `sentences[i]` numbers the sentence of token i."""

    text: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    sentences: tuple[int, ...]
    questions: frozenset[int]
    truncated: bool


def fold_all(words: list[str]) -> list[str]:
    """fold() of many words, with the memo looked up at C speed (a miss falls back per word)."""
    try:
        return list(map(_folded.__getitem__, words))
    except KeyError:
        return [
            known or fold(word) for known, word in zip(map(_folded.get, words), words, strict=True)
        ]


def _is_ordinal(visible: str, start: int) -> bool:
    """A lone "." right after a German ordinal number ("am 14. März", "zum 3. Mal", "die
    2. Auflage") ends no sentence: one or two digits on their own, and after the dot a space
    and a lower-case word, a month, or an article or preposition before the number."""
    before = _ORDINAL_BEFORE.search(visible, max(0, start - 16), start)
    if before is None:
        return False
    after = _ORDINAL_AFTER.match(visible, start + 1)
    if after is None:
        return False
    following = after.group(1)
    return (
        following[0].islower()
        or fold(following) in _MONTHS
        or (before.group(1) is not None and fold(before.group(1)) in _ORDINAL_LEADS)
    )


def _stops(visible: str) -> list[tuple[int, int, bool]]:
    """The sentence ends of a text in order: start, end and whether it asks a question."""
    stops = []
    for run in _STOP_RUN.finditer(visible):
        start, end = run.span()
        if visible[end - 1] in ".:" and _WORD_CHAR.match(visible, end):
            end -= 1
        elif (
            start
            and visible[start - 1] in _DIGITS  # cheap test first: most stops follow a letter
            and end - start == 1
            and visible[start] == "."
            and _is_ordinal(visible, start)
        ):
            continue
        if end > start:
            stops.append((start, end, "?" in visible[start:end]))
    return stops


_Words = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]
"""Folded tokens of a text with their start and end offsets."""


def _words(text: str) -> _Words:
    if text.isascii():
        # Lower-casing ASCII keeps every offset and is all that folding does to it: the words
        # of the lower-cased text are the folded words, at the same places.
        words = list(_WORD.finditer(text.lower()))
        tokens = tuple(map(Match.group, words))
    else:
        words = list(_WORD.finditer(text))
        tokens = tuple(fold_all(list(map(Match.group, words))))
    return (
        tokens,
        tuple(map(Match.start, words)),
        tuple(map(Match.end, words)),
    )


class SentenceMemo:
    """Tokens of the sentences seen at least twice, bounded. Automation tools send the same stock
    sentences again and again behind greetings of varying length, so a sentence, not a note,
    is what repeats; a sentence seen once (most written ones) is only noted, so notes of fresh
    sentences pay one set look-up per sentence and no tokenising twice."""

    LIMIT = 50_000
    MAX_CHARS = 400

    def __init__(self) -> None:
        self.words: dict[str, _Words] = {}
        self.seen_once: set[str] = set()

    def remember(self, sentences: list[str]) -> None:
        """Note these sentences (none of them known); the ones seen before are tokenised and
        kept."""
        again = self.seen_once.intersection(sentences)
        if len(self.seen_once) >= self.LIMIT:
            self.seen_once.clear()
        self.seen_once.update(sentences)
        for sentence in again:
            if len(sentence) <= self.MAX_CHARS:
                if len(self.words) >= self.LIMIT:
                    self.words.clear()
                self.words[sentence] = _words(sentence)


_memo = SentenceMemo()


def clear_memos() -> None:
    """Forget every folded word and sentence seen: a measurement starts each engine it compares
    as cold as a new process would (bench/bench_scoring.py)."""
    _folded.clear()
    _memo.words.clear()
    _memo.seen_once.clear()


def analyse(text: str, max_chars: int = MAX_ANALYSED_CHARS) -> AnalysedNote:
    """Tokenise a note; markup is blanked so offsets stay those of the original text.

    The tokens of the sentences seen before come from the sentence memo (shifted to where each
    sentence stands), only the others are tokenised; no word contains a stop character, so they
    are the words of the whole text."""
    truncated = len(text) > max_chars
    visible = text[:max_chars] if truncated else text
    if "<" in visible:
        visible = _MARKUP.sub(lambda m: " " * len(m.group()), visible)
    stops = _stops(visible)
    begins = [0, *[end for _, end, _ in stops]]
    pieces = [visible[begin:stop] for begin, (stop, _, _) in zip(begins, stops, strict=False)]
    pieces.append(visible[begins[-1] :])
    known = list(map(_memo.words.get, pieces))
    if None in known:
        missing = [piece for piece, words in zip(pieces, known, strict=True) if words is None]
        _memo.remember(missing)
        if len(missing) == len(pieces):  # one pass over the whole text
            words = _words(visible)
            return _note(text, words, _sentence_numbers(stops, words), stops, truncated)
        # remembered sentences beside new ones: only the new ones are tokenised
        known = [words or _words(piece) for piece, words in zip(pieces, known, strict=True)]
    token_list: list[str] = []
    start_list: list[int] = []
    end_list: list[int] = []
    sentences: list[int] = []
    for number, (begin, (words, word_starts, word_ends)) in enumerate(
        zip(begins, known, strict=True)
    ):
        if words:
            token_list += words
            start_list += map(begin.__add__, word_starts)
            end_list += map(begin.__add__, word_ends)
            sentences += [number] * len(words)
    return _note(
        text, (tuple(token_list), tuple(start_list), tuple(end_list)), sentences, stops, truncated
    )


def _sentence_numbers(stops: list[tuple[int, int, bool]], words: _Words) -> list[int]:
    """The sentence number of each word of a whole text, from where its stops begin."""
    starts = words[1]
    sentences: list[int] = []
    for number, (stop_start, _, _) in enumerate(stops):
        # every word lies wholly before or after a stop
        sentences += [number] * (bisect_left(starts, stop_start) - len(sentences))
    sentences += [len(stops)] * (len(starts) - len(sentences))
    return sentences


def _note(
    text: str,
    words: _Words,
    sentences: list[int],
    stops: list[tuple[int, int, bool]],
    truncated: bool,
) -> AnalysedNote:
    tokens, starts, ends = words
    return AnalysedNote(
        text=text,
        tokens=tokens,
        starts=starts,
        ends=ends,
        sentences=tuple(sentences),
        questions=frozenset([i for i, (_, _, question) in enumerate(stops) if question]),
        truncated=truncated,
    )


def guess_language(note: AnalysedNote, fallback: str) -> str:
    """Pick "de" or "en" by counting function words; mixed notes go to the majority, a tie to the
    language the note opens in (that is how the sender addressed the recipient)."""
    german = sum(map(_GERMAN_MARKERS.__contains__, note.tokens))
    english = sum(map(_ENGLISH_MARKERS.__contains__, note.tokens))
    if german != english:
        return "de" if german > english else "en"
    for token in note.tokens:
        if token in _GERMAN_MARKERS:
            return "de"
        if token in _ENGLISH_MARKERS:
            return "en"
    return fallback
