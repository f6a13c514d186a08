"""Strategies: the seed 002 default, conditions, errors naming rule and key, the guard on top,
and installing (an invalid file never replaces the strategy in force)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request, SenderHistory
from kontaktfilter.strategy import (
    GUARD_RULE,
    StrategyError,
    active_strategy,
    default_strategy,
    install_strategy,
    read_strategy,
)

ENGINE = Engine()
NOW = datetime(2026, 11, 23, 12, 0)
KATRIN = Profile(
    name="Katrin Albers", gender="f", publications=("Buch: Telefonakquise mit Haltung",)
)


def verdict(text: str, engine: Engine = ENGINE, **fields):
    return engine.score(Request(text=text, recipient=KATRIN, **fields), now=NOW)


@pytest.mark.parametrize(
    "text, action, rule",
    [
        ("Hallo Katrin, schön dich gestern auf der Messe getroffen zu haben!", "accept", "known"),
        (
            "Vielleicht ergeben sich wertvolle Synergien zwischen uns.",
            "ask_details",
            "vague-promise",
        ),
        ("Kontakte schaden nur dem, der keine hat.", "decline_silently", "collector"),
        ("Hallo, hier mein kostenloses Webinar für Sie!", "report_spam", "spam"),
        (
            "Ich möchte Sie gerne zu meinen Kontakten hinzufügen.",
            "decline_with_link",
            "no-reference",
        ),
    ],
)
def test_default_strategy_follows_seed_002(text, action, rule):
    result = verdict(text)
    assert (result.action.value, result.rule) == (action, rule)


def test_empty_note_from_a_basic_member_waits():
    basic = Profile(name="Tobias Krüger", membership="basic")
    result = verdict("", platform="xing", sender=basic)
    assert (result.action.value, result.rule) == ("hold_wait", "empty-note-cannot-write")
    premium = verdict("", platform="xing", sender=Profile(name="T K", membership="premium"))
    assert premium.action.value == "decline_with_link"


CUSTOM = """
version: 1
follow_up_days: 3
rules:
  - name: meet-twice-first
    when: {category: honest_pitch}
    action: hold_meet_first
  - name: young-collector-profiles
    when: {sender_contacts_min: 500, sender_profile_age_days_max: 180}
    action: decline_silently
  - name: stale-pending
    when: {age_days_min: 30}
    action: decline_with_link
  - name: asked-before
    when: {history_unanswered_min: 1}
    action: decline_silently
  - name: everything-else
    action: ask_details
