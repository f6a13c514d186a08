"""The German help of every command and option. The English stays where it is written (the
commands' docstrings, the options' `help=`); the German is in i18n/de/help.yaml, keyed by the
command's path ("" for the root, "strategy show") and the option's long name. For a German
invocation the texts are put on the command objects and taken back afterwards, so that a later
invocation in the same process (a test) sees English again. The placeholders click writes in
English ("[OPTIONS]", "--config FILE") are German too (`metavars` in the same file); the names
of arguments (TEXT, FILE) stay: the help texts refer to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from kontaktfilter.i18n import german


def commands(root: click.Command, path: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every command reachable from `root` with its path, the root first."""
    yield path, root
    if isinstance(root, click.Group):
        for name, command in root.commands.items():
            yield from commands(command, f"{path} {name}".strip())


def long_name(option: click.Option) -> str:
    """The name an option's help is filed under: its first `--` spelling."""
    return next(name for name in option.opts + option.secondary_opts if name.startswith("--"))


@contextmanager
def in_german(root: click.Command) -> Iterator[None]:
    """The commands below `root` show their German help inside the block."""
    catalogue: dict[str, Any] = german("help")
    metavars: dict[str, str] = catalogue["metavars"]
    saved: list[tuple[object, str, object]] = []

    def put(target: object, attribute: str, value: object) -> None:
        saved.append((target, attribute, getattr(target, attribute)))
        setattr(target, attribute, value)

    for path, command in commands(root):
        entry = catalogue["commands"].get(path, {})
        put(command, "help", entry.get("help", command.help))
        put(
            command,
            "options_metavar",
            metavars.get(command.options_metavar, command.options_metavar),
        )
        if isinstance(command, click.Group):
            english = command.subcommand_metavar
            put(command, "subcommand_metavar", metavars.get(english, english))
        # click builds --help once per command and keeps it; built in one language, it would
        # stay in that language for every later invocation of the process
        put(command, "_help_option", None)
        for param in command.params:
            if isinstance(param, click.Option):
                put(param, "help", entry.get("options", {}).get(long_name(param), param.help))
                kind = param.type.name.upper()  # how click names the value: --config FILE
                if param.metavar is None and not param.is_flag and kind in metavars:
                    put(param, "metavar", metavars[kind])
    try:
        yield
    finally:
        for target, attribute, value in reversed(saved):
            setattr(target, attribute, value)
