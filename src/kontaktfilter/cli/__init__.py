"""The command line: the root command reads the settings; each command group lives in a module
of its own (score, store, inbox, learn, eval, strategy, web, templates, gate) and shares what it
needs through cli.common. The command modules import the engine, the store and the rest inside the
commands that use them, so that `kontaktfilter --help` starts without loading them.

The language of what the commands print is `--lang`, else the terminal's locale (LC_ALL,
LC_MESSAGES, LANG), else English; the texts are in kontaktfilter.i18n (cli.yaml). It is known
before click parses the arguments (cli.language), so that click's own words and the help of
every command and option are German too (i18n/de/click.yaml, i18n/de/help.yaml)."""

from __future__ import annotations

import os

import click

from kontaktfilter.cli import eval as eval_commands
from kontaktfilter.cli import inbox, learn, network, score, store, templates, web
from kontaktfilter.cli.common import DEFAULT_LANGUAGE, LANGUAGE_KEY, Failure, Invocation
from kontaktfilter.cli.gate import gate_group
from kontaktfilter.cli.language import SpeakingGroup
from kontaktfilter.cli.strategy import strategy_group
from kontaktfilter.config import SettingsError, load_settings
from kontaktfilter.i18n import LANGUAGES
from kontaktfilter.i18n.choice import from_environment


@click.group(cls=SpeakingGroup)
@click.option("--config", type=click.Path(dir_okay=False), help="YAML settings file.")
@click.option("--policy-url", help="Link used in decline_with_link drafts.")
@click.option(
    "--templates",
    "templates_path",
    type=click.Path(dir_okay=False),
    help="Template index (from `templates --save`) used by TPL_BULK_TEMPLATE.",
)
@click.option(
    "--db",
    metavar="URL",
    help="Store: sqlite:///file.db or postgresql://user@host/db (default: KONTAKTFILTER_DB, "
    "else SQLite in ~/.local/share/kontaktfilter).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    help="Language of the output, de or en (default: from LC_ALL, LC_MESSAGES or LANG, "
    "e.g. de_DE.UTF-8 is German; else English). JSON and CSV output never change.",
)
@click.pass_context
def main(
    ctx: click.Context,
    config: str | None,
    policy_url: str | None,
    templates_path: str | None,
    db: str | None,
    language: str | None,
) -> None:
    """kontaktfilter screens contact requests: collectors and sales spam out, real contacts in.

    It speaks German or English: `kontaktfilter --lang de stats`, or a German locale
    (LANG=de_DE.UTF-8)."""
    ctx.meta[LANGUAGE_KEY] = language or from_environment(os.environ) or DEFAULT_LANGUAGE
    try:
        settings = load_settings(config, overrides={"policy_url": policy_url, "db": db})
    except SettingsError as exc:
        raise Failure(exc) from exc
    ctx.meta["settings"] = settings
    ctx.obj = Invocation(settings, templates_path)


for _module in (score, templates, store, inbox, web, learn, eval_commands, network):
    for _command in _module.COMMANDS:
        main.add_command(_command)
main.add_command(strategy_group)
main.add_command(gate_group)
