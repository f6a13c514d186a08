"""Who may do what in the web screener: logins off localhost, CSRF on every state change, host
checks, redirects that stay on the site, and hostile notes rendered as text."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from fastapi.routing import APIRoute

from kontaktfilter.cli import main
from kontaktfilter.web import api, pages
from kontaktfilter.web.auth import require_csrf, set_password, verify_password
from kontaktfilter.web.render import safe_next
from store_helpers import run_import
from web_helpers import client, csrf_headers, fill, screener

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'web.db'}"


def _login_token(web) -> str:
    page = web.get("/login").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_every_state_change_requires_the_csrf_token():
    unsafe = [
        route
        for route in (*api.router.routes, *pages.router.routes)
        if isinstance(route, APIRoute) and route.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(unsafe) >= 10
    unprotected = [
        route.path
        for route in unsafe
        if route.path != "/api/score"  # stateless: scores and stores nothing
        and require_csrf not in [d.call for d in route.dependant.dependencies]
    ]
    assert unprotected == []


def test_off_localhost_everything_needs_a_login(url):
    state = screener(url, local=False)
    set_password(state.database, "anna", "correct horse battery")
    with client(state) as web:
        assert web.get("/api/requests").status_code == 401
        assert web.post("/api/score", json={"text": "x"}).status_code == 401
        page = web.get("/dashboard")
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/dashboard"
        form = {"name": "anna", "password": "correct horse battery"}
        assert web.post("/login", data=form).status_code == 403  # no CSRF token, no login
        wrong = web.post(
            "/login", data={**form, "password": "wrong", "csrf_token": _login_token(web)}
        )
        assert wrong.status_code == 401 and "csrf_token" in wrong.text
        signed = web.post(
            "/login", data={**form, "csrf_token": _login_token(web), "next": "/dashboard"}
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
        assert web.get("/api/requests").status_code == 200
        web.post("/logout", headers=csrf_headers(web))
        assert web.get("/api/requests").status_code == 401


def test_a_login_starts_a_fresh_session(url):
    """Session fixation: the token before login must not be valid after it."""
    state = screener(url, local=False)
    set_password(state.database, "anna", "correct horse battery")
    with client(state) as web:
        before = _login_token(web)
        web.post(
            "/login",
            data={"name": "anna", "password": "correct horse battery", "csrf_token": before},
        )
        assert web.post("/api/undo", headers={"X-CSRF-Token": before}).status_code == 403


def test_passwords_are_hashed_with_argon2(url):
    state = screener(url)
    set_password(state.database, "anna", "correct horse battery")
    from sqlalchemy import select

    from kontaktfilter.store.schema import User

    with state.database.connect() as conn:
        stored = conn.execute(select(User.password_hash).where(User.name == "anna")).scalar()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert verify_password(state.database, "anna", "correct horse battery")
    assert not verify_password(state.database, "anna", "correct horse batterY")
    assert not verify_password(state.database, "nobody", "correct horse battery")
    with pytest.raises(ValueError, match="10 characters"):
        set_password(state.database, "ben", "short")
    with pytest.raises(ValueError, match="user name"):
        set_password(state.database, "../etc", "long enough password")


def test_serve_refuses_a_public_address_without_users(url, tmp_path):
    runner = CliRunner()
    refused = runner.invoke(main, ["--db", url, "serve", "--host", "0.0.0.0"])
    assert refused.exit_code != 0 and "without users" in refused.output
    secret = tmp_path / "pw"
    secret.write_text("correct horse battery\n", "utf-8")
    added = runner.invoke(
        main, ["--db", url, "user", "add", "anna", "--password-file", str(secret)]
    )
    assert added.exit_code == 0, added.output
    assert verify_password(screener(url).database, "anna", "correct horse battery")


def test_local_screener_answers_only_to_loopback_host_names(url):
    with client(screener(url)) as web:
        assert web.get("/api/health").status_code == 200
        assert web.get("/api/health", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/dashboard", "/dashboard"),
        ("/?status=waiting", "/?status=waiting"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        (None, "/"),
    ],
)
def test_redirects_stay_on_the_site(target, expected):
    assert safe_next(target) == expected


def test_hostile_notes_are_escaped_in_the_html(url, tmp_path):
    state = screener(url)
    store = state.store("local")
    fill(store)
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(
        json.dumps({"id": "h1", "text": f"Synergien {PAYLOAD}", "sender": PAYLOAD}), "utf-8"
    )
    run_import(store, hostile)
    with client(state) as web:
        for path in ("/", "/?status=pending&category=vague", "/templates", "/followups"):
            html = web.get(path).text
            assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in web.get("/").text


def test_user_add_names_an_unreadable_password_file(url, tmp_path):
    latin = tmp_path / "pw"
    latin.write_bytes("Passwört-mit-Umlaut\n".encode("latin-1"))
    result = CliRunner().invoke(
        main, ["--db", url, "user", "add", "anna", "--password-file", str(latin)]
    )
    assert result.exit_code != 0 and f"{latin}: cannot read the password" in result.output
    assert not verify_password(screener(url).database, "anna", "Passwört-mit-Umlaut")


def _signed_in(web) -> None:
    form = {"name": "anna", "password": "correct horse battery", "csrf_token": _login_token(web)}
    assert web.post("/login", data=form).status_code == 303
    assert web.get("/api/requests").status_code == 200


@pytest.mark.parametrize("how", ["logout", "new password", "user deleted"])
def test_a_copied_cookie_dies_with_the_session(url, how):
    """Issue 19: a cookie stayed valid for 14 days after logout, a password change or deletion."""
    from kontaktfilter.web.app import SESSION_COOKIE
    from kontaktfilter.web.auth import delete_user

    state = screener(url, local=False)
    set_password(state.database, "anna", "correct horse battery")
    with client(state) as web, client(state) as thief:
        _signed_in(web)
        thief.cookies.set(SESSION_COOKIE, web.cookies.get(SESSION_COOKIE))
        assert thief.get("/api/requests").status_code == 200
        if how == "logout":
            web.post("/logout", headers=csrf_headers(web))
        elif how == "new password":
            set_password(state.database, "anna", "another horse battery")
        else:
            assert delete_user(state.database, "anna")
        assert thief.get("/api/requests").status_code == 401
        assert web.get("/api/requests").status_code == 401


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.evil.example", False),  # a name that merely starts like one
        ("0.0.0.0", False),
        ("10.0.0.1", False),
    ],
)
def test_loopback_is_decided_by_the_address(host, loopback):
    from kontaktfilter.web.auth import is_loopback

    assert is_loopback(host) is loopback


def test_a_screener_on_another_loopback_address_accepts_its_own_host_name(url):
    from web_helpers import ENGINE, Screener, WebConfig, open_store

    state = Screener(WebConfig("127.0.0.2", "s", 1 << 20, True), open_store(url).engine, ENGINE)
    with client(state) as web:
        assert web.get("/api/health", headers={"Host": "127.0.0.2:8000"}).status_code == 200
        assert web.get("/api/health", headers={"Host": "evil.example"}).status_code == 400


def test_pages_carry_a_content_security_policy_and_refuse_framing(url):
    with client(screener(url)) as web:
        for path in ("/", "/api/health", "/static/app.css"):
            headers = web.get(path).headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"


def test_wrong_passwords_make_a_name_wait(url):
    from kontaktfilter.web.throttle import FREE_FAILURES

    state = screener(url, local=False)
    set_password(state.database, "anna", "correct horse battery")
    now = [1000.0]
    state.logins.clock = lambda: now[0]
    with client(state) as web:

        def attempt(password: str) -> int:
            form = {"name": "anna", "password": password, "csrf_token": _login_token(web)}
            return web.post("/login", data=form).status_code

        assert [attempt("wrong") for _ in range(FREE_FAILURES)] == [401] * FREE_FAILURES
        assert attempt("correct horse battery") == 429  # the name waits, even for the right one
        now[0] += 31
        assert attempt("wrong") == 401  # checked again; the next wait is twice as long
        now[0] += 31
        assert attempt("correct horse battery") == 429
        now[0] += 30
        assert attempt("correct horse battery") == 303


def test_a_state_change_from_another_origin_is_refused(url):
    with client(screener(url)) as web:
        headers = csrf_headers(web)
        foreign = web.post("/api/undo", headers={**headers, "Origin": "https://evil.example"})
        assert foreign.status_code == 403
        own = web.post("/api/undo", headers={**headers, "Origin": "http://127.0.0.1"})
        assert own.status_code != 403


@pytest.mark.parametrize("local", [True, False])
def test_the_session_cookie_is_secure_beyond_loopback(url, local):
    """Beyond loopback the screener stands behind TLS: its session cookie is never sent in
    clear (on loopback there is no login and plain HTTP is the way in)."""
    state = screener(url, local=local)
    with client(state) as web:
        if local:
            cookie = web.get("/api/session").headers["set-cookie"].lower()
        else:
            set_password(state.database, "anna", "correct horse battery")
            form = {
                "name": "anna",
                "password": "correct horse battery",
                "csrf_token": _login_token(web),
            }
            cookie = web.post("/login", data=form).headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie
    assert ("secure" in cookie) is not local
