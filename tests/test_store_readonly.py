"""`check` reads the user's learned model from a SQLite store without SQLAlchemy: the same
verdict as opening the store the full way, and whatever it cannot read for certain (an older
schema, another database) is left to the full way, which migrates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kontaktfilter.cli import main
from kontaktfilter.learning.user_model import learn
from kontaktfilter.store import open_store
from kontaktfilter.store.database import create_db_engine, current_revision, migrate
from kontaktfilter.store.readonly import (
    NotReadable,
    head_revision,
    learned_model_blob,
    sqlite_file,
)
from store_helpers import run_import
from test_learning_store import DEV, NOW, decide

NOTE = "Kontakte schaden nur dem, der keine hat. Ich freue mich auf die Vernetzung!"


def checked(url: str) -> str:
    result = CliRunner().invoke(main, ["--db", url, "check", "--json", NOTE])
    assert result.exit_code == 0, result.output
    return result.output


def test_read_only_gives_the_verdict_of_the_full_store(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = open_store(url)
    run_import(store, DEV)
    decide(store, 200)
    learn(store, NOW)
    assert learned_model_blob(tmp_path / "store.db", "local") == store.learned_model().model
    read_only = checked(url)
    assert "LEARN_USER_DECISIONS" in read_only

    def full_way_only(database: Path, user: str) -> bytes | None:
        raise NotReadable("the test asks for the full way")

    monkeypatch.setattr("kontaktfilter.store.readonly.learned_model_blob", full_way_only)
    assert checked(url) == read_only


def test_a_user_without_a_model_or_a_store_without_the_user(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url, user="someone else").close()
    assert learned_model_blob(tmp_path / "store.db", "local") is None
    assert "LEARN_USER_DECISIONS" not in checked(url)


def test_an_older_store_is_left_to_the_full_way_which_migrates_it(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_db_engine(url)
    migrate(engine, "0003")
    engine.dispose()
    try:
        learned_model_blob(tmp_path / "store.db", "local")
    except NotReadable:
        pass
    else:
        raise AssertionError("an older schema was read")
    checked(url)
    engine = create_db_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_only_plain_sqlite_files_are_read() -> None:
    assert sqlite_file("sqlite:////home/a/store.db") == Path("/home/a/store.db")
    assert sqlite_file("sqlite:///store.db") == Path("store.db")
    for url in ("sqlite://", "sqlite:///:memory:", "sqlite:///a.db?timeout=3", "postgresql://x/y"):
        assert sqlite_file(url) is None, url


def test_check_with_a_store_loads_no_sqlalchemy(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url).close()
    script = (
        "import sys\n"
        "from kontaktfilter.cli import main\n"
        "try:\n"
        f"    main(['--db', {url!r}, 'check', 'Synergien'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
