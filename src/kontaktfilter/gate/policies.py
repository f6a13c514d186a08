"""The gate's policies: one frozen settings table (name, default, why) that an operator can
override per field. Every figure a decision compares against lives here, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from kontaktfilter.bilingual import say_with


class Privacy(StrEnum):
    """Who may message a member: the member's own setting, enforced on every path."""

    EVERYONE = "everyone"
    CONTACTS_OF_CONTACTS = "contacts_of_contacts"
    CONTACTS_ONLY = "contacts_only"


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """Defaults come from the seeds (001: 7 days before a withdrawal) and the platforms' own
    caps (LinkedIn: re-invites blocked for three weeks); docs/gate.md lists them all."""

    pending_cap: int = 200
    """Open invitations a sender may have at once; an invitation withdrawn before
    `min_days_before_withdrawal` keeps its slot until then, so quick withdrawals do not free
    the quota (seed 001)."""
    min_days_before_withdrawal: float = 7.0
    """Seed 001 (XING since May 2014): a withdrawal before this age does not free its slot."""
    reinvite_cooldown_days: float = 21.0
    """After a decline or a withdrawal the same recipient cannot be invited again for this long."""
    weekly_budget_base: int = 30
    """Invitations per 7 days for a sender without answered invitations yet."""
    weekly_budget_max: int = 200
    """The budget at an acceptance rate of 100 %; it grows linearly with the smoothed rate."""
    acceptance_prior: float = 2.0
    """Pseudo-answers (half accepted) that smooth the acceptance rate of a new sender."""
    window_days: float = 30.0
    """The sliding window of the behaviour signals."""
    burst_hours: float = 48.0
    """Mutual invitations inside a group within this many hours form a contact party."""
    template_min_senders: int = 3
    """A note is in a bulk template when this many other senders sent a near-copy."""
    young_profile_months: float = 12.0
    """Contacts per month of profile age are judged on profiles up to this age."""
    contacts_per_month_limit: float = 80.0
    """More contacts per month of profile age than this on a young profile is collecting."""
    reporter_full_standing_days: float = 90.0
    """A reporter's account reaches full weight at this age; a day-old account weighs 1/90."""
    decline_weight: float = 0.25
    """A decline weighs this much of a report: it says 'not for me', not 'abuse'."""
    reputation_limit: float = 0.5
    """Limit a sender when the weighted share of bad answers reaches this ..."""
    reputation_block: float = 0.75
    """... and block at this share ..."""
    reputation_min_weight: float = 3.0
    """... once weighted complaints reach this much, so that one voice never decides."""
    risk_limit: float = 3.0
    """Sum of behaviour-signal scores at which a sender is limited ..."""
    risk_block: float = 6.0
    """... and blocked."""
    reply_window_days: float = 30.0
    """A member who messaged someone lets them answer for this long (a message, never a
    decline comment, a note or a withdrawn invitation)."""

    def weekly_budget(self, accepted: int, answered: int) -> int:
        """The budget grows with the acceptance rate, smoothed so that a first decline or two do
        not shrink a new sender's budget and a first acceptance does not open the flood."""
        rate = (accepted + self.acceptance_prior / 2) / (answered + self.acceptance_prior)
        return int(
            self.weekly_budget_base + (self.weekly_budget_max - self.weekly_budget_base) * rate
        )

    def with_overrides(self, overrides: dict[str, Any]) -> GatePolicy:
        """The policy with some fields changed; an unknown name or a bad value names the field."""
        known = {field.name: field for field in fields(self)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                raise ValueError(
                    say_with(
                        "gate policy: unknown setting {name}",
                        "Gate-Richtlinie: unbekannte Einstellung {name}",
                        name=repr(name),
                    )
                )
            default = getattr(self, name)
            try:
                number = type(default)(value)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    say_with(
                        "gate policy {name}: not a number: {value}",
                        "Gate-Richtlinie {name}: keine Zahl: {value}",
                        name=name,
                        value=repr(value),
                    )
                ) from exc
            if number < 0:
                raise ValueError(
                    say_with(
                        "gate policy {name}: must not be negative",
                        "Gate-Richtlinie {name}: darf nicht negativ sein",
                        name=name,
                    )
                )
            changes[name] = number
        return replace(self, **changes)


def documented_defaults() -> list[tuple[str, Any]]:
    """(name, default) of every policy, in the order docs/gate.md lists them."""
    policy = GatePolicy()
    return [(field.name, getattr(policy, field.name)) for field in fields(policy)]


DEFAULT_PRIVACY = Privacy.CONTACTS_OF_CONTACTS
"""A member who never chose a setting: contacts and their contacts may write, strangers not."""
