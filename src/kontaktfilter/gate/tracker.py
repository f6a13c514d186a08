"""The figures of every sender kept in memory as the stream goes by, for replaying a simulated
network quickly: the same definitions as the SQL of queries.py (a test holds the two to equal
figures), kept up to date per event and pruned to the window, so memory follows the members and
the window, not the length of the stream."""

from __future__ import annotations

import heapq
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kontaktfilter.gate.activity import Complaint, PairFacts, SenderActivity
from kontaktfilter.gate.events import (
    Event,
    GroupJoined,
    InvitationAnswered,
    InvitationSent,
    MessageSent,
    ProfileUpdated,
    Reported,
)
from kontaktfilter.gate.policies import DEFAULT_PRIVACY, GatePolicy
from kontaktfilter.gate.store import STATES

COMPLAINTS_TTL = timedelta(hours=6)


@dataclass(slots=True)
class Invitation:
    key: str
    sender: str
    recipient: str
    sent_at: datetime
    has_note: bool
    in_template: bool
    state: str = "pending"
    closed_at: datetime | None = None
    in_window: bool = True


@dataclass(slots=True)
class Sender:
    window: deque = field(default_factory=deque)
    week: deque = field(default_factory=deque)
    open: int = 0
    withdrawn_recent: list = field(default_factory=list)
    """A heap of the sending times of invitations withdrawn too soon to free their slot."""
    counts: Counter = field(default_factory=Counter)
    recipients: dict = field(default_factory=dict)
    """recipient -> the times sent to them in the window, oldest first: a list, not a deque,
    as nearly every one holds one time (an empty deque takes 760 bytes, a list of one 64)."""
    mutual: dict = field(default_factory=dict)  # co-member -> time the pair formed
    decliners: Counter = field(default_factory=Counter)
    reporters: dict = field(default_factory=dict)  # reporter -> time of the first report
    messaged: dict = field(default_factory=dict)  # recipient -> last message
    oldest: datetime = datetime.max
    """No time in mutual, reporters or messaged is older: a prune that would drop nothing
    from them need not read them (a collector's tables are read at every check)."""
    complaints: tuple | None = None  # (computed at, complaints)

    def noted(self, table: dict, key: str, at: datetime) -> None:
        """Set one of the three timed tables, keeping `oldest` true."""
        table[key] = at
        self.oldest = min(self.oldest, at)


