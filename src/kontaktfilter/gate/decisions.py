"""Decisions out: may this invitation be sent (allow, hold, limit, block), may this member
message that one. Pure functions of the figures (activity.py) and the policy, so the service
and the replay decide alike, and every decision carries its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from kontaktfilter.gate.activity import PairFacts, SenderActivity
from kontaktfilter.gate.policies import GatePolicy, Privacy
from kontaktfilter.gate.reputation import fires, reputation
from kontaktfilter.gate.signals import behaviour_signals
from kontaktfilter.model import Category, Verdict

HELD_CATEGORIES = frozenset({Category.COLLECTOR, Category.SPAM})
"""A note the engine reads as collecting or spam is held for the recipient's screener."""


class Outcome(StrEnum):
    ALLOW = "allow"
    HOLD = "hold"
    """Delivered to a held folder, not as a notification: the recipient decides later."""
    LIMIT = "limit"
    """Not now: a cap or budget is reached, or the sender's behaviour asks for a pause."""
    BLOCK = "block"
    """Not at all: a cooldown, a recipient who reported the sender, or a sender blocked."""


ORDER = (Outcome.ALLOW, Outcome.HOLD, Outcome.LIMIT, Outcome.BLOCK)
SENDER_REASONS = frozenset({"PENDING_CAP", "WEEKLY_BUDGET", "BEHAVIOUR_RISK", "REPUTATION"})
"""Reasons about the sender as a whole; the others refuse one recipient (a cooldown, an open
invitation, a report) or hold one note."""


@dataclass(frozen=True, slots=True)
class Reason:
    name: str
    outcome: Outcome
    detail: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    risk: float
    signals: tuple[Reason, ...] = field(default=())
    """Every behaviour signal that fired, also those below the thresholds."""


def _at_least(outcome: Outcome, reasons: list[Reason]) -> Outcome:
    worst = max((ORDER.index(reason.outcome) for reason in reasons), default=0)
    return ORDER[max(worst, ORDER.index(outcome))]


def _pair_reasons(pair: PairFacts, now: datetime, policy: GatePolicy) -> list[Reason]:
    reasons = []
    if pair.recipient_reported_sender:
        reasons.append(
            Reason("RECIPIENT_REPORTED_SENDER", Outcome.BLOCK, "the recipient reported the sender")
        )
    if pair.pending_to_recipient:
        reasons.append(Reason("ALREADY_PENDING", Outcome.BLOCK, "an invitation to them is open"))
    if pair.connected:
        reasons.append(Reason("ALREADY_CONNECTED", Outcome.BLOCK, "they are contacts already"))
    cooldown = timedelta(days=policy.reinvite_cooldown_days)
    if pair.last_closed_at is not None and now - pair.last_closed_at < cooldown:
        days = (now - pair.last_closed_at).total_seconds() / 86400
        detail = (
            f"declined or withdrawn {days:.1f} days ago; "
            f"re-invite after {policy.reinvite_cooldown_days:g}"
        )
        reasons.append(Reason("REINVITE_COOLDOWN", Outcome.BLOCK, detail))
    return reasons


def _sender_reasons(act: SenderActivity, policy: GatePolicy) -> tuple[list[Reason], float, list]:
    reasons = []
    if act.pending >= policy.pending_cap:
        detail = f"{act.pending} open invitations, cap {policy.pending_cap}"
        reasons.append(Reason("PENDING_CAP", Outcome.LIMIT, detail))
    budget = policy.weekly_budget(act.accepted, act.answered)
    if act.sent_week >= budget:
        detail = (
            f"{act.sent_week} sent in 7 days, budget {budget} "
            f"at {act.accepted} of {act.answered} accepted"
        )
        reasons.append(Reason("WEEKLY_BUDGET", Outcome.LIMIT, detail))
    fired = behaviour_signals(act, policy)
    risk = round(sum(hit.score for hit in fired), 3)
    if risk >= policy.risk_limit:
        outcome = Outcome.BLOCK if risk >= policy.risk_block else Outcome.LIMIT
        names = ", ".join(hit.name for hit in fired)
        reasons.append(Reason("BEHAVIOUR_RISK", outcome, f"risk {risk:g} from {names}", risk))
    rep = reputation(act, policy)
    if fires(rep, policy):
        outcome = Outcome.BLOCK if rep.share >= policy.reputation_block else Outcome.LIMIT
        reasons.append(Reason("REPUTATION", outcome, rep.detail(), rep.share))
    return reasons, risk, fired


def check_invitation(
    act: SenderActivity,
    pair: PairFacts | None,
    policy: GatePolicy,
    verdict: Verdict | None = None,
    in_template: bool = False,
) -> Decision:
    """The invitation's outcome is the worst of its reasons: the pair (cooldown, reports), the
    sender (caps, budget, behaviour risk, reputation), then the note (held, never refused, for
    its words alone: the recipient's screener decides on words)."""
    reasons = _pair_reasons(pair, act.now, policy) if pair else []
    sender, risk, fired = _sender_reasons(act, policy)
    reasons += sender
    if verdict is not None and verdict.category in HELD_CATEGORIES:
        names = ", ".join(verdict.signal_names[:5])
        reasons.append(Reason("NOTE_VERDICT", Outcome.HOLD, f"{verdict.category}: {names}"))
    if in_template:
        detail = f"note also sent by {policy.template_min_senders}+ other senders"
        reasons.append(Reason("NOTE_IN_TEMPLATE", Outcome.HOLD, detail))
    signals = tuple(Reason(hit.name, Outcome.ALLOW, hit.detail, hit.score) for hit in fired)
    return Decision(_at_least(Outcome.ALLOW, reasons), tuple(reasons), risk, signals)


@dataclass(frozen=True, slots=True)
class MessageDecision:
    allowed: bool
    reason: str
    detail: str


def check_message(pair: PairFacts, via: str = "direct") -> MessageDecision:
    """The recipient's privacy setting holds on every path: a decline (with or without a
    comment), a withdrawn or pending invitation and a shared group grant nothing. Only a
    contact, a contact of a contact where the setting allows it, or a message the recipient
    sent first opens the way; a member who reported the sender is never reachable by them."""
    if pair.recipient_reported_sender:
        return MessageDecision(False, "RECIPIENT_REPORTED_SENDER", "the recipient reported you")
    if pair.connected:
        return MessageDecision(True, "CONTACTS", "you are contacts")
    if pair.recipient_messaged_sender:
        return MessageDecision(True, "RECIPIENT_WROTE_FIRST", "the recipient messaged you first")
    setting = Privacy(pair.privacy)
    if setting is Privacy.EVERYONE:
        return MessageDecision(True, "SETTING_EVERYONE", f"the recipient accepts messages ({via})")
    if setting is Privacy.CONTACTS_OF_CONTACTS and pair.shared_contact:
        return MessageDecision(True, "CONTACT_OF_CONTACT", "you share a contact")
    return MessageDecision(
        False, "PRIVACY_SETTING", f"the recipient accepts messages only from {setting.value}"
    )
