"""Behaviour signals per sender, named and explained like the text signals: each looks at one
figure of the sender's sliding window, fires with a strength in [0, 1] and says which figures
made it fire. Their weighted sum is the sender's behaviour risk (decisions.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kontaktfilter.gate.activity import SenderActivity
from kontaktfilter.gate.policies import GatePolicy

CONTACTS_SEEN_AS_COLLECTING = 999
"""Seed 001: "999+" contacts is where a network stops showing the count."""
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True, slots=True)
class GateSignal:
    name: str
    weight: float
    strength: float
    detail: str
    """The figures, e.g. '12 of 40 invitations withdrawn within 7 days'."""

    @property
    def score(self) -> float:
        return round(self.weight * self.strength, 3)


Check = Callable[[SenderActivity, GatePolicy], GateSignal | None]
SIGNALS: list[Check] = []


def _signal(check: Check) -> Check:
    SIGNALS.append(check)
    return check


def _ramp(value: float, start: float, full: float) -> float:
    """0 below `start`, 1 from `full`, linear between."""
    if value <= start:
        return 0.0
    return min(1.0, (value - start) / (full - start))


@_signal
def fast_withdrawals(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Seed 001: collectors withdraw unanswered invitations within days to free the quota."""
    if act.withdrawn_fast < 5 or not act.sent_window:
        return None
    share = act.withdrawn_fast / act.sent_window
    strength = _ramp(share, 0.1, 0.4)
    days = f"{policy.min_days_before_withdrawal:g}"
    detail = f"{act.withdrawn_fast} of {act.sent_window} invitations withdrawn within {days} days"
    return GateSignal("BEH_FAST_WITHDRAWALS", 4.0, strength, detail) if strength else None


@_signal
def withdrawals(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Withdrawing at all, however late, means asking people one did not mean to ask."""
    if act.withdrawn < 10 or not act.sent_window:
        return None
    strength = _ramp(act.withdrawn / act.sent_window, 0.2, 0.6)
    detail = f"{act.withdrawn} of {act.sent_window} invitations withdrawn"
    return GateSignal("BEH_WITHDRAWN_SHARE", 1.5, strength, detail) if strength else None


@_signal
def low_acceptance(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Few of those who answered said yes: the invitations were not wanted."""
    if act.answered < 15:
        return None
    rate = act.accepted / act.answered
    strength = 1.0 - _ramp(rate, 0.1, 0.3)
    detail = f"{act.accepted} of {act.answered} answered invitations accepted"
    return GateSignal("BEH_LOW_ACCEPTANCE", 2.0, strength, detail) if strength else None


@_signal
def reinvites(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Inviting the same person again: tools re-send what was withdrawn or declined."""
    strength = _ramp(act.reinvites, 2, 10)
    detail = f"{act.reinvites} invitations to people invited before in {policy.window_days:g} days"
    return GateSignal("BEH_REINVITES", 2.0, strength, detail) if strength else None


@_signal
def bulk_template(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Seed 001: the same letter from different senders; the template index finds it."""
    if act.template_notes < 5:
        return None
    strength = _ramp(act.template_notes / act.notes, 0.3, 0.8)
    detail = (
        f"{act.template_notes} of {act.notes} notes also sent by "
        f"{policy.template_min_senders}+ other senders"
    )
    return GateSignal("BEH_BULK_TEMPLATE", 3.0, strength, detail) if strength else None


@_signal
def contact_party(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Seed 001: a group's members add each other in bulk in one session."""
    strength = _ramp(act.mutual_in_group, 4, 12)
    detail = (
        f"invitations both ways with {act.mutual_in_group} group co-members within "
        f"{policy.burst_hours:g} hours"
    )
    return GateSignal("BEH_CONTACT_PARTY", 3.5, strength, detail) if strength else None


@_signal
def contacts_for_age(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Seed 001: 999+ contacts, or many contacts on a young profile."""
    if act.contacts is None or act.created is None:
        return None
    months = max((act.now.date() - act.created).days / DAYS_PER_MONTH, 1.0)
    if months > policy.young_profile_months:
        return None
    per_month = act.contacts / months
    strength = max(
        _ramp(per_month, policy.contacts_per_month_limit, 2 * policy.contacts_per_month_limit),
        1.0 if act.contacts >= CONTACTS_SEEN_AS_COLLECTING else 0.0,
    )
    detail = f"{act.contacts} contacts on a profile {months:.1f} months old"
    return GateSignal("BEH_CONTACTS_PER_MONTH", 2.0, strength, detail) if strength else None


@_signal
def invitation_rate(act: SenderActivity, policy: GatePolicy) -> GateSignal | None:
    """Many invitations with few answers yet: speed alone is no fault (recruiters are fast),
    so this weighs little and only adds to other evidence."""
    budget = policy.weekly_budget(act.accepted, act.answered)
    strength = _ramp(act.sent_week / budget, 0.5, 1.0)
    detail = f"{act.sent_week} invitations in 7 days, budget {budget}"
    return GateSignal("BEH_INVITE_RATE", 1.0, strength, detail) if strength else None


def behaviour_signals(act: SenderActivity, policy: GatePolicy) -> list[GateSignal]:
    """Every signal that fires, strongest contribution first."""
    fired = [hit for check in SIGNALS if (hit := check(act, policy)) is not None]
    return sorted(fired, key=lambda hit: -hit.score)