class Tracker:
    def __init__(self, policy: GatePolicy) -> None:
        self.policy = policy
        self.window = timedelta(days=policy.window_days)
        self.senders: dict[str, Sender] = {}
        self.invitations: dict[str, Invitation] = {}
        self.profiles: dict[str, dict] = {}
        self.groups: dict[str, set[str]] = {}
        self.connections: set[tuple[str, str]] = set()
        self.reported_by: set[tuple[str, str]] = set()  # (reporter, reported)

    def _sender(self, key: str) -> Sender:
        sender = self.senders.get(key)
        if sender is None:
            sender = self.senders[key] = Sender()
        return sender

    def apply(self, event: Event, in_template: bool = False) -> None:
        if isinstance(event, InvitationSent):
            self._sent(event, in_template)
        elif isinstance(event, InvitationAnswered):
            self._answered(event)
        elif isinstance(event, Reported):
            reported = self._sender(event.reported)
            first = min(event.at, reported.reporters.get(event.reporter, event.at))
            reported.noted(reported.reporters, event.reporter, first)
            self.reported_by.add((event.reporter, event.reported))
        elif isinstance(event, MessageSent):
            sender = self._sender(event.sender)
            last = max(event.at, sender.messaged.get(event.recipient, event.at))
            sender.noted(sender.messaged, event.recipient, last)
        elif isinstance(event, ProfileUpdated):
            profile = self.profiles.setdefault(event.user, {})
            for name in ("created", "contacts", "privacy"):
                if (value := getattr(event, name)) is not None:
                    profile[name] = value
        elif isinstance(event, GroupJoined):
            self.groups.setdefault(event.user, set()).add(event.group)

    def _sent(self, event: InvitationSent, in_template: bool) -> None:
        sender = self._sender(event.sender)
        self._prune(sender, event.at)
        has_note = bool(event.note.strip())
        record = Invitation(
            event.invitation_id, event.sender, event.recipient, event.at, has_note, in_template
        )
        self.invitations[event.invitation_id] = record
        sender.window.append(record)
        sender.week.append(event.at)
        sender.open += 1
        sender.counts.update(notes=has_note, template=has_note and in_template)
        times = sender.recipients.get(event.recipient)
        if times is None:
            sender.recipients[event.recipient] = [event.at]
        else:
            sender.counts["reinvites"] += 1
            times.append(event.at)
        back = self.senders.get(event.recipient)
        burst = timedelta(hours=self.policy.burst_hours)
        if back and (theirs := back.recipients.get(event.sender)):
            near = [t for t in theirs if abs(t - event.at) <= burst]
            shared = self.groups.get(event.sender, set()) & self.groups.get(event.recipient, set())
            if near and shared:
                formed = min(near[-1], event.at)
                sender.noted(sender.mutual, event.recipient, formed)
                back.noted(back.mutual, event.sender, formed)

    def _answered(self, event: InvitationAnswered) -> None:
        record = self.invitations.get(event.invitation_id)
        if record is None or record.state != "pending":
            return
        record.state, record.closed_at = STATES[event.kind], event.at
        sender = self._sender(record.sender)
        sender.open -= 1
        if record.state == "withdrawn":
            heapq.heappush(sender.withdrawn_recent, record.sent_at)
        if record.state == "accepted":
            self.connections.update(
                {(record.sender, record.recipient), (record.recipient, record.sender)}
            )
        if record.in_window:
            self._count(sender, record, 1)
        else:  # answered and out of the window: nothing will read it again
            del self.invitations[record.key]

    def _count(self, sender: Sender, record: Invitation, sign: int) -> None:
        """Add (or, leaving the window, remove) an answered invitation's part of the counts."""
        state = record.state
        sender.counts[state] += sign
        fast = timedelta(days=self.policy.min_days_before_withdrawal)
        if state == "withdrawn" and record.closed_at - record.sent_at < fast:
            sender.counts["withdrawn_fast"] += sign
        if state == "declined":
            sender.decliners[record.recipient] += sign
            if not sender.decliners[record.recipient]:
                del sender.decliners[record.recipient]

    def _prune(self, sender: Sender, now: datetime) -> None:
        start = now - self.window
        while sender.window and sender.window[0].sent_at <= start:
            record = sender.window.popleft()
            record.in_window = False
            sender.counts["notes"] -= record.has_note
            sender.counts["template"] -= record.has_note and record.in_template
            if record.state != "pending":
                self._count(sender, record, -1)
                del self.invitations[record.key]
            times = sender.recipients[record.recipient]
            del times[0]
            if times:
                sender.counts["reinvites"] -= 1
            else:
                del sender.recipients[record.recipient]
        week = now - timedelta(days=7)
        while sender.week and sender.week[0] <= week:
            sender.week.popleft()
        hold = now - timedelta(days=self.policy.min_days_before_withdrawal)
        recent = sender.withdrawn_recent
        while recent and recent[0] <= hold:
            heapq.heappop(recent)
        if sender.oldest <= start:
            tables = (sender.mutual, sender.reporters, sender.messaged)
            for table in tables:
                for key in [k for k, t in table.items() if t <= start]:
                    del table[key]
            sender.oldest = min(
                (t for table in tables for t in table.values()), default=datetime.max
            )

    def sender_at(self, key: str, now: datetime) -> Sender:
        """The sender's state with the window moved to `now`."""
        sender = self._sender(key)
        self._prune(sender, now)
        return sender

    def activity(self, key: str, now: datetime) -> SenderActivity:
        sender = self.sender_at(key, now)
        counts = sender.counts
        profile = self.profiles.get(key, {})
        return SenderActivity(
            now=now,
            sent_window=len(sender.window),
            sent_week=len(sender.week),
            pending=sender.open + len(sender.withdrawn_recent),
            accepted=counts["accepted"],
            declined=counts["declined"],
            withdrawn=counts["withdrawn"],
            withdrawn_fast=counts["withdrawn_fast"],
            reinvites=counts["reinvites"],
            notes=counts["notes"],
            template_notes=counts["template"],
            mutual_in_group=len(sender.mutual),
            contacts=profile.get("contacts"),
            created=profile.get("created"),
            complaints=self._complaints(key, sender, now),
        )

    def _complaints(self, key: str, sender: Sender, now: datetime) -> tuple[Complaint, ...]:
        """Recomputed at most once per COMPLAINTS_TTL of stream time per sender: a collector's
        hundreds of decliners would otherwise be weighed again at each of its invitations."""
        cached = sender.complaints
        if cached is not None and now - cached[0] < COMPLAINTS_TTL:
            return cached[1]
        kinds = dict.fromkeys(sender.decliners, "decline")
        kinds.update(dict.fromkeys(sender.reporters, "report"))
        complaints = []
        for person in sorted(kinds):
            own = self.senders.get(person)
            if own is not None:
                self._prune(own, now)
            accepted = own.counts["accepted"] if own else 0
            answered = accepted + (own.counts["declined"] if own else 0)
            contact = person in sender.recipients or person in sender.messaged
            created: date | None = self.profiles.get(person, {}).get("created")
            complaints.append(Complaint(kinds[person], created, accepted, answered, contact))
        sender.complaints = (now, tuple(complaints))
        return sender.complaints[1]

    def pair(self, sender: str, recipient: str, now: datetime) -> PairFacts:
        """Enough of the pair for the invitation check (the message check reads the store)."""
        mine = self._sender(sender)
        closed = (
            [
                r.closed_at
                for r in mine.window
                if r.recipient == recipient and r.state in ("declined", "withdrawn")
            ]
            if recipient in mine.recipients
            else []
        )
        pending = (
            any(r.recipient == recipient and r.state == "pending" for r in mine.window)
            if recipient in mine.recipients
            else False
        )
        return PairFacts(
            privacy=self.profiles.get(recipient, {}).get("privacy", DEFAULT_PRIVACY),
            connected=(sender, recipient) in self.connections,
            shared_contact=False,
            recipient_messaged_sender=False,
            recipient_reported_sender=(recipient, sender) in self.reported_by,
            pending_to_recipient=pending,
            last_closed_at=max(closed, default=None),
        )
