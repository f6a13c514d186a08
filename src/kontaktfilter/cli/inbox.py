"""Commands that work the inbox: `screen`, `followups`, `sweep`, `policy-page`."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kontaktfilter.cli.common import (
    clock,
    engine_of,
    language,
    now_option,
    store_from,
    t,
    with_user_model,
)
from kontaktfilter.cli.render import localised, terminal_safe
from kontaktfilter.model import Action
from kontaktfilter.replies.drafts import note_in
from kontaktfilter.services.keymap import BY_KEY, KEYMAP, Command, action_of

if TYPE_CHECKING:
    from kontaktfilter.services.followups import Due
    from kontaktfilter.services.inbox import QueueItem


def key_help() -> str:
    """Every key of the map with what it does, in the reader's language: the web's words
    (`key.<name>`), and the terminal's own for the keys only it has."""
    shown = [
        f"{'[enter]' if k.key == 'enter' else k.key} "
        + t(f"cli.key.{k.name}" if k.terminal_only else f"key.{k.name}")
        for k in KEYMAP
    ]
    return t("cli.screen.keys", keys="  ".join(shown))


def _show(item: QueueItem, position: int, total: int) -> None:
    click.echo("")
    when = f"{item.sent_at:%Y-%m-%d}" if item.sent_at else t("cli.screen.undated")
    who = item.sender_name or t("queue.no_name")
    click.echo(terminal_safe(f"[{position}/{total}] {who}, {when}"))
    category, action = t(f"category.{item.category}").upper(), t(f"action.{item.action}")
    click.echo(t("cli.screen.head", category=category, action=action, rule=item.rule))
    click.echo(terminal_safe(item.text) if item.text.strip() else t("cli.empty_note"))
    lang = language()
    for signal in item.signals[:5]:
        said = (signal.get("texts") or {}).get(lang) or signal.get("detail") or ""
        score = f"{signal['weight'] * signal['strength']:+5.1f}"
        click.echo(f"  {score} {signal['name']} {terminal_safe(said)}")


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
        click.echo(t("cli.screen.empty"))
        return
    click.echo(key_help())
    position, decided = 0, 0
    while 0 <= position < len(items):
        item = items[position]
        _show(item, position + 1, len(items))
        typed = click.prompt(
            t("cli.screen.prompt"), default="", show_default=False, prompt_suffix="> "
        ).strip()
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
                click.echo(t("cli.screen.nothing_to_undo"))
                continue
            click.echo(t("cli.screen.undone", request=str(undone)))
            back = next((n for n, i in enumerate(items) if i.request_id == undone), None)
            position = back if back is not None else position
        elif command in (Command.VIEW_DRAFT, Command.COPY_DRAFT):
            request = stored_request(store, item.request_id)
            reply, note = engine.draft(request, Action(item.action))
            note = note_in(note, language()) if note else None  # for the reader, not the sender
            if reply is None:
                no_draft = t("cli.screen.no_draft", action=t(f"action.{item.action}"))
                click.echo(no_draft + (f" ({note})" if note else ""))
            elif command is Command.VIEW_DRAFT:
                click.echo(terminal_safe(reply) + (f"\n[{note}]" if note else ""))
            else:  # OSC 52: the terminal puts the text on the clipboard, also over ssh
                encoded = base64.b64encode(reply.encode("utf-8")).decode("ascii")
                click.echo(f"\x1b]52;c;{encoded}\x07", nl=False)
                click.echo(t("cli.screen.copied"))
        elif entry is not None and entry.decides:
            action = action_of(entry, item.action)
            assert action is not None
            record_decision(store, item.request_id, action, clock(now_text), engine.strategy)
            decided += 1
            click.echo(t("cli.screen.decided", action=t(f"action.{action.value}")))
            position += 1
            relearned = retrain_if_due(store, utcnow())
            if relearned is not None:
                click.echo(t("cli.screen.retrained", message=relearned.message))
        else:
            click.echo(key_help())
    click.echo(t("cli.screen.recorded", n=decided))


@click.command()
@now_option
@click.pass_context
def followups(ctx: click.Context, now_text: str | None) -> None:
    """Resolve due follow-ups (answers found, deadlines passed) and list reminders."""
    from kontaktfilter.services.followups import process_followups

    store = store_from(ctx)
    found = process_followups(store, with_user_model(engine_of(ctx), store), clock(now_text))
    if not found:
        click.echo(t("cli.followups.none"))
        return
    kinds = {due.kind: t(f"due.{due.kind}") for due in found}
    width = max(map(len, kinds.values()))
    for due in found:
        when = f"{due.due_at:%Y-%m-%d}" if due.due_at else "-"
        line = f"{kinds[due.kind]:<{width}} {when}  {due.sender_name:<24} {_result(due)}"
        click.echo(terminal_safe(line))
    answered = sum(due.kind == "answered" for due in found)
    declined = sum(due.kind == "no_answer" for due in found)
    if answered or declined:  # what this run changed in the store, not only what it found
        click.echo(
            t(
                "cli.followups.changed",
                answered=t("cli.followups.answered", n=answered),
                declined=t("cli.followups.declined", n=declined),
            )
        )


def _result(due: Due) -> str:
    """What became of a follow-up, in the words the web's follow-up page uses."""
    if due.kind in ("answered", "no_answer"):
        category, action = t(f"category.{due.category}"), t(f"action.{due.action}")
        return t(f"followups.result_{due.kind}", category=category, action=action)
    if due.kind == "hold_over":
        return t("followups.result_hold_over")
    if due.kind == "reminder":
        since = f"{due.due_at:%Y-%m-%d}" if due.due_at else "?"
        return t("followups.reminder", since=since)
    return t(f"followups.for_{due.waiting_for}")


@click.command("sweep")
@click.pass_context
def sweep_command(ctx: click.Context) -> None:
    """List existing connections whose messages show collector or spam patterns."""
    from kontaktfilter.services.sweep import sweep

    findings = sweep(store_from(ctx), engine_of(ctx))
    if not findings:
        click.echo(t("cli.sweep.none"))
        return
    lang = language()
    for finding in findings:
        connected = f"{finding.connected_on:%Y-%m-%d}" if finding.connected_on else "?"
        reason = (
            t("cli.sweep.flagged", category=t(f"category.{finding.category.value}"))
            if finding.pitch_days is None
            else t("cli.sweep.pitch", n=finding.pitch_days)
        )
        line = t("cli.sweep.finding", name=finding.name, connected=connected, reason=reason)
        click.echo(terminal_safe(line))
        for hit in finding.hits[:4]:
            evidence = "; ".join(f"“{span.text}”" for span in hit.spans) or localised(
                hit.detail, lang
            )
            click.echo(terminal_safe(f"    {hit.name}: {evidence}"))


@click.command("policy-page")
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    default="de",
    show_default=True,
    help="Language of the page.",
)
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
    click.echo(t("cli.policy_page.wrote", target=str(target)))


COMMANDS = (screen, followups, sweep_command, policy_page)
