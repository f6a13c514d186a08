"""Verdicts in the terminal: the note with its evidence marked, the signals with their weights,
and every piece of sender-written text made harmless for the terminal first."""

from __future__ import annotations

import click

from kontaktfilter.cli.common import language, reader, t
from kontaktfilter.model import Span, Verdict
from kontaktfilter.replies.drafts import note_in

_NEUTRALISED = {
    code: f"\\x{code:02x}"
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]
    if chr(code) not in "\n\t"
} | {code: f"\\u{code:04x}" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
"""Control characters (C0, DEL, C1) and bidirectional overrides, shown as escapes: sender-written
text must not set a terminal's title, write its clipboard, clear its screen or reorder a line."""


def terminal_safe(text: str) -> str:
    """Sender-written text made harmless for a terminal (line breaks and tabs stay)."""
    return text.translate(_NEUTRALISED)


CATEGORY_COLOURS = {
    "known": "green",
    "personal": "green",
    "honest_pitch": "cyan",
    "vague": "yellow",
    "generic": "white",
    "collector": "magenta",
    "spam": "red",
}


def highlight(text: str, spans: list[Span], colour: bool) -> str:
    """The note with evidence spans marked: coloured in a terminal, [[brackets]] otherwise."""
    merged: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span.end))
        else:
            merged.append((span.start, span.end))
    out, position = [], 0
    for start, end in merged:
        out.append(terminal_safe(text[position:start]))
        piece = terminal_safe(text[start:end])
        out.append(
            click.style(piece, fg="yellow", bold=True, underline=True) if colour else f"[[{piece}]]"
        )
        position = end
    out.append(terminal_safe(text[position:]))
    return "".join(out)


def localised(detail: str, lang: str) -> str:
    """A hit's detail in the reader's language when the signal said it in both (model.say)."""
    texts = getattr(detail, "texts", None) or {}
    return texts.get(lang) or detail


def render_verdict(text: str, verdict: Verdict, colour: bool) -> str:
    """A human-readable explanation: category, action, marked note, signals, reply draft."""
    from kontaktfilter.signals.registry import REGISTRY, is_late

    lang, say = language(), reader()
    category = verdict.category.value
    name = t(f"category.{category}").upper()
    head = click.style(name, fg=CATEGORY_COLOURS[category], bold=True) if colour else name
    action, score = t(f"action.{verdict.action.value}"), say.signed(verdict.score)
    lines = [t("cli.verdict.head", head=head, action=action, score=score, rule=verdict.rule)]
    if verdict.genuine is not None:
        lines.append(t("cli.verdict.genuine", percent=say.number(100 * verdict.genuine)))
    learned = dict(verdict.learned_weights)
    if verdict.truncated:
        lines.append(t("cli.verdict.truncated"))
    spans = [span for hit in verdict.hits for span in hit.spans]
    lines += ["", highlight(text, spans, colour) if text.strip() else t("cli.empty_note"), ""]
    for hit in verdict.hits:
        spans = "; ".join(f"“{s.text}”" for s in hit.spans)
        detail = localised(hit.detail, lang)
        # a late (learned) signal's detail names what it learned: more than its spans say
        evidence = detail if is_late(hit.name) else spans or detail
        signal = REGISTRY.get(hit.name)
        description = signal.explain(lang) if signal is not None else hit.description
        weight = (
            " " + t("cli.verdict.learned", weight=say.signed(learned[hit.name], 2))
            if hit.name in learned
            else ""
        )
        lines.append(f"  {say.signed(hit.score):>5}  {hit.name:<34} {description}{weight}")
        if evidence:
            lines.append(f"         {'':<34} {terminal_safe(evidence)}")
    if not verdict.hits:
        lines.append("  " + t("cli.verdict.no_signal"))
    if verdict.reply:
        lines += ["", t("cli.verdict.reply"), terminal_safe(verdict.reply)]
    if verdict.reply_note:
        note = note_in(verdict.reply_note, language())  # advice to the reader, not the sender
        lines += ["", t("cli.verdict.reply_note", note=note)]
    return "\n".join(lines)
