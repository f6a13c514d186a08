"""A small network written event by event for the gate's tests: ids and times are handed out
in order, so each test reads as a story (day 0: A invites B; day 1: B declines with a comment)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from kontaktfilter.gate import tables as t
from kontaktfilter.gate.events import EVENT, Event, InvitationSent
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.simulator import Network
from kontaktfilter.gate.tracker import Tracker

START = datetime(2026, 3, 2, 9, 0)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


class Story:
    """Builds events, feeds them to a gate, and keeps the invitation ids per pair."""

    def __init__(self, gate: Gate) -> None:
        self.gate, self.events, self.count = gate, [], 0
        self.last_invitation: dict[tuple[str, str], str] = {}

    def _add(self, kind: str, at: float, **fields: Any) -> Event:
        self.count += 1
        event = EVENT.validate_python(
            {"event_id": f"ev{self.count}", "kind": kind, "at": day(at), **fields}
        )
        self.events.append(event)
        return event

    def invite(self, sender: str, recipient: str, at: float, note: str = "") -> str:
        key = f"inv{self.count + 1}"
        self._add(
            "invitation_sent", at, invitation_id=key, sender=sender, recipient=recipient, note=note
        )
        self.last_invitation[(sender, recipient)] = key
        return key

    def answer(self, sender: str, recipient: str, kind: str, at: float, comment: str = "") -> None:
        key = self.last_invitation[(sender, recipient)]
        self._add(f"invitation_{kind}", at, invitation_id=key, comment=comment)

    def connect(self, a: str, b: str, at: float) -> None:
        self.invite(a, b, at)
        self.answer(a, b, "accepted", at + 0.1)

    def profile(self, user: str, at: float = 0, **fields: Any) -> None:
        self._add("profile_updated", at, user=user, **fields)

    def message(self, sender: str, recipient: str, at: float) -> None:
        self._add("message_sent", at, sender=sender, recipient=recipient)

    def report(self, reporter: str, reported: str, at: float) -> None:
        self._add("reported", at, reporter=reporter, reported=reported)

    def join(self, user: str, group: str, at: float = 0) -> None:
        self._add("group_joined", at, user=user, group=group)

    def flush(self) -> None:
        """Ingest what was written since the last flush, as one batch."""
        if self.events:
            self.gate.store.ingest(self.events, "test")
            self.events = []

    def check(self, sender: str, recipient: str, at: float, note: str = ""):
        self.flush()
        return self.gate.check_invitation(sender, recipient, note, day(at))[0]

    def may_message(self, sender: str, recipient: str, at: float, via: str = "direct"):
        self.flush()
        return self.gate.check_message(sender, recipient, via, day(at))


def reasons(decision) -> set[str]:
    return {reason.name for reason in decision.reasons}


def replayed_network(store_url: str, network: Network) -> tuple[Gate, list[Event], Tracker]:
    """A simulated network ingested into a gate in batches, and the same stream replayed into
    a Tracker with the template flags the gate stored: the two are the store's and the replay's
    way of counting the same senders."""
    events = list(network.events())
    gate = Gate(store_url)
    for start in range(0, len(events), 2000):
        gate.store.ingest(events[start : start + 2000], "sim")
    with gate.db.connect() as conn:
        rows = conn.execute(select(t.invitations.c.invitation_id, t.invitations.c.in_template))
        flags = dict(rows.all())
    tracker = Tracker(gate.policy)
    for event in events:
        tracker.apply(
            event, flags[event.invitation_id] if isinstance(event, InvitationSent) else False
        )
    return gate, events, tracker
