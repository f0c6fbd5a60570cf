"""Bodies outside uploads and the sign-in form, attacked on a real server: every body has a cap, chunked or
declared, answered with 413 before it is read; a sign-in posted by another site is refused."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from api.guard import FORM_BODY_LIMIT, JSON_BODY_LIMIT
from tests.helpers import shared_clip
from tests.helpers.service import Service, create_key, running_service

pytestmark = pytest.mark.slow  # a real server process


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("http-limits") / "data"
    key = create_key(data, "North")
    with running_service(data, "--workers", "0") as running:
        yield running, key


def _raw_chunked(service: Service, path: str, headers: dict[str, str], total: int) -> tuple[int, dict, int]:
    """POST ``total`` bytes with chunked transfer encoding over a raw socket, stopping once the server answers.

    Returns the status, the JSON body and how many body bytes were sent before the answer came.
    """
    url = urlsplit(service.url)
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", "Transfer-Encoding: chunked", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    chunk = b"k" * 16384
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sock.setblocking(False)
        answer = b""
        while sent < total:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        deadline = time.monotonic() + 30
        with contextlib.suppress(ConnectionResetError):  # the server hangs up on the rest of the body
            while time.monotonic() < deadline:
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
    head, _, rest = answer.partition(b"\r\n\r\n")
    code = int(head.split(b" ", 2)[1])
    body = rest.split(b"\r\n", 1)[1].rsplit(b"\r\n0", 1)[0] if b"chunked" in head.lower() else rest
    return code, json.loads(body), sent


def test_a_chunked_body_past_its_cap_is_answered_413_before_it_is_all_sent(service: tuple[Service, str]) -> None:
    running, key = service
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path, headers, limit in (
        ("/auth/login", form, FORM_BODY_LIMIT),
        ("/v1/patients", {"Content-Type": "application/json", "X-API-Key": key}, JSON_BODY_LIMIT),
    ):
        code, body, sent = _raw_chunked(running, path, headers, total=64 * 1024 * 1024)
        assert code == 413 and body == {"detail": "the request body is larger than allowed"}, (path, code, body)
        assert sent < limit + 8 * 1024 * 1024, f"{path}: {sent} bytes were taken before the refusal"
    assert httpx.get(f"{running.url}/healthz", timeout=5).status_code == 200


def test_a_declared_body_past_its_cap_is_refused_unread(service: tuple[Service, str]) -> None:
    running, _ = service
    url = urlsplit(running.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        head = f"POST /auth/login HTTP/1.1\r\nHost: {url.netloc}\r\nContent-Length: {1 << 30}\r\n"
        sock.sendall((head + "Content-Type: application/x-www-form-urlencoded\r\n\r\n").encode())
        answer = b""  # no body is sent at all: the answer comes from the headers alone
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while b"too large" not in answer and (more := sock.recv(65536)):
                answer += more
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"the request body is too large" in answer


def test_a_sign_in_posted_by_another_site_is_refused(service: tuple[Service, str]) -> None:
    running, key = service
    form = {"key": key, "next": "/"}
    host = urlsplit(running.url).netloc
    with httpx.Client(base_url=running.url, follow_redirects=False) as client:
        for forged in (
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site", "Origin": "http://sub." + host},
        ):
            answer = client.post("/auth/login", data=form, headers=forged)
            assert answer.status_code == 403, forged
            assert answer.json() == {"detail": "cross-site sign-in refused"}
            assert "set-cookie" not in answer.headers
        own = client.post("/auth/login", data=form, headers={"Origin": running.url, "Sec-Fetch-Site": "same-origin"})
        assert own.status_code == 303 and "movequal_session" in own.headers["set-cookie"]
        assert client.post("/auth/logout", headers={"Origin": "https://evil.example"}).status_code == 403


def test_one_clinic_cannot_fill_the_queue(tmp_path: Path) -> None:
    data = tmp_path / "data"
    north, south = create_key(data, "North"), create_key(data, "South")
    clip = shared_clip("squat_side_good_ven.mp4")
    with running_service(data, "--workers", "0", MOVEQUAL_MAX_PENDING_PER_CLINIC="3") as running:

        def upload(key: str) -> httpx.Response:
            with running.client(key) as client, clip.open("rb") as fh:
                return client.post("/v1/analyses", files={"file": (clip.name, fh, "video/mp4")})

        assert [upload(north).status_code for _ in range(3)] == [202] * 3
        over = upload(north)
        assert over.status_code == 429 and over.headers["retry-after"] == "30"
        assert over.json() == {
            "detail": "this clinic already has 3 analyses waiting or running; upload again when some have finished"
        }
        assert upload(south).status_code == 202, "another clinic still gets in"
        assert len(list((data / "uploads").iterdir())) == 4, "the refused upload was kept"
