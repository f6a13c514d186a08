"""Verdicts in the terminal: the note with its evidence marked, the signals with their weights,
and every piece of sender-written text made harmless for the terminal first."""

from __future__ import annotations

import click

from kontaktfilter.model import Span, Verdict

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


def render_verdict(text: str, verdict: Verdict, colour: bool) -> str:
    """A human-readable explanation: category, action, marked note, signals, reply draft."""
    from kontaktfilter.signals.registry import is_late

    category = verdict.category.value
    head = (
        click.style(category.upper(), fg=CATEGORY_COLOURS[category], bold=True)
        if colour
        else category.upper()
    )
    lines = [
        f"{head}  action: {verdict.action.value}  score: {verdict.score:+.1f}  ({verdict.rule})"
    ]
    if verdict.genuine is not None:
        lines.append(f"probability of a genuine person: {100 * verdict.genuine:.0f} %")
    learned = dict(verdict.learned_weights)
    if verdict.truncated:
        lines.append("note: the text was longer than the analysed bound and was truncated")
    spans = [span for hit in verdict.hits for span in hit.spans]
    lines += ["", highlight(text, spans, colour) if text.strip() else "(empty note)", ""]
    for hit in verdict.hits:
        spans = "; ".join(f"“{s.text}”" for s in hit.spans)
        # a late (learned) signal's detail names what it learned: more than its spans say
        evidence = hit.detail if is_late(hit.name) else spans or hit.detail
        weight = f" (learned {learned[hit.name]:+.2f})" if hit.name in learned else ""
        lines.append(f"  {hit.score:+5.1f}  {hit.name:<34} {hit.description}{weight}")
        if evidence:
            lines.append(f"         {'':<34} {terminal_safe(evidence)}")
    if not verdict.hits:
        lines.append("  no signal fired")
    if verdict.reply:
        lines += ["", "reply draft:", terminal_safe(verdict.reply)]
    if verdict.reply_note:
        lines += ["", f"note: {verdict.reply_note}"]
    return "\n".join(lines)
