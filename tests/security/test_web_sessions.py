"""The web app's sign-in on a real server: the cookie is a server-side session, never the key, and it ends
on sign-out, on expiry and when its key is revoked, wherever a copy of it went."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.helpers.service import Service, create_key, revoke_key_cli, running_service

pytestmark = pytest.mark.slow  # a real server process

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "X-Requested-With": "movequal"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data = tmp_path_factory.mktemp("web-sessions") / "data"
    create_key(data, "Setup")
    with running_service(data, "--workers", "0") as running:
        yield running


def _sign_in(service: Service, key: str) -> str:
    """Sign in as a browser would; return the cookie's value."""
    with httpx.Client(base_url=service.url, follow_redirects=False) as browser:
        answer = browser.post("/auth/login", data={"key": key, "next": "/"}, headers=SAME_ORIGIN)
        assert answer.status_code == 303, answer.text
        return answer.cookies["movequal_session"]


def _patients(service: Service, cookie: str) -> int:
    with httpx.Client(base_url=service.url, cookies={"movequal_session": cookie}) as browser:
        return browser.get("/v1/patients").status_code


def test_the_cookie_is_a_session_token_not_the_key(service: Service) -> None:
    key = create_key(service.data_dir, "North")
    cookie = _sign_in(service, key)
    assert key not in cookie and cookie not in key and len(cookie) >= 40
    assert _patients(service, cookie) == 200
    assert _patients(service, key) == 401, "the key itself is not a sign-in cookie"
    with httpx.Client(base_url=service.url, cookies={"movequal_session": cookie}) as browser:
        created = browser.post("/v1/patients", json={"reference": "P-1"}, headers=SAME_ORIGIN)
        assert created.status_code == 201
        assert browser.post("/v1/patients", json={"reference": "P-2"}).status_code == 403  # no CSRF header


def test_signing_out_ends_every_copy_of_the_cookie(service: Service) -> None:
    key = create_key(service.data_dir, "South")
    cookie, other_browser = _sign_in(service, key), _sign_in(service, key)
    with httpx.Client(base_url=service.url, cookies={"movequal_session": cookie}) as browser:
        assert browser.post("/auth/logout", headers=SAME_ORIGIN).status_code == 204
    assert _patients(service, cookie) == 401, "a copy of the cookie still worked after signing out"
    assert _patients(service, other_browser) == 200, "signing out one browser ended another"
    with httpx.Client(base_url=service.url, cookies={"movequal_session": cookie}) as browser:
        assert "sign in again" in browser.get("/v1/patients").json()["detail"]


def test_revoking_the_key_ends_its_sign_ins(service: Service) -> None:
    key = create_key(service.data_dir, "East")
    cookie = _sign_in(service, key)
    done = revoke_key_cli(service.data_dir, key[:10])
    assert done.returncode == 0, done.stderr
    assert _patients(service, cookie) == 401


def test_an_expired_sign_in_is_refused(service: Service) -> None:
    key = create_key(service.data_dir, "West")
    cookie = _sign_in(service, key)
    past = (datetime.now(UTC) - timedelta(seconds=1)).replace(tzinfo=None)
    with sqlite3.connect(service.data_dir / "movequal.db") as db:  # the clock moves on past the 12 h lifetime
        db.execute("UPDATE web_sessions SET expires_at = ? WHERE expires_at > ?", (past, past))
    assert _patients(service, cookie) == 401
