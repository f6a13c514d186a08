"""`kontaktfilter strategy show|check|set`: read, explain and install strategies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from kontaktfilter.cli.common import Failure, pass_engine, said, t
from kontaktfilter.config import data_dir
from kontaktfilter.model import Request

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine
    from kontaktfilter.strategy import Strategy


def _describe(strategy: Strategy) -> list[str]:
    """The rules as the file names them (rule names, action names and conditions are the YAML's
    own words, which the user edits), framed in the reader's language."""
    lines = [
        t("cli.strategy.source", source=_source(strategy)),
        t(
            "cli.strategy.days",
            ask=t("action.ask_details"),
            follow=strategy.follow_up_days,
            hold=strategy.hold_days,
            remind=strategy.reminder_days,
        ),
    ]
    for number, rule in enumerate(strategy.rules, 1):
        when = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in rule.when.items())
        condition = t("cli.strategy.when", when=when) if when else t("cli.strategy.always")
        lines.append(f"{number:>3}. {rule.name:<28} {rule.action.value:<18} {condition}")
    return lines


def _source(strategy: Strategy) -> str:
    """Where the rules come from: a file's path, or the shipped default, said in words."""
    from kontaktfilter.strategy import DEFAULT_SOURCE

    return t("strategy.default_source") if strategy.source == DEFAULT_SOURCE else strategy.source


@click.group("strategy")
def strategy_group() -> None:
    """Show, check and install the rules that turn verdicts into actions."""


@strategy_group.command("show")
@click.argument("text", required=False)
@click.option(
    "--file", "path", type=click.Path(exists=True, dir_okay=False), help="A strategy file."
)
@pass_engine
def show(engine: Engine, text: str | None, path: str | None) -> None:
    """Print the rules; with TEXT, explain which rule fires for that note and why."""
    from kontaktfilter.strategy import GUARD_RULE, Facts, StrategyError, load_strategy

    try:
        strategy = load_strategy(path) if path else engine.strategy
    except StrategyError as exc:
        raise Failure(exc) from exc
    for line in _describe(strategy):
        click.echo(line)
    if text is None:
        return
    scorer = engine.with_strategy(strategy)
    request, now = Request(text=text), datetime.now(UTC)
    verdict = scorer.score(request, now)
    facts = Facts(verdict.category, verdict.hits, request, now)
    click.echo("")
    category = t(f"category.{verdict.category.value}")
    signals = ", ".join(verdict.signal_names) or "-"
    click.echo(t("cli.strategy.verdict", category=category, signals=signals))
    for number, rule in enumerate(strategy.rules, 1):
        failing = rule.first_failing(facts)
        if failing is None:
            action = t(f"action.{rule.action.value}")
            click.echo(f"{number:>3}. {t('cli.strategy.matches', rule=rule.name, action=action)}")
            break
        click.echo(f"{number:>3}. {t('cli.strategy.fails', rule=rule.name, condition=failing)}")
    action = t(f"action.{verdict.action.value}")
    if verdict.rule == GUARD_RULE:
        click.echo(t("cli.strategy.guard", action=action))
    click.echo(t("cli.strategy.action", action=action, rule=verdict.rule))


@strategy_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check(path: str) -> None:
    """Check a strategy file; errors name the rule and the key."""
    from kontaktfilter.strategy import StrategyError, load_strategy

    try:
        strategy = load_strategy(path)
    except StrategyError as exc:
        raise Failure(exc) from exc
    click.echo(f"{path}: {t('cli.strategy.valid', n=len(strategy.rules))}")


@strategy_group.command("set")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def set_strategy(path: str) -> None:
    """Check a strategy file and make it the one in force (an invalid file changes nothing)."""
    from kontaktfilter.strategy import StrategyError, install_strategy

    try:
        strategy = install_strategy(path, data_dir())
    except StrategyError as exc:
        raise Failure(f"{said(exc)}\n{t('cli.strategy.unchanged')}") from exc
    click.echo(f"{path}: {t('cli.strategy.installed', n=len(strategy.rules))}")
