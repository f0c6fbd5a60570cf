"""The README's service commands: local mode on loopback, and the curl workflow with an API key."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import SAMPLE
from tests.helpers.service import create_key, running_service, service_env, wait_for

pytestmark = pytest.mark.slow  # real servers with a worker


def _curl(*args: str) -> str:
    curl = shutil.which("curl")
    assert curl, "curl is not installed"
    done = subprocess.run(
        [curl, "--silent", "--show-error", "--fail-with-body", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_local_mode_serves_loopback_without_a_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_service(data, "--local", "--workers", "1") as service:
        page = httpx.get(f"{service.url}/")
        assert page.status_code == 200 and 'id="file-input"' in page.text
        assert httpx.get(f"{service.url}/auth/me").json()["mode"] == "local"
        with service.client() as client, SAMPLE.open("rb") as fh:
            files = {"file": (SAMPLE.name, fh, "video/quicktime")}
            forged = client.post("/v1/analyses", files=files)  # what another site's page could send
            assert forged.status_code == 403 and "X-Requested-With" in forged.json()["detail"]
            fh.seek(0)
            accepted = client.post("/v1/analyses", files=files, headers={"X-Requested-With": "movequal"})
            assert accepted.status_code == 202
            rebound = httpx.get(f"{service.url}/v1/patients", headers={"Host": "attacker.example"})
            assert rebound.status_code == 403 and "loopback host" in rebound.json()["detail"]
            assert wait_for(client, accepted.json()["id"])["status"] == "done"
    refused = subprocess.run(
        [sys.executable, "-m", "movequal", "serve", "--local", "--host", "0.0.0.0", "--workers", "0"],
        env=service_env(data),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "loopback" in refused.stderr


def test_curl_workflow_with_an_api_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "Curl Clinic")
    with running_service(data, "--workers", "1") as service:
        header = f"X-API-Key: {key}"
        created = json.loads(
            _curl("-H", header, "-F", f"file=@{SAMPLE}", "-F", "movement=squat", f"{service.url}/v1/analyses")
        )
        assert created["status"] == "queued"
        with service.client(key) as client:
            wait_for(client, created["id"])
        result = json.loads(_curl("-H", header, f"{service.url}/v1/analyses/{created['id']}"))
        assert result["status"] == "done" and result["result"]["assessment"]["reps"]
        video = tmp_path / "annotated.mp4"
        _curl("-H", header, "-o", str(video), f"{service.url}{result['links']['video']}")
        assert video.read_bytes()[4:8] == b"ftyp"
        unauthorised = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{service.url}/v1/analyses"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert unauthorised.stdout == "401"
