"""Commands of the web screener: `serve`, `demo` and `user add`. The web stack is imported
inside the commands so that every other command starts as fast as before."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from kontaktfilter.cli.common import Failure, clock, confirm, engine_of, now_option, store_from, t
from kontaktfilter.config import data_dir

SECRET_ENV = "KONTAKTFILTER_SECRET"


def session_secret() -> str:
    """KONTAKTFILTER_SECRET, else a key kept (mode 0600) in the data folder so that sessions
    survive a restart; created on first use."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = data_dir() / "session-secret"
    if path.exists():
        return path.read_text("ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(key)
    return key


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to bind."
)
@click.option(
    "--max-upload-mb",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest accepted upload.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, max_upload_mb: int) -> None:
    """Serve the screener and its JSON API (on localhost without login)."""
    import uvicorn

    from kontaktfilter.web.app import create_app
    from kontaktfilter.web.auth import has_users, is_loopback
    from kontaktfilter.web.state import MEGABYTE, Screener, WebConfig

    store = store_from(ctx)
    local = is_loopback(host)
    if not local and not has_users(store.engine):
        raise Failure(t("cli.serve.no_users", host=host))
    config = WebConfig(host, session_secret(), max_upload_mb * MEGABYTE, local)
    screener = Screener(config, store.engine, engine_of(ctx))
    shown = f"[{host}]" if ":" in host else host
    click.echo(t("cli.serve.running", url=f"http://{shown}:{port}/"))
    if not local:
        click.echo(t("cli.serve.login"))
    uvicorn.run(create_app(screener), host=host, port=port, access_log=False, log_level="warning")


@click.command()
@now_option
@click.option(
    "--reset",
    is_flag=True,
    help="Start the demo afresh: empty a store that holds only the demo, then load it.",
)
@click.pass_context
def demo(ctx: click.Context, now_text: str | None, reset: bool) -> None:
    """Load the demo inbox (German and English, every category, templates and follow-ups)."""
    from kontaktfilter.engine import Engine
    from kontaktfilter.services.demo import DemoRefused, load_demo, reset_demo

    engine: Engine = engine_of(ctx)
    try:
        if reset:
            click.echo(t("cli.demo.reset", n=reset_demo(store_from(ctx))))
        summary = load_demo(store_from(ctx), engine, clock(now_text))
    except DemoRefused as exc:
        raise Failure(exc) from exc
    click.echo(
        t(
            "cli.demo.loaded",
            requests=t("cli.demo.requests", n=summary.requests),
            added=t("cli.import.new", n=summary.added),
            templates=t("cli.demo.templates", n=summary.templates),
            followups=t("cli.demo.followups", n=summary.followups),
        )
    )


@click.group("user")
def user_group() -> None:
    """Users of a screener served beyond localhost."""


@user_group.command("add")
@click.argument("name")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the password from this file instead of asking (first line).",
)
@click.pass_context
def user_add(ctx: click.Context, name: str, password_file: Path | None) -> None:
    """Add a user (or set a new password); the password is stored as an argon2 hash."""
    from kontaktfilter.web.auth import set_password

    if password_file is not None:
        try:
            lines = password_file.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise Failure(
                t("cli.user.unreadable", path=str(password_file), reason=str(exc))
            ) from exc
        password = lines[0] if lines else ""
    else:
        password = click.prompt(
            t("cli.user.password"),
            hide_input=True,
            confirmation_prompt=t("cli.user.password_again"),
        )
    try:
        set_password(store_from(ctx).engine, name, password)
    except ValueError as exc:
        raise Failure(exc) from exc
    click.echo(t("cli.user.added", name=name))


@user_group.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def user_delete(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete a user with all their data: requests, decisions, follow-ups, learned model."""
    from kontaktfilter.web.auth import delete_user

    if not yes:
        confirm(t("cli.user.confirm_delete", name=name))
    if not delete_user(store_from(ctx).engine, name):
        raise Failure(t("cli.user.unknown", name=repr(name)))
    click.echo(t("cli.user.deleted", name=name))


COMMANDS = (serve, demo, user_group)
