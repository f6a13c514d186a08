"""One key map for the terminal and the web (services/keymap.py)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.cli.inbox import key_help
from kontaktfilter.i18n import strings
from kontaktfilter.model import Action
from kontaktfilter.services.keymap import BY_KEY, KEYMAP, Command, action_of
from kontaktfilter.store import open_store
from web_helpers import client, fill, screener


def test_no_key_is_bound_twice_and_every_decision_names_its_action():
    keys = [k.key for k in KEYMAP]
    assert len(keys) == len(set(keys))
    for entry in KEYMAP:
        if entry.command is Command.DECIDE:
            assert entry.action is not None
    assert action_of(BY_KEY["d"], "decline_with_link") is Action.DECLINE_WITH_LINK
    assert action_of(BY_KEY["d"], "accept") is Action.DECLINE_SILENTLY  # never a comment
    assert action_of(BY_KEY["enter"], "hold_meet_first") is Action.HOLD_MEET_FIRST


def test_both_interfaces_show_every_key_in_both_languages():
    help_line = key_help()
    for entry in KEYMAP:
        assert re.search(rf"(^|\s){re.escape(entry.key)}\b|\[enter\]", help_line)
        for lang in ("de", "en"):
            words = f"cli.key.{entry.name}" if entry.terminal_only else f"key.{entry.name}"
            assert words in strings(lang), (lang, entry.name)


def test_the_web_queue_embeds_the_same_map(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    fill(open_store(url))
    page = client(screener(url)).get("/").text
    embedded = json.loads(
        re.search(r'<script type="application/json" id="keymap">(.*?)</script>', page, re.S).group(
            1
        )
    )
    assert embedded["k"] == {"command": "decide", "action": "ask_details"}
    assert embedded["n"]["command"] == "next" and embedded["p"]["command"] == "previous"
    assert "q" not in embedded  # quitting is the terminal's
    for entry in KEYMAP:
        if entry.command in (Command.DECIDE, Command.DECLINE):
            assert f'data-key="{entry.key}"' in page


def test_help_key_in_the_terminal_shows_the_map_and_decides_nothing(tmp_path):
    db = f"sqlite:///{tmp_path / 'keys.db'}"
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "import", "src/kontaktfilter/data/sample_inbox.jsonl"])
    result = runner.invoke(main, ["--db", db, "screen"], input="?\nq\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("keys: [enter] take the recommendation") == 2
    assert "0 decisions recorded" in result.output
