"""The screener's keys: one map for the terminal (`kontaktfilter screen`) and the web queue.

A key means the same thing everywhere. Before this map, `k` asked the sender for details in the
terminal but moved up in the browser, and `r` accepted with a reply in one and only opened the
draft in the other: keys learned in one place recorded decisions by accident in the other. The
web page embeds this map as JSON and its script reads it; `screen` builds its prompt from it;
tests/test_keymap.py checks that no key is bound twice and that both interfaces show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kontaktfilter.model import Action


class Command(StrEnum):
    DECIDE = "decide"
    """Record `action` for the request in view."""
    DECLINE = "decline"
    """Decline as the verdict recommends: with the policy link or silently."""
    RECOMMENDED = "recommended"
    """Take the recommended action."""
    NEXT = "next"
    PREVIOUS = "previous"
    VIEW_DRAFT = "view_draft"
    COPY_DRAFT = "copy_draft"
    UNDO = "undo"
    QUIT = "quit"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class Key:
    key: str
    """What the user presses; "enter" is the Enter key."""
    command: Command
    action: Action | None = None
    terminal_only: bool = False
    """Words for it: `key.<name>` in the catalogues (kontaktfilter.i18n), `cli.key.<name>` for
    a key only the terminal has."""

    @property
    def name(self) -> str:
        """The locale key's last part: the action for a decision, else the command."""
        return self.action.value if self.action is not None else self.command.value

    @property
    def decides(self) -> bool:
        return self.command in (Command.DECIDE, Command.DECLINE, Command.RECOMMENDED)


KEYMAP: tuple[Key, ...] = (
    Key("enter", Command.RECOMMENDED),
    Key("a", Command.DECIDE, Action.ACCEPT),
    Key("r", Command.DECIDE, Action.ACCEPT_AND_REPLY),
    Key("k", Command.DECIDE, Action.ASK_DETAILS),
    Key("o", Command.DECIDE, Action.REPLY_ONLY),  # an honest seller (seed 000)
    Key("d", Command.DECLINE),
    Key("s", Command.DECIDE, Action.REPORT_SPAM),
    Key("w", Command.DECIDE, Action.HOLD_WAIT),
    Key("n", Command.NEXT),
    Key("p", Command.PREVIOUS),
    Key("v", Command.VIEW_DRAFT),
    Key("c", Command.COPY_DRAFT),
    Key("u", Command.UNDO),
    Key("?", Command.HELP),
    Key("q", Command.QUIT, terminal_only=True),
)
BY_KEY = {entry.key: entry for entry in KEYMAP}


def decline_action(recommended: str) -> Action:
    """What `d` records: the recommended decline when it is one with the link, else silent (a
    comment on a decline opens a message channel, seed 000)."""
    if recommended == Action.DECLINE_WITH_LINK.value:
        return Action.DECLINE_WITH_LINK
    return Action.DECLINE_SILENTLY


def action_of(entry: Key, recommended: str) -> Action | None:
    """The action a deciding key records for a request with this recommendation."""
    if entry.command is Command.RECOMMENDED:
        return Action(recommended)
    if entry.command is Command.DECLINE:
        return decline_action(recommended)
    return entry.action


def web_keymap() -> dict[str, dict[str, str | None]]:
    """The map as the web page embeds it (JSON): key -> command and action."""
    return {
        ("Enter" if k.key == "enter" else k.key): {
            "command": k.command.value,
            "action": k.action.value if k.action else None,
        }
        for k in KEYMAP
        if not k.terminal_only
    }
