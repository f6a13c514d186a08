"""A sender's reputation, pooled from recipients' declines and reports and robust to abuse:
each complainer counts once and by their own standing (account age, their own invitations'
acceptance), a complaint from someone the sender never approached counts nothing, and silence
(pending, ignored) counts nothing. A burst of reports from new accounts (a brigade) therefore
weighs next to nothing however large it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kontaktfilter.gate.activity import Complaint, SenderActivity
from kontaktfilter.gate.policies import GatePolicy

NEUTRAL_STANDING = 0.5
"""The acceptance part of the standing of someone who never had an invitation answered."""
BOUND_MARGIN = 1e-9
"""`may_decide` raises its bound by this share: far above the error of adding a few thousand
standings in floating point, far below the rounding to three places that `fires` reads."""


@dataclass(frozen=True, slots=True)
class Reputation:
    complaints: float
    """Weighted complaints (reports 1, declines `decline_weight`, each times its standing)."""
    accepted: int
    share: float
    """complaints / (complaints + accepted + 1): the weighted share of bad answers."""
    complainers: int

    def detail(self) -> str:
        return (
            f"{self.complaints:.2f} weighted complaints from {self.complainers} people, "
            f"{self.accepted} acceptances: bad share {self.share:.2f}"
        )


def standing(complaint: Complaint, now: datetime, policy: GatePolicy) -> float:
    """How much one complainer's word weighs, in [0, 1]."""
    if not complaint.had_contact:
        return 0.0
    if complaint.reporter_created is None:
        age = 0.0
    else:
        age = max((now.date() - complaint.reporter_created).days, 0)
    age_part = min(1.0, age / policy.reporter_full_standing_days)
    if complaint.reporter_answered:
        own = complaint.reporter_accepted / complaint.reporter_answered
    else:
        own = NEUTRAL_STANDING
    return age_part * (0.5 + 0.5 * own)


def reputation(act: SenderActivity, policy: GatePolicy) -> Reputation:
    weight = 0.0
    for complaint in act.complaints:
        kind_weight = 1.0 if complaint.kind == "report" else policy.decline_weight
        weight += kind_weight * standing(complaint, act.now, policy)
    return _pooled(weight, act.accepted, len(act.complaints))


def _pooled(weight: float, accepted: int, complainers: int) -> Reputation:
    share = weight / (weight + accepted + 1.0)
    return Reputation(round(weight, 3), accepted, round(share, 3), complainers)


def fires(rep: Reputation, policy: GatePolicy) -> bool:
    """Whether the reputation limits the sender (decisions.py's REPUTATION reason)."""
    return rep.complaints >= policy.reputation_min_weight and rep.share >= policy.reputation_limit


def may_decide(reporters: int, declined: int, accepted: int, policy: GatePolicy) -> bool:
    """Whether complaints this many could make the reputation limit the sender: only then does
    a check need to read who complained (a busy sender's hundred complainers and each one's own
    invitations). A standing is at most 1, so no complainers weigh more than every reporter
    at 1 and every declined invitation at `decline_weight`; the share grows with the weight,
    and rounding keeps that order, so below this bound the reputation cannot fire. The bound is
    raised by a hair against the rounding of the sum of standings."""
    bound = (reporters + declined * policy.decline_weight) * (1 + BOUND_MARGIN)
    return fires(_pooled(bound, accepted, reporters + declined), policy)
