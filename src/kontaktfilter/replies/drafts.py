"""Reply drafts in the request's language and formal address, built from the request's own words.

Seed 000 scorns boilerplate acceptance replies that ignore the questions a request asked, so each
draft quotes what fired: the question, the need, the publication, the vague phrase to ask about.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

from kontaktfilter.config import DEFAULT_POLICY_URL, read_shipped_yaml
from kontaktfilter.model import Action, Profile, Role, SignalHit

MAX_QUOTE_CHARS = 160
ACTION_NOTES = {
    Action.DECLINE_WITH_LINK: "note_decline_link",
    Action.DECLINE_SILENTLY: "note_decline_silently",
    Action.REPORT_SPAM: "note_report_spam",
    Action.HOLD_WAIT: "note_hold_wait",
}


@cache
def texts(lang: str) -> dict[str, str]:
    data = read_shipped_yaml(
        (resources.files("kontaktfilter") / "replies" / "texts.yaml").read_text("utf-8")
    )
    return data["en" if lang == "en" else "de"]


NOTE_KEYS = (*ACTION_NOTES.values(), "note_guard")


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


def _personal_body(hits: Sequence[SignalHit], lang: str) -> list[str]:
    t = texts(lang)
    lines = [t["thanks"]]
    if publication := _first(hits, "GOOD_PUBLICATION_MATCH"):
        title = publication.detail.split(": ", 1)[-1]
        lines.append(t["publication"].format(quote=_quote(lang, title)))
    elif offer := _first(hits, "GOOD_OFFER_MATCH"):
        lines.append(t["offer"].format(quote=_quote(lang, offer.detail.split(": ", 1)[-1])))
    for hit in hits:
        if hit.name == "GOOD_CONCRETE_QUESTION" and hit.spans:
            quote = _quote(lang, hit.spans[0].text + "?")
            lines.append(t["question"].format(quote=quote, answer=t["answer_placeholder"]))
    need = _first(hits, "GOOD_CONCRETE_NEED")
    if need and need.spans:
        lines.append(t["need"].format(quote=_quote(lang, need.spans[0].text)))
    return lines


def _body(action: Action, hits: Sequence[SignalHit], lang: str, policy_url: str) -> list[str]:
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
            return [t["honest"].format(answer=t["answer_placeholder"])]
        return _personal_body(hits, lang)
    if action is Action.ASK_DETAILS:
        vague = _with_role(hits, Role.VAGUE)
        if vague is not None and vague.spans:
            return [t["ask_vague"].format(quote=_quote(lang, vague.spans[0].text))]
        question = _first(hits, "GOOD_CONCRETE_QUESTION")
        if question is not None and question.spans:
            return [t["ask_question"].format(quote=_quote(lang, question.spans[0].text + "?"))]
        return [t["ask_open"]]
    if action is Action.HOLD_MEET_FIRST:
        return [t["meet_first"]]
    if action is Action.REPLY_ONLY:
        return [t["reply_only"].format(answer=t["answer_placeholder"])]
    if action is Action.DECLINE_WITH_LINK:
        return [t["decline_link"].format(policy_url=policy_url)]
    return []


def draft_reply(
    action: Action,
    hits: Sequence[SignalHit],
    lang: str,
    sender: Profile,
    recipient: Profile,
    policy_url: str = DEFAULT_POLICY_URL,
    guarded: bool = False,
) -> tuple[str | None, str | None]:
    """The reply text for an action (None when the action needs none) and a note for the user."""
    t = texts(lang)
    note_key = "note_guard" if guarded else ACTION_NOTES.get(action)  # one enum hash, not two
    note = t[note_key] if note_key else None
    body = _body(action, hits, lang, policy_url)
    if not body:
        return None, note
    closing = t["closing"] + (f"\n{recipient.name}" if recipient.name else "")
    return "\n\n".join([salutation(sender, lang), " ".join(body), closing]), note
