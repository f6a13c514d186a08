"""A network to try the gate on: honest members, busy honest senders (recruiters, event
organisers, a new salesperson who writes personal notes), collectors, automation tools
(templates, quick withdrawals, re-invites just past the cooldown), contact parties and report
brigades against honest members. It writes the event stream in time order and the truth per
member; `gate replay` and bench/bench_gate.py measure the gate against that truth.

Memory is bounded by the members (their contacts) and the answers still to come, not by the
length of the stream: events are produced a day at a time through a heap of scheduled ones.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kontaktfilter.gate.events import (
    Event,
    GroupJoined,
    InvitationAnswered,
    InvitationSent,
    MessageSent,
    ProfileUpdated,
    Reported,
)
from kontaktfilter.gate.policies import Privacy
from kontaktfilter.gate.simulated_notes import personal_note, template_note

START = datetime(2026, 1, 5)
BAD_KINDS = ("collector", "tool", "party")
"""Members the gate should limit; every other kind is a genuine person."""


@dataclass(frozen=True, slots=True)
class Kind:
    """How one kind of member behaves: invitations per day (and how bursty), notes, what
    recipients answer, withdrawals, re-invites, reports received, messages."""

    name: str
    share: float
    per_day: float
    template_share: float
    note_share: float
    accept: float
    decline: float
    report: float
    withdraw_after: tuple[float, float] | None = None
    """Unanswered invitations are withdrawn after this many days (uniform)."""
    reinvite: float = 0.0
    """Share of withdrawn invitations sent again just after the 21-day cooldown."""
    profile_months: tuple[int, int] = (24, 120)
    contacts: tuple[int, int] = (50, 500)
    burst_every: int = 0
    """Event organisers: all of a week's invitations on one day."""


KINDS = (
    Kind("honest", 0.925, 0.12, 0.0, 0.5, 0.65, 0.12, 0.002),
    Kind("recruiter", 0.008, 4.0, 0.0, 0.9, 0.40, 0.25, 0.004),
    Kind("organiser", 0.004, 4.0, 0.0, 0.7, 0.75, 0.08, 0.002, burst_every=7),
    Kind(
        "salesperson",
        0.004,
        4.0,
        0.0,
        1.0,
        0.28,
        0.40,
        0.01,
        profile_months=(1, 4),
        contacts=(20, 150),
    ),
    Kind("brigaded", 0.004, 0.12, 0.0, 0.5, 0.65, 0.12, 0.002),
    Kind(
        "collector",
        0.03,
        20.0,
        0.7,
        0.8,
        0.20,
        0.40,
        0.04,
        withdraw_after=(1.0, 3.0),
        reinvite=0.1,
        profile_months=(2, 48),
        contacts=(300, 3000),
    ),
    Kind(
        "tool",
        0.015,
        10.0,
        1.0,
        1.0,
        0.15,
        0.35,
        0.03,
        withdraw_after=(1.0, 2.0),
        reinvite=0.3,
        profile_months=(3, 36),
        contacts=(150, 1200),
    ),
    Kind("party", 0.01, 0.2, 0.0, 0.3, 0.6, 0.1, 0.003, contacts=(200, 900)),
)
PARTY_SIZE = 30
PARTY_EVERY = 10
BRIGADE_SIZE = 40
IGNORED_AFTER = 21.0


@dataclass(slots=True)
class Member:
    key: str
    kind: Kind
    created: date
    contacts: list[int]
    groups: tuple[str, ...] = ()


