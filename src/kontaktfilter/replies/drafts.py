"""Reply drafts in the request's language and formal address, built from the request's own words.

Seed 000 scorns boilerplate acceptance replies that ignore the questions a request asked, so each
draft quotes what fired: the question, the need, the publication, the vague phrase to ask about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from kontaktfilter.config import DEFAULT_POLICY_URL, read_shipped_yaml
from kontaktfilter.model import Action, Profile, Role, SignalHit

MAX_QUOTE_CHARS = 160
MAX_ANSWERED = 3
MAX_NOTE_SCANNED = 20_000
QUESTION = re.compile(r"[^.!?\n]{3,400}\?")
"""A question: up to 400 characters since the last sentence end, ending in "?"."""
GREETING = re.compile(
    r"^(?:hallo|hi|hey|moin|servus|guten (?:tag|morgen|abend)|liebe[rs]?|sehr geehrte[rs]?"
    r"|dear|hello|good (?:morning|afternoon))\b[^,]{0,60},\s*",
    re.IGNORECASE,
)
"""A greeting before the first question ("Guten Tag Frau Berg, hätten Sie ...?"): not quoted."""
ACTION_NOTES = {
    Action.DECLINE_WITH_LINK: "note_decline_link",
    Action.DECLINE_SILENTLY: "note_decline_silently",
    Action.REPORT_SPAM: "note_report_spam",
    Action.HOLD_WAIT: "note_hold_wait",
}


@cache
def _shipped() -> dict[str, Any]:
    return read_shipped_yaml(
        (resources.files("kontaktfilter") / "replies" / "texts.yaml").read_text("utf-8")
    )


def texts(lang: str) -> dict[str, str]:
    return _shipped()["en" if lang == "en" else "de"]


@cache
def _asked_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (kind, re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + ")", re.IGNORECASE))
        for kind, stems in _shipped()["asked"].items()
    )


def asked_for(note: str) -> list[tuple[str, str]]:
    """(kind, question) for each question of the note that asks for a call, a meeting, an
    interview or a sample (at most MAX_ANSWERED, in order): the draft answers each (seed 000:
    a reply that ignores the question is boilerplate)."""
    found: list[tuple[str, str]] = []
    for question in QUESTION.findall(note[:MAX_NOTE_SCANNED]):
        for kind, pattern in _asked_patterns():
            if pattern.search(question):
                found.append((kind, GREETING.sub("", " ".join(question.split()))))
                break
        if len(found) == MAX_ANSWERED:
            break
    return found


NOTE_KEYS = (*ACTION_NOTES.values(), "note_guard")
DRAFTED = frozenset(
    {
        Action.ACCEPT,
        Action.ACCEPT_AND_REPLY,
        Action.ASK_DETAILS,
        Action.HOLD_MEET_FIRST,
        Action.REPLY_ONLY,
        Action.DECLINE_WITH_LINK,
    }
)
"""The actions with a reply: a silent decline, a report and a wait send nothing."""


def note_in(note: str, lang: str) -> str:
    """A note for the user (said in the request's language when it was drafted) in the reader's
    language `lang`; a note it does not know stays as it is."""
    for other in ("de", "en"):
        for key in NOTE_KEYS:
            if texts(other)[key] == note:
                return texts(lang)[key]
    return note


def _quote(lang: str, text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_QUOTE_CHARS:
        text = text[: MAX_QUOTE_CHARS - 1].rstrip() + "…"
    return texts(lang)["quote"].format(text=text)


def salutation(sender: Profile, lang: str) -> str:
    t = texts(lang)
    if sender.surname and sender.gender in ("m", "f"):
        return t[f"salutation_{sender.gender}"].format(surname=sender.surname)
    if sender.name:
        return t["salutation_name"].format(name=sender.name)
    return t["salutation_none"]


def _first(hits: Sequence[SignalHit], name: str) -> SignalHit | None:
    return next((hit for hit in hits if hit.name == name), None)


def _with_role(hits: Sequence[SignalHit], role: Role) -> SignalHit | None:
    return next((hit for hit in hits if role in hit.roles), None)


def _answers(asked: list[tuple[str, str]], lang: str) -> list[str]:
    t = texts(lang)
    return [t[f"asked_{kind}"].format(quote=_quote(lang, question)) for kind, question in asked]


def _personal_body(hits: Sequence[SignalHit], lang: str, asked: list[tuple[str, str]]) -> list[str]:
    t = texts(lang)
    personal = any(h.group == "personal" for h in hits)
    lines = [t["thanks"] if personal or asked else t["thanks_plain"]]
    if publication := _first(hits, "GOOD_PUBLICATION_MATCH"):
        title = publication.detail.split(": ", 1)[-1]
        lines.append(t["publication"].format(quote=_quote(lang, title)))
    elif offer := _first(hits, "GOOD_OFFER_MATCH"):
        lines.append(t["offer"].format(quote=_quote(lang, offer.detail.split(": ", 1)[-1])))
    answered = " ".join(question for _, question in asked)
    for hit in hits:
        if hit.name == "GOOD_CONCRETE_QUESTION" and hit.spans:
            if hit.spans[0].text in answered:
                continue  # answered below by what it asks for
            quote = _quote(lang, hit.spans[0].text + "?")
            lines.append(t["question"].format(quote=quote, answer=t["answer_placeholder"]))
    lines += _answers(asked, lang)
    need = _first(hits, "GOOD_CONCRETE_NEED")
    if need and need.spans:
        lines.append(t["need"].format(quote=_quote(lang, need.spans[0].text)))
    return lines


def _body(
    action: Action,
    hits: Sequence[SignalHit],
    lang: str,
    policy_url: str,
    asked: list[tuple[str, str]],
) -> list[str]:
    t = texts(lang)
    if action is Action.ACCEPT:
        met = _with_role(hits, Role.MET)
        if met is None or not met.spans:
            return []
        return [t["accept_met"].format(quote=_quote(lang, met.spans[0].text))]
    if action is Action.ACCEPT_AND_REPLY:
        honest = _first(hits, "GOOD_HONEST_INTENT")
        personal = [h for h in hits if h.group == "personal"]
        if honest and not personal:
            return [t["honest"].format(answer=t["answer_placeholder"]), *_answers(asked, lang)]
        return _personal_body(hits, lang, asked)
    if action is Action.ASK_DETAILS:
        later = [t["asked_later"].format(quote=_quote(lang, q)) for _, q in asked]
        vague = _with_role(hits, Role.VAGUE)
        if vague is not None and vague.spans:
            return [t["ask_vague"].format(quote=_quote(lang, vague.spans[0].text)), *later]
        question = _first(hits, "GOOD_CONCRETE_QUESTION")
        if question is not None and question.spans:
            return [t["ask_question"].format(quote=_quote(lang, question.spans[0].text + "?"))]
        return [t["ask_open"], *later]
    if action is Action.HOLD_MEET_FIRST:
        return [t["meet_first"]]
    if action is Action.REPLY_ONLY:
        return [t["reply_only"].format(answer=t["answer_placeholder"])]
    if action is Action.DECLINE_WITH_LINK:
        url = t["policy_placeholder"] if policy_url == DEFAULT_POLICY_URL else policy_url
        return [t["decline_link"].format(policy_url=url)]
    return []


def draft_reply(
    action: Action,
    hits: Sequence[SignalHit],
    lang: str,
    sender: Profile,
    recipient: Profile,
    policy_url: str = DEFAULT_POLICY_URL,
    guarded: bool = False,
    text: str = "",
) -> tuple[str | None, str | None]:
    """The reply text for an action (None when the action needs none) and a note for the user;
    `text` is the request's note, whose questions the draft answers."""
    t = texts(lang)
    note_key = "note_guard" if guarded else ACTION_NOTES.get(action)  # one enum hash, not two
    note = t[note_key] if note_key else None
    if action not in DRAFTED:
        return None, note
    body = _body(action, hits, lang, policy_url, asked_for(text) if "?" in text else [])
    if not body:
        return None, note
    closing = t["closing"] + (f"\n{recipient.name}" if recipient.name else "")
    return "\n\n".join([salutation(sender, lang), " ".join(body), closing]), note
