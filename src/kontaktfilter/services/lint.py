"""Checks the user's own outgoing request before it is sent (seed 003: short, friendly, and why
exactly this person), using the same engine that judges incoming requests."""

from __future__ import annotations

from dataclasses import dataclass

from kontaktfilter.bilingual import in_language, say
from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request, Role, SignalHit, Verdict
from kontaktfilter.replies.drafts import salutation
from kontaktfilter.signals.registry import REGISTRY

MAX_WORDS = 120
LINKEDIN_NOTE_LIMIT = 300
"""LinkedIn cuts invitation notes at 300 characters."""


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str  # "fix" or "hint"
    message: str
    """Said in both languages (bilingual.Detail): it reads as the language of the note being
    checked, and an interface shows its reader's."""


def lint_request(
    engine: Engine, text: str, recipient: Profile, platform: str = "other"
) -> tuple[Verdict, list[Finding]]:
    """Judge the draft as its recipient's kontaktfilter would, and say how to make it personal."""
    verdict = engine.score(Request(text=text, recipient=recipient, platform=platform))
    lang = verdict.lang
    findings: list[Finding] = []
    if not text.strip():
        findings.append(Finding("fix", say("Write a note.", "Schreiben Sie eine Nachricht.", lang)))
    for hit in verdict.hits:
        if hit.score > 0 and hit.group != "form":
            findings.append(Finding("fix", _explained(hit, lang)))
    if not any(Role.REASON in hit.roles for hit in verdict.hits):
        findings.append(Finding("fix", _reference_advice(recipient, lang)))
    if "PERS_NO_SALUTATION" in verdict.signal_names and recipient.name:
        greeting = salutation(recipient, verdict.lang)  # the greeting to write: the note's
        advice = say(
            f"Address the person: {greeting}", f"Sprechen Sie die Person an: {greeting}", lang
        )
        findings.append(Finding("hint", advice))
    words = len(text.split())
    if words > MAX_WORDS:
        findings.append(
            Finding(
                "hint",
                say(f"Keep it short ({words} words).", f"Kürzer fassen ({words} Wörter).", lang),
            )
        )
    if platform == "linkedin" and len(text) > LINKEDIN_NOTE_LIMIT:
        limit = LINKEDIN_NOTE_LIMIT
        findings.append(
            Finding(
                "fix",
                say(
                    f"LinkedIn: > {limit} characters ({len(text)}).",
                    f"LinkedIn: > {limit} Zeichen ({len(text)}).",
                    lang,
                ),
            )
        )
    return verdict, findings


def _explained(hit: SignalHit, lang: str | None) -> str:
    """What a suspicious signal found, with its evidence, in both languages."""
    signal = REGISTRY.get(hit.name)
    quoted = "; ".join(f"„{s.text}“" for s in hit.spans) or hit.detail
    en, de = (
        f"{signal.explain(reader) if signal else hit.description}: {in_language(quoted, reader)}"
        for reader in ("en", "de")
    )
    return say(en, de, lang)


def _reference_advice(recipient: Profile, lang: str | None) -> str:
    """Which parts of the recipient's profile the note could refer to, in both languages."""
    said = {}
    for reader, labels, head in (
        (
            "en",
            ("publications", "offers", "seeks", "interests"),
            "Say why exactly this person: refer to something concrete on their profile",
        ),
        (
            "de",
            ("Veröffentlichungen", "Ich biete", "Ich suche", "Interessen"),
            "Sagen Sie, warum genau diese Person: beziehen Sie sich auf Konkretes aus ihrem Profil",
        ),
    ):
        items = (recipient.publications, recipient.offers, recipient.seeks, recipient.interests)
        options = [(label, found) for label, found in zip(labels, items, strict=True) if found]
        said[reader] = (
            head + " – " + "; ".join(f"{label}: {', '.join(f[:3])}" for label, f in options)
            if options
            else head + "."
        )
    return say(said["en"], said["de"], lang)
