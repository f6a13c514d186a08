"""Checks the user's own outgoing request before it is sent (seed 003: short, friendly, and why
exactly this person), using the same engine that judges incoming requests."""

from __future__ import annotations

from dataclasses import dataclass

from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request, Role, Verdict
from kontaktfilter.replies.drafts import salutation

MAX_WORDS = 120
LINKEDIN_NOTE_LIMIT = 300
"""LinkedIn cuts invitation notes at 300 characters."""


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # "fix" or "hint"
    message: str


def lint_request(
    engine: Engine, text: str, recipient: Profile, platform: str = "other"
) -> tuple[Verdict, list[Finding]]:
    """Judge the draft as its recipient's kontaktfilter would, and say how to make it personal."""
    verdict = engine.score(Request(text=text, recipient=recipient, platform=platform))
    de = verdict.lang == "de"
    findings: list[Finding] = []
    if not text.strip():
        findings.append(Finding("fix", "Schreiben Sie eine Nachricht." if de else "Write a note."))
    for hit in verdict.hits:
        if hit.score > 0 and hit.group != "form":
            quoted = "; ".join(f"„{s.text}“" for s in hit.spans) or hit.detail
            findings.append(Finding("fix", f"{hit.description}: {quoted}"))
    if not any(Role.REASON in hit.roles for hit in verdict.hits):
        findings.append(Finding("fix", _reference_advice(recipient, de)))
    if "PERS_NO_SALUTATION" in verdict.signal_names and recipient.name:
        greeting = salutation(recipient, verdict.lang)
        advice = "Sprechen Sie die Person an" if de else "Address the person"
        findings.append(Finding("hint", f"{advice}: {greeting}"))
    words = len(text.split())
    if words > MAX_WORDS:
        findings.append(
            Finding(
                "hint",
                f"Kürzer fassen ({words} Wörter)." if de else f"Keep it short ({words} words).",
            )
        )
    if platform == "linkedin" and len(text) > LINKEDIN_NOTE_LIMIT:
        findings.append(
            Finding("fix", f"LinkedIn: > {LINKEDIN_NOTE_LIMIT} characters ({len(text)}).")
        )
    return verdict, findings


def _reference_advice(recipient: Profile, de: bool) -> str:
    options = [
        (label, items)
        for label, items in (
            ("Veröffentlichungen" if de else "publications", recipient.publications),
            ("Ich biete" if de else "offers", recipient.offers),
            ("Ich suche" if de else "seeks", recipient.seeks),
            ("Interessen" if de else "interests", recipient.interests),
        )
        if items
    ]
    head = (
        "Sagen Sie, warum genau diese Person: beziehen Sie sich auf Konkretes aus ihrem Profil"
        if de
        else "Say why exactly this person: refer to something concrete on their profile"
    )
    if not options:
        return head + "."
    return head + " – " + "; ".join(f"{label}: {', '.join(items[:3])}" for label, items in options)
