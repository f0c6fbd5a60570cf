"""Durability: a worker or the whole service killed with SIGKILL mid-job never loses the job."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import shared_clip
from tests.helpers.service import create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # real servers whose workers are killed mid-job

LONG_CLIP = "squat_side_good_ven.mp4"  # 13.8 s: long enough to be caught mid-job


def _upload(client: httpx.Client, path: Path) -> str:
    with path.open("rb") as fh:
        response = client.post("/v1/analyses", files={"file": (path.name, fh, "video/mp4")})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _running_worker_pid(data_dir: Path, analysis_id: str, timeout: float = 180.0) -> int:
    """PID of the worker process running ``analysis_id`` once it is well into pose estimation."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(data_dir / "movequal.db") as db:
            row = db.execute("SELECT status, worker_id, progress FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        if row and row[0] == "running" and row[1] and row[2] >= 10:
            return int(row[1].rsplit(":", 1)[1])
        time.sleep(0.1)
    raise AssertionError(f"analysis {analysis_id} never got going")


def test_worker_killed_mid_job_is_retried(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "North")
    with running_service(data, "--workers", "1") as service, service.client(key) as client:
        aid = _upload(client, shared_clip(LONG_CLIP))
        pid = _running_worker_pid(data, aid)
        os.kill(pid, signal.SIGKILL)
        body = wait_for(client, aid, timeout=400)
        assert body["status"] == "done", body
        assert body["attempts"] == 2
        assert body["result"]["assessment"]["reps"], "the retried analysis found no reps"
        assert client.get("/healthz").status_code == 200
        assert not list((data / "uploads").iterdir())
        assert not [p for p in (data / "analyses").iterdir() if p.name.startswith(".")], "staging folder left behind"
    assert "handed back" in service.log.read_text()


def test_worker_killed_on_every_attempt_fails_with_a_reason(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "North")
    with (
        running_service(data, "--workers", "1", MOVEQUAL_JOB_MAX_ATTEMPTS="1") as service,
        service.client(key) as client,
    ):
        aid = _upload(client, shared_clip(LONG_CLIP))
        os.kill(_running_worker_pid(data, aid), signal.SIGKILL)
        body = wait_for(client, aid, timeout=120)
        assert body["status"] == "failed"
        assert "stopped unexpectedly" in body["error"] and body["attempts"] == 1
        assert not list((data / "uploads").iterdir()), "source of a failed job kept without retention"
        assert client.get("/readyz").status_code == 200


def test_service_killed_mid_job_resumes_after_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "North")
    lease = {"MOVEQUAL_JOB_LEASE_S": "3"}
    with running_service(data, "--workers", "1", **lease) as service, service.client(key) as client:
        running_id = _upload(client, shared_clip(LONG_CLIP))
        queued_id = _upload(client, shared_clip(LONG_CLIP))
        _running_worker_pid(data, running_id)
        service.kill()  # web process and worker, SIGKILL, no clean-up at all
    with running_service(data, "--workers", "1", **lease) as again, again.client(key) as client:
        for aid, attempts in ((running_id, 2), (queued_id, 1)):
            body = wait_for(client, aid, timeout=400)
            assert body["status"] == "done", body
            assert body["attempts"] == attempts
