"""Turns a note into folded tokens with offsets, once per request, so every signal shares the work.

Folding makes "Grüße", "Gruesse" and "GRÜSSE" one token; offsets keep evidence spans pointing into
the note the user sees. Markup is blanked (same length), never interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_TOKEN_OR_STOP = re.compile(r"([^\W_]+(?:['’][^\W_]+)*)|([.!?;:\n]+)")
_MARKUP = re.compile(r"<[^<>]{0,300}>")

_GERMAN_MARKERS = frozenset(
    "ich sie und der die das nicht mit fuer ihr ihre ihnen ein eine einen ist wir auf bei "
    "mich mein meine gerne gern uns zu auch sehr wuerde haben habe dem den des von im".split()
)
_ENGLISH_MARKERS = frozenset(
    "i you and the to your my with for is we of in on at would like be have this that it "
    "are our me an as love hi dear".split()
)


def fold(word: str) -> str:
    """Lowercase and spell umlauts out, the key every lexicon and comparison uses."""
    return word.lower().translate(_FOLD)


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

    def span_text(self, first: int, last: int) -> tuple[int, int, str]:
        """Character offsets and text of the token range first..last (inclusive)."""
        start, end = self.starts[first], self.ends[last]
        return start, end, self.text[start:end]


def analyse(text: str, max_chars: int = MAX_ANALYSED_CHARS) -> AnalysedNote:
    """Tokenise a note; markup is blanked so offsets stay those of the original text."""
    truncated = len(text) > max_chars
    visible = text[:max_chars] if truncated else text
    if "<" in visible:
        visible = _MARKUP.sub(lambda m: " " * len(m.group()), visible)
    tokens: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    sentences: list[int] = []
    questions: set[int] = set()
    sentence = 0
    for match in _TOKEN_OR_STOP.finditer(visible):
        word = match.group(1)
        if word is None:
            if "?" in match.group(2):
                questions.add(sentence)
            sentence += 1
            continue
        tokens.append(fold(word))
        starts.append(match.start())
        ends.append(match.end())
        sentences.append(sentence)
    return AnalysedNote(
        text=text,
        tokens=tuple(tokens),
        starts=tuple(starts),
        ends=tuple(ends),
        sentences=tuple(sentences),
        questions=frozenset(questions),
        truncated=truncated,
    )


def guess_language(note: AnalysedNote, fallback: str) -> str:
    """Pick "de" or "en" by counting function words; mixed notes go to the majority."""
    german = english = 0
    for token in note.tokens:
        if token in _GERMAN_MARKERS:
            german += 1
        elif token in _ENGLISH_MARKERS:
            english += 1
    if german == english:
        return fallback
    return "de" if german > english else "en"
