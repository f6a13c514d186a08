"""`kontaktfilter strategy show|check|set`: read, explain and install strategies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from kontaktfilter.cli.common import pass_engine
from kontaktfilter.config import data_dir
from kontaktfilter.model import Request

if TYPE_CHECKING:
    from kontaktfilter.engine import Engine
    from kontaktfilter.strategy import Strategy


def _describe(strategy: Strategy) -> list[str]:
    lines = [
        f"strategy: {strategy.source}",
        f"follow-up after ask_details: {strategy.follow_up_days:g} days; hold: "
        f"{strategy.hold_days:g} days; reminder after {strategy.reminder_days:g} days pending",
    ]
    for number, rule in enumerate(strategy.rules, 1):
        when = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in rule.when.items())
        lines.append(
            f"{number:>3}. {rule.name:<28} {rule.action.value:<18} when {when or 'always'}"
        )
    return lines


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
        raise click.ClickException(str(exc)) from exc
    for line in _describe(strategy):
        click.echo(line)
    if text is None:
        return
    scorer = engine.with_strategy(strategy)
    request, now = Request(text=text), datetime.now(UTC)
    verdict = scorer.score(request, now)
    facts = Facts(verdict.category, verdict.hits, request, now)
    click.echo("")
    click.echo(
        f"category {verdict.category.value}, signals: {', '.join(verdict.signal_names) or '-'}"
    )
    for number, rule in enumerate(strategy.rules, 1):
        failing = rule.first_failing(facts)
        if failing is None:
            click.echo(f"{number:>3}. {rule.name}: matches -> {rule.action.value}")
            break
        click.echo(f"{number:>3}. {rule.name}: no ({failing} does not hold)")
    if verdict.rule == GUARD_RULE:
        click.echo(f"guard: verified genuine evidence, so {verdict.action.value} instead")
    click.echo(f"action: {verdict.action.value} (rule {verdict.rule})")


@strategy_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check(path: str) -> None:
    """Check a strategy file; errors name the rule and the key."""
    from kontaktfilter.strategy import StrategyError, load_strategy

    try:
        strategy = load_strategy(path)
    except StrategyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{path}: valid, {len(strategy.rules)} rules")


@strategy_group.command("set")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def set_strategy(path: str) -> None:
    """Check a strategy file and make it the one in force (an invalid file changes nothing)."""
    from kontaktfilter.strategy import StrategyError, install_strategy

    try:
        strategy = install_strategy(path, data_dir())
    except StrategyError as exc:
        raise click.ClickException(f"{exc}\nthe strategy in force stays unchanged") from exc
    click.echo(f"{path}: installed, {len(strategy.rules)} rules now in force")
