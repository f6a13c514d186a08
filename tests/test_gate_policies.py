"""Every gate policy and every path to a message right, on SQLite and on PostgreSQL for real
(issue 22, priority 1): caps, the minimum days before a withdrawal, the re-invite cooldown, the
budget that grows with acceptance, and privacy settings that no decline comment, withdrawn
invitation, pending invitation or shared group can open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gate_helpers import Story, reasons
from kontaktfilter.gate.decisions import Outcome
from kontaktfilter.gate.policies import GatePolicy
from kontaktfilter.gate.runtime import Gate


@pytest.fixture
def story(store_url: str) -> Iterator[Story]:
    gate = Gate(store_url, GatePolicy(pending_cap=3, weekly_budget_base=5, weekly_budget_max=20))
    yield Story(gate)
    gate.close()


def test_pending_cap_limits_and_an_answer_frees_a_slot(story: Story) -> None:
    for name in ("b", "c", "d"):
        story.invite("a", name, 0)
    full = story.check("a", "e", 1)
    assert full.outcome is Outcome.LIMIT and "PENDING_CAP" in reasons(full)
    story.answer("a", "b", "accepted", 1.5)
    assert story.check("a", "e", 2).outcome is Outcome.ALLOW


def test_a_quick_withdrawal_keeps_its_slot_until_the_minimum_days(story: Story) -> None:
    """Seed 001: withdrawing after a day must not free the quota for a new invitation."""
    for name in ("b", "c", "d"):
        story.invite("a", name, 0)
    story.answer("a", "b", "withdrawn", 1)
    assert "PENDING_CAP" in reasons(story.check("a", "e", 2))
    assert "PENDING_CAP" not in reasons(story.check("a", "e", 7.5))


@pytest.mark.parametrize("answer", ["declined", "withdrawn"])
def test_reinvite_cooldown_after_a_decline_or_withdrawal(story: Story, answer: str) -> None:
    story.invite("a", "b", 0)
    story.answer("a", "b", answer, 8)
    early = story.check("a", "b", 20)
    assert early.outcome is Outcome.BLOCK and "REINVITE_COOLDOWN" in reasons(early)
    assert "REINVITE_COOLDOWN" not in reasons(story.check("a", "b", 29.5))


def test_an_open_invitation_or_a_report_blocks_the_pair_only(story: Story) -> None:
    story.invite("a", "b", 0)
    assert "ALREADY_PENDING" in reasons(story.check("a", "b", 1))
    story.report("c", "a", 1)
    blocked = story.check("a", "c", 2)
    assert blocked.outcome is Outcome.BLOCK and "RECIPIENT_REPORTED_SENDER" in reasons(blocked)
    assert story.check("a", "d", 2).outcome is Outcome.ALLOW


def test_the_weekly_budget_grows_with_the_acceptance_rate(story: Story) -> None:
    """Base 5, max 20, prior 2: ten declines give 6 a week, ten acceptances 18."""
    for i in range(10):
        story.invite("liked", f"x{i}", 0)
        story.answer("liked", f"x{i}", "accepted", 1)
        story.invite("shunned", f"y{i}", 0)
        story.answer("shunned", f"y{i}", "declined", 1)
    for i in range(6):
        story.invite("liked", f"p{i}", 10)
        story.invite("shunned", f"q{i}", 10)
        story.answer("liked", f"p{i}", "accepted", 10.5)
    shunned = story.check("shunned", "new", 11)
    assert shunned.outcome is Outcome.LIMIT and "WEEKLY_BUDGET" in reasons(shunned)
    assert "WEEKLY_BUDGET" not in reasons(story.check("liked", "new", 11))
    assert "WEEKLY_BUDGET" not in reasons(story.check("shunned", "new", 18))


def test_policy_overrides_name_the_bad_setting() -> None:
    assert GatePolicy().with_overrides({"pending_cap": "50"}).pending_cap == 50
    with pytest.raises(ValueError, match="pending_cpa"):
        GatePolicy().with_overrides({"pending_cpa": 1})
    with pytest.raises(ValueError, match="min_days_before_withdrawal"):
        GatePolicy().with_overrides({"min_days_before_withdrawal": "soon"})


CONTACTS_ONLY = {"privacy": "contacts_only"}


@pytest.mark.parametrize("via", ["direct", "reply", "group"])
def test_a_decline_comment_opens_no_channel(story: Story, via: str) -> None:
    """Seed 000: the declined sender wrote back through the decline comment."""
    story.profile("b", **CONTACTS_ONLY)
    story.join("a", "g")
    story.join("b", "g")
    story.invite("a", "b", 0, note="Wir sind in derselben Gruppe")
    story.answer("a", "b", "declined", 1, comment="Danke, kein Bedarf.")
    decision = story.may_message("a", "b", 1.1, via)
    assert not decision.allowed and decision.reason == "PRIVACY_SETTING"


@pytest.mark.parametrize("answer", ["withdrawn", "ignored", None])
def test_an_unanswered_or_withdrawn_invitation_opens_no_channel(story: Story, answer) -> None:
    story.profile("b", **CONTACTS_ONLY)
    story.invite("a", "b", 0, note="Hallo")
    if answer:
        story.answer("a", "b", answer, 8)
    for via in ("direct", "reply", "group"):
        assert not story.may_message("a", "b", 9, via).allowed


def test_a_shared_group_opens_no_channel_to_contacts_only(story: Story) -> None:
    story.profile("b", **CONTACTS_ONLY)
    story.join("a", "g")
    story.join("b", "g")
    assert not story.may_message("a", "b", 1, "group").allowed


def test_contacts_may_write_and_a_report_closes_even_that(story: Story) -> None:
    story.profile("b", **CONTACTS_ONLY)
    story.connect("a", "b", 0)
    assert story.may_message("a", "b", 1).reason == "CONTACTS"
    story.report("b", "a", 2)
    assert story.may_message("a", "b", 3).reason == "RECIPIENT_REPORTED_SENDER"


def test_a_message_the_recipient_wrote_first_may_be_answered(story: Story) -> None:
    story.profile("b", **CONTACTS_ONLY)
    story.message("b", "a", 0)
    assert story.may_message("a", "b", 1, "reply").reason == "RECIPIENT_WROTE_FIRST"
    assert not story.may_message("a", "b", 40, "reply").allowed  # the reply window closed
    story.message("b", "c", 0)
    assert story.may_message("c", "b", 1, "reply").allowed  # b wrote to c ...
    assert not story.may_message("d", "b", 1, "reply").allowed  # ... never to d


def test_contacts_of_contacts_need_a_shared_contact(story: Story) -> None:
    story.profile("b", privacy="contacts_of_contacts")
    story.invite("a", "b", 0)
    story.answer("a", "b", "declined", 1, comment="Bitte nicht.")
    assert not story.may_message("a", "b", 2, "reply").allowed
    story.connect("a", "c", 3)
    story.connect("c", "b", 3)
    assert story.may_message("a", "b", 4).reason == "CONTACT_OF_CONTACT"


def test_the_default_setting_is_contacts_of_contacts(story: Story) -> None:
    assert not story.may_message("a", "b", 0).allowed
    story.connect("a", "c", 1)
    story.connect("b", "c", 1)
    assert story.may_message("a", "b", 2).allowed


def test_everyone_may_write_until_the_setting_changes(story: Story) -> None:
    story.profile("b", privacy="everyone")
    assert story.may_message("a", "b", 0, "group").reason == "SETTING_EVERYONE"
    story.profile("b", 1, contacts=40)  # a later update without a setting keeps it
    assert story.may_message("a", "b", 1.5).allowed
    story.profile("b", 2, **CONTACTS_ONLY)
    assert not story.may_message("a", "b", 3).allowed


def test_every_policy_is_documented_with_its_default() -> None:
    """docs/gate.md lists each setting with its default (a new one without a row fails)."""
    from pathlib import Path

    from kontaktfilter.gate.policies import documented_defaults

    text = (Path(__file__).parent.parent / "docs" / "gate.md").read_text("utf-8")
    for name, default in documented_defaults():
        assert f"| `{name}` | {default:g} |" in text, name
