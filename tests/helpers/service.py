"""A real ``movequal serve`` (uvicorn + worker processes) on loopback for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.helpers import REPO


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment of a service process keeping its data in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOVEQUAL_") or k == "MOVEQUAL_MODELS_DIR"}
    env |= {"MOVEQUAL_DATA_DIR": str(data_dir), "MOVEQUAL_JOB_RETRY_DELAY_S": "0.2", **extra}
    return env


def create_key(data_dir: Path, clinic: str, **extra: str) -> str:
    """Create an API key with the real CLI; return the key."""
    done = subprocess.run(
        [sys.executable, "-m", "movequal", "keys", "create", "--clinic", clinic],
        env=service_env(data_dir, **extra),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip()


def revoke_key_cli(data_dir: Path, prefix: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``keys revoke PREFIX``; return the finished process (its exit code tells the outcome)."""
    return subprocess.run(
        [sys.executable, "-m", "movequal", "keys", "revoke", prefix],
        env=service_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Service:
    """A running service: its URL, data folder, process and a log file."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def client(self, key: str | None = None, timeout: float = 60.0) -> httpx.Client:
        """An HTTP client for this service, with ``key`` as X-API-Key."""
        headers = {"X-API-Key": key} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def kill(self) -> None:
        """SIGKILL the whole service (web process and workers) at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120.0) -> None:
    """Wait until ``/readyz`` answers 200; fail with the log when the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"service exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"service not ready after {timeout} s:\n{log.read_text()[-4000:]}")


@contextmanager
def running_service(data_dir: Path, *args: str, **extra_env: str) -> Iterator[Service]:
    """Start ``movequal serve`` with ``args``; stop it (SIGTERM, then SIGKILL) afterwards."""
    port = free_port()
    log = data_dir.parent / f"{data_dir.name}-service-{port}.log"
    env = service_env(data_dir, **extra_env)
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "movequal", "serve", "--port", str(port), *args],
            env=env,
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(f"http://127.0.0.1:{port}", data_dir, process, log, env)
    try:
        wait_ready(service.url, process, log)
        yield service
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def wait_for(
    client: httpx.Client, analysis_id: str, states: tuple[str, ...] = ("done", "failed"), timeout: float = 300.0
) -> dict:
    """Poll an analysis until its status is one of ``states``; return its JSON."""
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        body = client.get(f"/v1/analyses/{analysis_id}").json()
        if body["status"] in states:
            return body
        time.sleep(0.25)
    raise AssertionError(f"analysis {analysis_id} still {body.get('status')} after {timeout} s: {body}")
