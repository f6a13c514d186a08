"""The language of an invocation, known before click reads a single argument: click says its
usage errors while it parses, and `--help` is answered as soon as it is seen, both before the
root command's own `--lang` would be taken. So the root's `--lang` is read from the arguments
first (else the locale, else English), and a German invocation runs with click's texts and the
commands' help in German (cli.click_texts, cli.help_texts). English changes nothing, loads
nothing."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import click

from kontaktfilter.cli import click_texts, help_texts
from kontaktfilter.cli.common import DEFAULT_LANGUAGE
from kontaktfilter.i18n import LANGUAGES
from kontaktfilter.i18n.choice import from_environment

LANGUAGE_OPTION = "--lang"


def asked(root: click.Command, args: Sequence[str]) -> str | None:
    """The root's `--lang` among `args`, read the way click will: the root's options come before
    the command's name, the last `--lang` counts, and a value that is not a language is left to
    click to refuse. A command's own `--lang` (`policy-page --lang en`) is not the root's."""
    takes_value = {
        name
        for param in root.params
        if isinstance(param, click.Option) and not param.is_flag
        for name in param.opts
    }
    found, position = None, 0
    while position < len(args) and args[position].startswith("-") and args[position] != "--":
        name, equals, value = args[position].partition("=")
        if not equals and name in takes_value:
            value = args[position + 1] if position + 1 < len(args) else ""
            position += 1
        if name == LANGUAGE_OPTION and value in LANGUAGES:
            found = value
        position += 1
    return found


def chosen(root: click.Command, args: Sequence[str]) -> str:
    """`--lang`, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    return asked(root, args) or from_environment(os.environ) or DEFAULT_LANGUAGE


class SpeakingGroup(click.Group):
    """The root command: click's texts and the help in the invocation's language."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        with ExitStack() as scope:
            if chosen(self, sys.argv[1:] if args is None else args) == "de":
                scope.enter_context(click_texts.in_german())
                scope.enter_context(help_texts.in_german(self))
            return super().main(args, *rest, **extra)