"""


def test_custom_conditions():
    strategy = read_strategy(CUSTOM, "custom.yaml")
    engine = ENGINE.with_strategy(strategy)
    assert strategy.follow_up_days == 3
    pitch = "Sehr geehrte Frau Albers, ganz offen: Ich verkaufe CRM-Software für Vertriebsteams."
    assert verdict(pitch, engine).action.value == "hold_meet_first"
    young = Profile(name="Neu Ling", contacts=999, created=date(2026, 9, 1))
    assert verdict("Hallo!", engine, sender=young).rule == "young-collector-profiles"
    old = verdict("Hallo!", engine, sent_at=datetime(2026, 10, 1))
    assert old.rule == "stale-pending"
    asked = verdict("Hallo!", engine, sender_history=SenderHistory(unanswered_questions=1))
    assert asked.rule == "asked-before"
    assert verdict("Hallo!", engine).rule == "everything-else"


def test_no_rule_can_decline_verified_genuine_evidence():
    strategy = read_strategy("rules: [{name: decline-all, action: report_spam}]", "harsh.yaml")
    result = verdict(
        "Hallo Katrin, schön dich gestern auf der Messe getroffen zu haben!",
        ENGINE.with_strategy(strategy),
    )
    assert (result.action.value, result.rule) == ("ask_details", GUARD_RULE)


def test_no_matching_rule_waits_for_the_user():
    strategy = read_strategy(
        "rules: [{name: only-known, when: {category: known}, action: accept}]", "x"
    )
    assert (
        verdict(
            "Kontakte schaden nur dem, der keine hat.", ENGINE.with_strategy(strategy)
        ).action.value
        == "hold_wait"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "rules: [{name: a, action: acept}]",
            "x.yaml: rule 1 ('a'): key 'action': 'acept' is not one of",
        ),
        (
            "rules: [{name: a, action: accept, wenn: {}}]",
            "x.yaml: rule 1 ('a'): unknown key 'wenn'",
        ),
        (
            "rules: [{name: a, action: accept}, {name: b, when: {categroy: spam}, action: accept}]",
            "x.yaml: rule 2 ('b'): unknown condition 'categroy'",
        ),
        (
            "rules: [{name: a, when: {category: spma}, action: accept}]",
            "x.yaml: rule 1 ('a'): key 'when.category': 'spma' is not one of",
        ),
        (
            "rules: [{name: a, when: {signals_any: [PHRASE_SYNERGY]}, action: accept}]",
            "key 'when.signals_any': unknown signal(s) PHRASE_SYNERGY",
        ),
        (
            "rules: [{name: a, when: {score_min: high}, action: accept}]",
            "key 'when.score_min': expected a number",
        ),
        (
            "rules: [{name: a, action: accept}, {name: a, action: accept}]",
            "rule 2 ('a'): key 'name'",
        ),
        ("rules: [{action: accept}]", "x.yaml: rule 1: key 'name' is missing"),
        ("rules: []", "x.yaml: key 'rules': expected a non-empty list"),
        ("follow_up_days: -1\nrules: [{name: a, action: accept}]", "key 'follow_up_days'"),
        ("rules: [{name: a, action: accept}]\nrulez: []", "x.yaml: unknown key 'rulez'"),
        ("rules:\n  - name: a\n   action: accept", "x.yaml:3: not valid YAML"),
    ],
)
def test_errors_name_the_rule_and_the_key(text, message):
    with pytest.raises(StrategyError) as caught:
        read_strategy(text, "x.yaml")
    assert message in str(caught.value)


def test_shipped_default_is_valid_and_complete():
    strategy = default_strategy()
    actions = {rule.action.value for rule in strategy.rules}
    assert {
        "accept",
        "accept_and_reply",
        "ask_details",
        "hold_wait",
        "decline_with_link",
    } <= actions
    assert all(rule.why.get("de") and rule.why.get("en") for rule in strategy.rules)


def test_invalid_install_keeps_the_strategy_in_force(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(CUSTOM, "utf-8")
    bad.write_text("rules: [{name: a, action: acept}]", "utf-8")
    folder = tmp_path / "data"
    install_strategy(good, folder)
    with pytest.raises(StrategyError):
        install_strategy(bad, folder)
    strategy, warning = active_strategy(folder)
    assert warning is None and strategy.rules[0].name == "meet-twice-first"
    # the installed file edited by hand into nonsense: the last valid one stays in force
    (folder / "strategy.yaml").write_text("rules: [{name: a, action: acept}]", "utf-8")
    strategy, warning = active_strategy(folder)
    assert strategy.rules[0].name == "meet-twice-first"
    assert "rule 1 ('a'): key 'action'" in warning and "stays in force" in warning


def test_cli_check_set_show(tmp_path):
    runner = CliRunner()
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(CUSTOM, "utf-8")
    bad.write_text("rules: [{name: a, when: {categroy: spam}, action: accept}]", "utf-8")
    assert "valid, 5 rules" in runner.invoke(main, ["strategy", "check", str(good)]).output
    failed = runner.invoke(main, ["strategy", "check", str(bad)])
    assert failed.exit_code == 1 and "rule 1 ('a'): unknown condition 'categroy'" in failed.output
    assert runner.invoke(main, ["strategy", "set", str(good)]).exit_code == 0
    refused = runner.invoke(main, ["strategy", "set", str(bad)])
    assert refused.exit_code == 1 and "stays unchanged" in refused.output
    shown = runner.invoke(main, ["strategy", "show", "Kontakte schaden nur dem, der keine hat."])
    assert "1. meet-twice-first" in shown.output
    assert "everything-else: matches → Ask for details" in shown.output


def test_costs_set_the_bars_for_decline_and_accept():
    from kontaktfilter.strategy.costs import Costs

    assert Costs().decline_max == pytest.approx(0.05)
    assert Costs().accept_min == pytest.approx(2 / 3)
    assert Costs(false_decline=4.0, question=2.0).decline_max == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("genuine", "action", "category", "expected"),
    [
        (0.04, "decline_silently", "collector", None),
        (0.06, "decline_silently", "collector", "ask_details"),
        (0.30, "report_spam", "spam", "ask_details"),
        (0.70, "accept_and_reply", "personal", None),
        (0.50, "accept_and_reply", "personal", "ask_details"),
        (0.01, "accept", "known", None),
        (None, "decline_silently", "collector", None),
    ],
)
def test_the_action_by_expected_cost(genuine, action, category, expected):
    from kontaktfilter.model import Action, Category
    from kontaktfilter.strategy.costs import Costs, by_cost

    cheaper = by_cost(Action(action), Category(category), genuine, (), False, Costs())
    assert cheaper == (Action(expected) if expected else None)


def test_no_second_question_after_an_answer():
    from kontaktfilter.model import Action, Category
    from kontaktfilter.strategy.costs import Costs, by_cost

    asked = by_cost(Action.ACCEPT_AND_REPLY, Category.PERSONAL, 0.5, (), False, Costs())
    assert asked is Action.ASK_DETAILS
    again = by_cost(Action.ACCEPT_AND_REPLY, Category.PERSONAL, 0.5, (), False, Costs(), True)
    assert again is None
    still = by_cost(Action.DECLINE_SILENTLY, Category.COLLECTOR, 0.5, (), False, Costs(), True)
    assert still is Action.ASK_DETAILS  # a decline still needs the low probability


def test_verified_evidence_accepts_where_the_wording_leaves_doubt():
    from kontaktfilter.model import Action, Category, Role, SignalHit
    from kontaktfilter.strategy.costs import Costs, by_cost

    def reference(weight: float, roles: frozenset[Role]) -> SignalHit:
        return SignalHit("GOOD_X", "personal", weight, 1.0, (), "", "", roles)

    verified = (reference(-3.0, frozenset({Role.PROTECTS})),)
    lexical = (reference(-3.0, frozenset()),)
    accept = Action.ACCEPT_AND_REPLY
    assert by_cost(accept, Category.PERSONAL, 0.5, verified, False, Costs()) is None
    assert by_cost(accept, Category.PERSONAL, 0.5, lexical, False, Costs()) is Action.ASK_DETAILS


def test_costs_are_settings(tmp_path):
    from kontaktfilter.config import SettingsError, load_settings
    from kontaktfilter.services.runtime import build_engine

    config = tmp_path / "k.yaml"
    config.write_text("cost_false_decline: 4\n", "utf-8")
    engine, _ = build_engine(load_settings(config))
    assert engine.costs.decline_max == pytest.approx(0.25)
    config.write_text("cost_question: -1\n", "utf-8")
    with pytest.raises(SettingsError, match="cost_question: must be a positive number"):
        load_settings(config)
