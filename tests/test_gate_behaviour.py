"""Behaviour signals and reputation (issue 22, priority 3): each signal fires on its case and
stays quiet on the near miss; reputation weighs a complainer by standing and once, silence
weighs nothing, and a brigade of new or unrelated accounts does not sink an honest sender. The
SQL figures (store) and the in-memory figures (replay) are held to each other."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from gate_helpers import Story, day, reasons, replayed_network
from kontaktfilter.gate.activity import Complaint, SenderActivity
from kontaktfilter.gate.decisions import Outcome
from kontaktfilter.gate.events import InvitationSent
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.queries import sender_activity
from kontaktfilter.gate.reputation import reputation
from kontaktfilter.gate.runtime import Gate
from kontaktfilter.gate.signals import behaviour_signals
from kontaktfilter.gate.simulator import Network

NOW = datetime(2026, 6, 1)
POLICY = GatePolicy()


def fired(**figures) -> set[str]:
    return {hit.name for hit in behaviour_signals(SenderActivity(now=NOW, **figures), POLICY)}


@pytest.mark.parametrize(
    ("figures", "name", "fires"),
    [
        ({"sent_window": 40, "withdrawn_fast": 12, "withdrawn": 12}, "BEH_FAST_WITHDRAWALS", True),
        ({"sent_window": 40, "withdrawn_fast": 4, "withdrawn": 4}, "BEH_FAST_WITHDRAWALS", False),
        ({"sent_window": 200, "withdrawn_fast": 6}, "BEH_FAST_WITHDRAWALS", False),
        ({"sent_window": 40, "withdrawn": 20}, "BEH_WITHDRAWN_SHARE", True),
        ({"sent_window": 40, "withdrawn": 6}, "BEH_WITHDRAWN_SHARE", False),
        ({"accepted": 3, "declined": 17}, "BEH_LOW_ACCEPTANCE", True),
        ({"accepted": 8, "declined": 12}, "BEH_LOW_ACCEPTANCE", False),
        ({"accepted": 1, "declined": 9}, "BEH_LOW_ACCEPTANCE", False),  # too few answers
        ({"reinvites": 6}, "BEH_REINVITES", True),
        ({"reinvites": 2}, "BEH_REINVITES", False),
        ({"notes": 10, "template_notes": 8}, "BEH_BULK_TEMPLATE", True),
        ({"notes": 60, "template_notes": 6}, "BEH_BULK_TEMPLATE", False),
        ({"mutual_in_group": 12}, "BEH_CONTACT_PARTY", True),
        ({"mutual_in_group": 3}, "BEH_CONTACT_PARTY", False),
        ({"contacts": 999, "created": date(2026, 1, 1)}, "BEH_CONTACTS_PER_MONTH", True),
        ({"contacts": 999, "created": date(2020, 1, 1)}, "BEH_CONTACTS_PER_MONTH", False),
        ({"contacts": 400, "created": date(2026, 4, 1)}, "BEH_CONTACTS_PER_MONTH", True),
        ({"contacts": 100, "created": date(2026, 4, 1)}, "BEH_CONTACTS_PER_MONTH", False),
        ({"sent_week": 90}, "BEH_INVITE_RATE", True),
        ({"sent_week": 20}, "BEH_INVITE_RATE", False),
    ],
)
def test_each_signal_fires_on_its_case_only(figures, name: str, fires: bool) -> None:
    assert (name in fired(**figures)) is fires


def test_a_signal_says_which_figures_made_it_fire() -> None:
    hits = behaviour_signals(
        SenderActivity(now=NOW, sent_window=40, withdrawn_fast=12, withdrawn=12), POLICY
    )
    fast = next(hit for hit in hits if hit.name == "BEH_FAST_WITHDRAWALS")
    assert fast.detail == "12 of 40 invitations withdrawn within 7 days" and fast.strength > 0


def complaint(kind="report", created=date(2024, 1, 1), accepted=8, answered=10, contact=True):
    return Complaint(kind, created, accepted, answered, contact)


def test_reputation_weighs_standing_and_ignores_unrelated_and_new_accounts() -> None:
    established = [complaint() for _ in range(10)]
    brigade_new = [complaint(created=date(2026, 5, 31)) for _ in range(200)]
    brigade_unrelated = [complaint(contact=False) for _ in range(200)]
    honest = SenderActivity(now=NOW, accepted=20, complaints=(*brigade_new, *brigade_unrelated))
    spammer = SenderActivity(now=NOW, accepted=1, complaints=tuple(established))
    assert reputation(honest, POLICY).complaints < 3.0
    assert reputation(spammer, POLICY).share > POLICY.reputation_block
    low_standing = [complaint(accepted=0, answered=30) for _ in range(10)]
    less = reputation(SenderActivity(now=NOW, accepted=1, complaints=tuple(low_standing)), POLICY)
    assert less.complaints < reputation(spammer, POLICY).complaints


@pytest.fixture
def story(store_url: str) -> Iterator[Story]:
    gate = Gate(store_url)
    yield Story(gate)
    gate.close()


def test_quick_withdrawals_are_seen_through_the_store(story: Story) -> None:
    for i in range(30):
        story.invite("tool", f"r{i}", i * 0.1)
        if i % 2:
            story.answer("tool", f"r{i}", "withdrawn", i * 0.1 + 1)
    decision = story.check("tool", "next", 5)
    assert "BEH_FAST_WITHDRAWALS" in {s.name for s in decision.signals}


def test_a_contact_party_needs_the_group_and_the_burst(story: Story) -> None:
    party = [f"p{i}" for i in range(9)]
    for member in party:
        story.join(member, "party")
    story.join("outsider", "elsewhere")
    for a in party + ["outsider"]:
        for b in party:
            if a != b:
                story.invite(a, b, 1 + 0.01 * len(story.events))
    party_check = story.check("p0", "someone", 2)
    assert "BEH_CONTACT_PARTY" in {s.name for s in party_check.signals}
    assert "BEH_CONTACT_PARTY" not in {s.name for s in story.check("outsider", "x", 2).signals}


def test_notes_in_a_bulk_template_are_counted(story: Story) -> None:
    template = (
        "Hallo, wir sind in derselben Gruppe und ich denke, dass sich für uns beide wertvolle "
        "Synergien im Bereich Vertrieb ergeben können. Ich freue mich auf die Vernetzung!"
    )
    for sender in ("c1", "c2", "c3", "c4"):
        for i in range(6):
            story.invite(sender, f"{sender}-r{i}", 0.1 * i, note=template)
        story.flush()
    decision = story.check("c4", "new", 1, note=template)
    assert "BEH_BULK_TEMPLATE" in {s.name for s in decision.signals}
    assert "NOTE_IN_TEMPLATE" in reasons(decision)
    personal = story.check("honest", "new", 1, note="Danke für Ihren Vortrag zur Bauakustik!")
    assert "NOTE_IN_TEMPLATE" not in reasons(personal)


def test_a_brigade_does_not_block_an_honest_sender(story: Story) -> None:
    for i in range(20):
        story.profile(f"friend{i}", created=date(2020, 1, 1))
        story.connect("honest", f"friend{i}", 0)
    for i in range(60):  # new accounts, and old ones the sender never approached
        story.profile(f"bot{i}", 5, created=day(5).date() if i % 2 else date(2019, 1, 1))
        story.report(f"bot{i}", "honest", 5 + i / 1000)
    decision = story.check("honest", "new", 6)
    assert decision.outcome is Outcome.ALLOW
    assert "REPUTATION" not in reasons(decision)


def test_reports_of_people_the_sender_approached_block_a_spammer(story: Story) -> None:
    for i in range(12):
        story.profile(f"member{i}", created=date(2018, 1, 1))
        story.invite("spammer", f"member{i}", 0)
        story.answer("spammer", f"member{i}", "declined", 1)
        story.report(f"member{i}", "spammer", 1)
        story.report(f"member{i}", "spammer", 2)  # the same reporter again counts once
    decision = story.check("spammer", "next", 3)
    assert decision.outcome is Outcome.BLOCK and "REPUTATION" in reasons(decision)
    with story.gate.db.connect() as conn:
        act = sender_activity(conn, "spammer", day(3), story.gate.policy)
    assert len(act.complaints) == 12 and {c.kind for c in act.complaints} == {"report"}


def test_silence_counts_nothing(story: Story) -> None:
    for i in range(40):
        story.invite("quiet", f"r{i}", i * 0.3)
        if i % 2:
            story.answer("quiet", f"r{i}", "ignored", i * 0.3 + 5)
    decision = story.check("quiet", "next", 20)
    assert "REPUTATION" not in reasons(decision)
    assert "BEH_LOW_ACCEPTANCE" not in {s.name for s in decision.signals}


def test_the_store_and_the_replay_count_alike(store_url: str) -> None:
    gate, events, tracker = replayed_network(store_url, Network(400, 12, seed=5))
    now = max(event.at for event in events)
    senders = sorted({e.sender for e in events if isinstance(e, InvitationSent)})
    with gate.db.connect() as conn:
        for sender in senders[:: max(len(senders) // 60, 1)]:
            assert sender_activity(conn, sender, now, gate.policy) == tracker.activity(sender, now)
    gate.close()
