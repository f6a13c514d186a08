"""Commands that work the inbox: `screen`, `followups`, `sweep`, `policy-page`."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kontaktfilter.cli.common import clock, engine_of, now_option, store_from, with_user_model
from kontaktfilter.cli.render import terminal_safe
from kontaktfilter.model import Action
from kontaktfilter.services.keymap import BY_KEY, Command, action_of, terminal_help

if TYPE_CHECKING:
    from kontaktfilter.services.inbox import QueueItem


def _show(item: QueueItem, position: int, total: int) -> None:
    click.echo("")
    when = f"{item.sent_at:%Y-%m-%d}" if item.sent_at else "undated"
    click.echo(terminal_safe(f"[{position}/{total}] {item.sender_name or '(no name)'}, {when}"))
    click.echo(f"{item.category.upper()}  recommended: {item.action}  ({item.rule})")
    click.echo(terminal_safe(item.text) if item.text.strip() else "(empty note)")
    for signal in item.signals[:5]:
        detail = terminal_safe(signal.get("detail") or "")
        click.echo(f"  {signal['weight'] * signal['strength']:+5.1f} {signal['name']} {detail}")


@click.command()
@now_option
@click.pass_context
def screen(ctx: click.Context, now_text: str | None) -> None:
    """Step through the pending requests and decide each with one key (the same keys as the
    web queue: enter takes the recommendation, a accept, r accept+reply, k ask details,
    o reply only, d decline, s report spam, w wait, n/p next/previous, v/c view/copy the
    draft, u undo, ? help, q quit)."""
    from kontaktfilter.learning.user_model import retrain_if_due
    from kontaktfilter.services.inbox import queue, record_decision, stored_request, undo_last
    from kontaktfilter.store.repository import utcnow

    store = store_from(ctx)
    engine = with_user_model(engine_of(ctx), store)
    items = queue(store)
    if not items:
        click.echo("nothing pending: the inbox is clean")
        return
    click.echo(terminal_help())
    position, decided = 0, 0
    while 0 <= position < len(items):
        item = items[position]
        _show(item, position + 1, len(items))
        typed = click.prompt("action", default="", show_default=False, prompt_suffix="> ").strip()
        entry = BY_KEY.get(typed or "enter")
        command = entry.command if entry is not None else Command.HELP
        if command is Command.QUIT:
            break
        if command is Command.NEXT:
            position += 1
        elif command is Command.PREVIOUS:
            position = max(position - 1, 0)
        elif command is Command.UNDO:
            undone = undo_last(store)
            if undone is None:
                click.echo("nothing to undo")
                continue
            click.echo(f"undone: request {undone} is pending again")
            back = next((n for n, i in enumerate(items) if i.request_id == undone), None)
            position = back if back is not None else position
        elif command in (Command.VIEW_DRAFT, Command.COPY_DRAFT):
            request = stored_request(store, item.request_id)
            reply, note = engine.draft(request, Action(item.action))
            if reply is None:
                click.echo(f"no draft for {item.action}" + (f" ({note})" if note else ""))
            elif command is Command.VIEW_DRAFT:
                click.echo(terminal_safe(reply) + (f"\n[{note}]" if note else ""))
            else:  # OSC 52: the terminal puts the text on the clipboard, also over ssh
                encoded = base64.b64encode(reply.encode("utf-8")).decode("ascii")
                click.echo(f"\x1b]52;c;{encoded}\x07", nl=False)
                click.echo("draft copied to the clipboard")
        elif entry is not None and entry.decides:
            action = action_of(entry, item.action)
            assert action is not None
            record_decision(store, item.request_id, action, clock(now_text), engine.strategy)
            decided += 1
            click.echo(f"decided: {action.value}")
            position += 1
            relearned = retrain_if_due(store, utcnow())
            if relearned is not None:
                click.echo(f"retrained: {relearned.message}")
        else:
            click.echo(terminal_help())
    click.echo(f"{decided} decision(s) recorded")


@click.command()
@now_option
@click.pass_context
def followups(ctx: click.Context, now_text: str | None) -> None:
    """Resolve due follow-ups (answers found, deadlines passed) and list reminders."""
    from kontaktfilter.services.followups import process_followups

    store = store_from(ctx)
    found = process_followups(store, with_user_model(engine_of(ctx), store), clock(now_text))
    if not found:
        click.echo("no follow-ups and nothing waiting too long")
        return
    for due in found:
        when = f"{due.due_at:%Y-%m-%d}" if due.due_at else "-"
        click.echo(terminal_safe(f"{due.kind:<10} {when}  {due.sender_name:<24} {due.detail}"))
    answered = sum(due.kind == "answered" for due in found)
    declined = sum(due.kind == "no_answer" for due in found)
    if answered or declined:  # what this run changed in the store, not only what it found
        click.echo(
            f"changed: {answered} answered request(s) back in the queue, re-scored with the "
            f"answer; {declined} decided as collectors (no answer by the deadline)"
        )


@click.command("sweep")
@click.pass_context
def sweep_command(ctx: click.Context) -> None:
    """List existing connections whose messages show collector or spam patterns."""
    from kontaktfilter.services.sweep import sweep

    findings = sweep(store_from(ctx), engine_of(ctx))
    if not findings:
        click.echo("no connection shows collector or spam patterns")
        return
    for finding in findings:
        connected = f"{finding.connected_on:%Y-%m-%d}" if finding.connected_on else "?"
        click.echo(terminal_safe(f"{finding.name} (connected {connected}): {finding.reason}"))
        for hit in finding.hits[:4]:
            evidence = "; ".join(f"“{span.text}”" for span in hit.spans) or hit.detail
            click.echo(terminal_safe(f"    {hit.name}: {evidence}"))


@click.command("policy-page")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Where to write the HTML.")
@click.pass_context
def policy_page(ctx: click.Context, lang: str, output: str | None) -> None:
    """Render your page for contact seekers from your strategy (static HTML)."""
    from kontaktfilter.engine import Engine
    from kontaktfilter.services.policy_page import render_policy_page

    engine: Engine = engine_of(ctx)
    owner = store_from(ctx).user_profile().name
    target = Path(output or f"kontaktsuchende-{lang}.html")
    target.write_text(render_policy_page(engine.strategy, lang, owner), "utf-8")
    click.echo(f"wrote {target}; link it with --policy-url or the policy_url setting")


COMMANDS = (screen, followups, sweep_command, policy_page)
