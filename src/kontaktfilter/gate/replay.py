"""Replaying an event stream against the gate's decisions and against fixed caps, and what
both did to each kind of member: recall on collectors and tools, the share of honest members
limited, busy honest senders apart, brigaded members blocked.

Every invitation is checked just before it is applied, with the figures as they stood; the
stream itself is not changed by the decisions (both the gate and the caps are judged on the same
stream, so a limited sender keeps sending here where a real gate would stop them). The note's
own verdict only ever holds an invitation, so the replay leaves it out; notes join the template
index in batches, as they do in the service.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kontaktfilter.gate.decisions import ORDER, SENDER_REASONS, Outcome, check_invitation
from kontaktfilter.gate.events import Event, InvitationSent
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.simulator import BAD_KINDS
from kontaktfilter.gate.templates import NoteTemplates
from kontaktfilter.gate.tracker import Tracker
from kontaktfilter.i18n import Translator, translator
from kontaktfilter.i18n.tables import aligned

REPLAY_COLUMNS = ("kind", "senders", "gate_limited", "blocked", "caps")
"""The replay table's columns (keys of report.replay.*)."""

CHUNK = 5000
"""Events read together: their notes are hashed in one go and join the template index after
the chunk, as the notes of one ingested batch do in the service."""
BUSY_KINDS = ("recruiter", "organiser", "salesperson")
LIMITING = (Outcome.LIMIT, Outcome.BLOCK)


@dataclass(frozen=True, slots=True)
class FixedCaps:
    """The platforms' caps alone, the same for every sender: a weekly number of invitations and
    a cap on open ones, which a withdrawal frees at once. (Their re-invite cooldown refuses one
    recipient, not the sender, so it is no part of this measure, nor of the gate's.)"""

    weekly: int = 100
    pending: int = 200

    def check(self, tracker: Tracker, sender: str, now: datetime) -> Outcome:
        state = tracker.sender_at(sender, now)
        if state.open >= self.pending or len(state.week) >= self.weekly:
            return Outcome.LIMIT
        return Outcome.ALLOW


@dataclass
class Tally:
    """What happened to the members of one kind."""

    senders: set[str] = field(default_factory=set)
    limited: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    reasons: Counter = field(default_factory=Counter)

    def share(self, which: set[str]) -> float:
        return len(which) / len(self.senders) if self.senders else 0.0