class Network:
    """`events()` yields the stream; `truth` maps each member to their kind."""

    def __init__(self, users: int, days: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.days, self.count = days, 0
        self.members: list[Member] = []
        self.queue: list[tuple[datetime, int, Event | tuple[int, int]]] = []
        self._order = itertools.count()
        kinds = self.rng.choices(KINDS, weights=[k.share for k in KINDS], k=users)
        for index, kind in enumerate(kinds):
            months = self.rng.randint(*kind.profile_months)
            created = (START - timedelta(days=30 * months)).date()
            self.members.append(Member(f"u{index}", kind, created, []))
        self.by_kind: dict[str, list[int]] = {}
        for index, member in enumerate(self.members):
            self.by_kind.setdefault(member.kind.name, []).append(index)
        self.honest = self.by_kind.get("honest", [0])
        self.truth = {m.key: m.kind.name for m in self.members}

    def _id(self) -> str:
        self.count += 1
        return f"s{self.count}"

    def _push(self, event: Event) -> None:
        heapq.heappush(self.queue, (event.at, next(self._order), event))

    def _setup(self) -> None:
        groups = max(len(self.members) // 200, 1)
        parties = self.by_kind.get("party", [])
        for index, member in enumerate(self.members):
            privacy = self.rng.choice(tuple(Privacy))
            self._push(
                ProfileUpdated.model_construct(
                    event_id=self._id(),
                    kind="profile_updated",
                    at=START,
                    user=member.key,
                    created=member.created,
                    contacts=self.rng.randint(*member.kind.contacts),
                    privacy=privacy,
                )
            )
            mine = {f"g{self.rng.randrange(groups)}" for _ in range(self.rng.randint(0, 3))}
            if member.kind.name == "party":
                mine.add(f"party{parties.index(index) // PARTY_SIZE}")
            member.groups = tuple(sorted(mine))
            for group in member.groups:
                self._push(
                    GroupJoined.model_construct(
                        event_id=self._id(),
                        kind="group_joined",
                        at=START,
                        user=member.key,
                        group=group,
                    )
                )

    def _note(self, kind: Kind, recipient: Member) -> str:
        rng = self.rng
        if rng.random() >= kind.note_share:
            return ""
        name = f"Frau {recipient.key.upper()}" if rng.random() < 0.5 else recipient.key
        if rng.random() < kind.template_share:
            return template_note(rng, name)
        return personal_note(rng, name)

    def _invite(self, sender: int, recipient: int, at: datetime, reinvite: bool = True) -> None:
        rng, member, target = self.rng, self.members[sender], self.members[recipient]
        kind = member.kind
        key = self._id()
        self._push(
            InvitationSent.model_construct(
                event_id=key,
                kind="invitation_sent",
                at=at,
                invitation_id=key,
                sender=member.key,
                recipient=target.key,
                note=self._note(kind, target),
            )
        )
        roll = rng.random()
        answer_at = at + timedelta(days=rng.expovariate(1 / 2.0))
        if roll < kind.accept:
            outcome = "accepted"
        elif roll < kind.accept + kind.decline:
            outcome = "declined"
        else:
            outcome, answer_at = "ignored", at + timedelta(days=IGNORED_AFTER)
        if kind.withdraw_after:
            withdraw_at = at + timedelta(days=rng.uniform(*kind.withdraw_after))
            if withdraw_at < answer_at:
                outcome, answer_at = "withdrawn", withdraw_at
                if reinvite and rng.random() < kind.reinvite:
                    again = withdraw_at + timedelta(days=21.2 + rng.random())
                    heapq.heappush(self.queue, (again, next(self._order), (sender, recipient)))
        comment = "Danke, kein Bedarf." if outcome == "declined" and rng.random() < 0.3 else ""
        self._push(
            InvitationAnswered.model_construct(
                event_id=self._id(),
                kind=f"invitation_{outcome}",
                at=answer_at,
                invitation_id=key,
                comment=comment,
            )
        )
        if outcome == "accepted":
            member.contacts.append(recipient)
            target.contacts.append(sender)
        if outcome != "accepted" and rng.random() < kind.report / (1 - kind.accept):
            self._push(
                Reported.model_construct(
                    event_id=self._id(),
                    kind="reported",
                    at=answer_at,
                    reporter=target.key,
                    reported=member.key,
                )
            )

    def _day(self, today: int) -> None:
        rng, base = self.rng, START + timedelta(days=today)
        for index, member in enumerate(self.members):
            kind = member.kind
            if kind.burst_every and today % kind.burst_every:
                continue
            rate = kind.per_day * (kind.burst_every or 1)
            for _ in range(_poisson(rng, rate)):
                at = base + timedelta(seconds=rng.randrange(86_400))
                recipient = rng.randrange(len(self.members))
                if recipient != index:
                    self._invite(index, recipient, at)
            if member.contacts and rng.random() < 0.15:
                at = base + timedelta(seconds=rng.randrange(86_400))
                self._push(
                    MessageSent.model_construct(
                        event_id=self._id(),
                        kind="message_sent",
                        at=at,
                        sender=member.key,
                        recipient=self.members[rng.choice(member.contacts)].key,
                    )
                )
        if today % PARTY_EVERY == 3:
            self._party(base)
        if today % 7 == 2:
            self._brigade(base, today)

    def _party(self, base: datetime) -> None:
        """Every party member invites every other member of the party within a few hours."""
        parties = self.by_kind.get("party", [])
        for start in range(0, len(parties), PARTY_SIZE):
            group = parties[start : start + PARTY_SIZE]
            for sender in group:
                for recipient in group:
                    if recipient != sender and self.rng.random() < 0.6:
                        at = base + timedelta(hours=18 + self.rng.random() * 4)
                        self._invite(sender, recipient, at)

    def _brigade(self, base: datetime, today: int) -> None:
        """A ring of accounts made the day before (and a few old ones the targets never met)
        reports honest members, 40 reports each within the hour; every brigaded member is a
        target once, spread over the weeks of the simulation."""
        brigaded = self.by_kind.get("brigaded", [])
        rounds = len(range(2, self.days, 7))
        if not brigaded or not rounds:
            return
        size = -(-len(brigaded) // rounds)
        targets = brigaded[(today // 7) * size : (today // 7 + 1) * size]
        for n in range(BRIGADE_SIZE):
            key, old = f"b{today}_{n}", n % 4 == 0
            self.truth[key] = "brigade"
            at = base + timedelta(minutes=n)
            created = (base - timedelta(days=400 if old else 1)).date()
            self._push(
                ProfileUpdated.model_construct(
                    event_id=self._id(),
                    kind="profile_updated",
                    at=at,
                    user=key,
                    created=created,
                    contacts=3,
                    privacy=Privacy.EVERYONE,
                )
            )
            for target in targets:
                self._push(
                    Reported.model_construct(
                        event_id=self._id(),
                        kind="reported",
                        at=at + timedelta(seconds=30),
                        reporter=key,
                        reported=self.members[target].key,
                    )
                )

    def events(self) -> Iterator[Event]:
        """The stream in time order, one simulated day produced at a time."""
        self._setup()
        for today in range(self.days):
            self._day(today)
            end = START + timedelta(days=today + 1)
            while self.queue and self.queue[0][0] < end:
                at, _, item = heapq.heappop(self.queue)
                if isinstance(item, tuple):  # a re-invite falls due
                    self._invite(item[0], item[1], at, reinvite=False)
                    continue
                yield item


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: rates here are small, and random.Random has no Poisson."""
    limit, count, product = pow(2.718281828459045, -rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
