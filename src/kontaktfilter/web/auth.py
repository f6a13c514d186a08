"""Who is asking, and whether a state change really comes from our own page.

- On a loopback address the screener is a personal tool: everyone who can reach it is the local
  user, there is no login. Bound to any other address it refuses to start without users and
  requires a login; passwords are hashed with argon2.
- Every state-changing request carries the session's CSRF token (a form field or the
  X-CSRF-Token header). This holds on localhost too: any web page the user visits could
  otherwise post to http://127.0.0.1:8000.
- A session cookie is signed and carries the user's session epoch; logout and a password change
  bump the epoch and deleting the user removes it, so every cookie issued before is refused.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Request
from sqlalchemy import Engine, delete, select, update

from kontaktfilter.services.runtime import LOCAL_USER
from kontaktfilter.store import Store
from kontaktfilter.store.schema import User
from kontaktfilter.web.errors import ApiError

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
USER_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class LoginRequired(Exception):
    """No signed-in user: the API answers 401, pages redirect to the login form."""


def is_loopback(host: str) -> bool:
    """Whether every address `host` stands for is a loopback address: decided by the address,
    never by the text ("127.example.org" is a name like any other)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in found)


def check_user_name(name: str) -> str:
    """User names become folder names (their strategy): keep them plain."""
    if not name or len(name) > 64 or set(name) - USER_NAME_CHARS or name.startswith("."):
        raise ValueError(
            "a user name is 1-64 characters of a-z, 0-9, '.', '_' and '-', not starting with '.'"
        )
    if name == LOCAL_USER:
        raise ValueError(f"{LOCAL_USER!r} is the user of a screener on localhost")
    return name


def set_password(engine: Engine, name: str, password: str) -> None:
    """Create the user (or change their password, which signs out every session); at least 10
    characters."""
    check_user_name(name)
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    Store(engine, name)  # creates the user row when it is new
    with engine.begin() as conn:
        conn.execute(
            update(User)
            .where(User.name == name)
            .values(password_hash=_hasher.hash(password), session_epoch=User.session_epoch + 1)
        )


def session_epoch(engine: Engine, name: str) -> int | None:
    """The user's current session epoch; None when no such user can sign in."""
    with engine.connect() as conn:
        row = conn.execute(
            select(User.session_epoch).where(User.name == name, User.password_hash.is_not(None))
        ).first()
    return None if row is None else row[0]


def revoke_sessions(engine: Engine, name: str) -> None:
    """Sign the user out everywhere: every cookie issued so far becomes stale."""
    with engine.begin() as conn:
        conn.execute(
            update(User).where(User.name == name).values(session_epoch=User.session_epoch + 1)
        )


def delete_user(engine: Engine, name: str) -> bool:
    """Remove the user; every table that holds their data cascades from the users row."""
    with engine.begin() as conn:
        gone = conn.execute(delete(User).where(User.name == name))
    return bool(gone.rowcount)


def has_users(engine: Engine) -> bool:
    """Whether anyone can log in at all (a public screener without users must not start)."""
    with engine.connect() as conn:
        return (
            conn.execute(select(User.id).where(User.password_hash.is_not(None))).first() is not None
        )


def verify_password(engine: Engine, name: str, password: str) -> bool:
    """True when the password is the user's; as slow for an unknown name as for a known one."""
    with engine.connect() as conn:
        stored = conn.execute(select(User.password_hash).where(User.name == name)).scalar()
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def csrf_token(session: dict[str, Any]) -> str:
    """The session's token, created on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def current_user(request: Request) -> str:
    """The local user on loopback; otherwise the signed-in user or LoginRequired."""
    app = request.app.state.screener
    if app.config.local:
        return LOCAL_USER
    user = request.session.get("user")
    if not user:
        raise LoginRequired()
    epoch = request.session.get("epoch")
    if epoch is None or epoch != session_epoch(app.database, user):
        request.session.clear()  # revoked: logged out, a new password, or deleted
        raise LoginRequired()
    return user


async def require_csrf(request: Request) -> None:
    """Refuse a state change whose token does not match the session's, or that a browser says
    comes from another site (its Origin header names another host): 403."""
    origin = request.headers.get("origin")
    host = request.headers.get("host", "").lower()
    if origin and origin != "null" and urlsplit(origin).netloc.lower() != host:
        raise ApiError(403, "api.other_site")
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise ApiError(403, "api.csrf")


def sign_in(request: Request, user: str) -> None:
    """A fresh session for the user (a new CSRF token too: no fixation across a login), issued
    under the user's current session epoch."""
    request.session.clear()
    request.session["user"] = user
    request.session["epoch"] = session_epoch(request.app.state.screener.database, user)
    csrf_token(request.session)