@dataclass
class Replay:
    truth: dict[str, str]
    policy: GatePolicy = field(default_factory=GatePolicy)
    caps: FixedCaps = field(default_factory=FixedCaps)
    events: int = 0
    checks: int = 0
    templated: int = 0
    """Invitations whose note the template index placed in a bulk template when checked."""
    gate: dict[str, Tally] = field(default_factory=dict)
    baseline: dict[str, Tally] = field(default_factory=dict)

    def run(self, stream: Iterable[Event]) -> Replay:
        tracker = Tracker(self.policy)
        templates = NoteTemplates(self.policy.window_days, self.policy.template_min_senders)
        events, last = iter(stream), None
        while chunk := list(itertools.islice(events, CHUNK)):
            last = chunk[-1].at
            sent = [e for e in chunk if isinstance(e, InvitationSent) and e.note.strip()]
            # the index answers for the chunk as it stood before it, then takes its notes
            notes = [(e.invitation_id, e.sender, e.note, e.at) for e in sent]
            flags = dict(zip((e.event_id for e in sent), templates.flags(notes), strict=True))
            for event in chunk:
                self.events += 1
                flag = False
                if isinstance(event, InvitationSent):
                    flag = flags.get(event.event_id, False)
                    self._check(tracker, event, flag)
                tracker.apply(event, flag)
        if last is not None:
            self._brigaded_at_the_end(tracker, last)
        return self

    def _brigaded_at_the_end(self, tracker: Tracker, now: datetime) -> None:
        """Brigaded members are judged once more after the last event, with every report of
        the brigade in the window, whether or not they sent anything after it."""
        for member, kind in self.truth.items():
            if kind == "brigaded":
                act = tracker.activity(member, now)
                decision = check_invitation(act, None, self.policy)
                outcome = max(
                    (r.outcome for r in decision.reasons if r.name in SENDER_REASONS),
                    key=ORDER.index,
                    default=Outcome.ALLOW,
                )
                self._record(self.gate, kind, member, outcome, [])
                caps = self.caps.check(tracker, member, now)
                self._record(self.baseline, kind, member, caps, [])

    def _check(self, tracker: Tracker, event: InvitationSent, in_template: bool) -> None:
        self.checks += 1
        kind = self.truth.get(event.sender, "unknown")
        act = tracker.activity(event.sender, event.at)
        pair = tracker.pair(event.sender, event.recipient, event.at)
        decision = check_invitation(act, pair, self.policy, None, in_template)
        limiting = [
            r for r in decision.reasons if r.name in SENDER_REASONS and r.outcome in LIMITING
        ]
        outcome = max((r.outcome for r in limiting), key=ORDER.index, default=Outcome.ALLOW)
        names = [r.name for r in limiting] + [r.name for r in decision.signals]
        self._record(self.gate, kind, event.sender, outcome, names)
        caps = self.caps.check(tracker, event.sender, event.at)
        self._record(self.baseline, kind, event.sender, caps, [])
        self.templated += in_template

    @staticmethod
    def _record(tallies, kind: str, sender: str, outcome: Outcome, reasons: list[str]) -> None:
        tally = tallies.setdefault(kind, Tally())
        tally.senders.add(sender)
        if outcome in LIMITING:
            if sender not in tally.limited:
                tally.reasons.update(reasons)
            tally.limited.add(sender)
        if outcome is Outcome.BLOCK:
            tally.blocked.add(sender)

    def figures(self) -> dict[str, float]:
        """The bars' figures for the gate and for the caps, as shares of senders."""
        result: dict[str, float] = {}
        for name, tallies in (("gate", self.gate), ("caps", self.baseline)):

            def pooled(kinds: Iterable[str], which: str, tallies=tallies) -> float:
                senders = [s for k in kinds if k in tallies for s in tallies[k].senders]
                hit = [s for k in kinds if k in tallies for s in getattr(tallies[k], which)]
                return len(hit) / len(senders) if senders else 0.0

            result[f"{name}_recall_bad"] = pooled(BAD_KINDS, "limited")
            result[f"{name}_recall_collectors_tools"] = pooled(("collector", "tool"), "limited")
            result[f"{name}_honest_limited"] = pooled(("honest",), "limited")
            result[f"{name}_busy_limited"] = pooled(BUSY_KINDS, "limited")
            result[f"{name}_brigaded_blocked"] = pooled(("brigaded",), "blocked")
        return result

    def table(self, lang: str = "en") -> list[str]:
        """Per kind: members who sent, and the share limited (blocked) by the gate and the caps;
        then the figures of `figures()` by their names (the keys of `replay --json`)."""
        t = translator(lang)
        rows = [[t(f"report.replay.{column}") for column in REPLAY_COLUMNS]]
        for kind in sorted(self.gate):
            gate, caps = self.gate[kind], self.baseline[kind]
            rows.append(
                [
                    kind,
                    str(len(gate.senders)),
                    _percent(t, gate.share(gate.limited)),
                    _percent(t, gate.share(gate.blocked)),
                    _percent(t, caps.share(caps.limited)),
                ]
            )
        lines = aligned(rows, (12, 9, 14, 9, 8), left=1)
        lines.append("")
        for name, value in self.figures().items():
            lines.append(f"{name:<32} {_percent(t, value, 2)}")
        return lines


def _percent(t: Translator, share: float, decimals: int = 1) -> str:
    """A share as a percentage in the reader's notation (12.5%, 12,5 % in German)."""
    return t("report.replay.percent", value=t.number(100 * share, decimals))
