"""The server's processes and files when it is stopped or killed: no orphan worker, no half-written patient
video left behind (real servers, real workers, SIGTERM and SIGKILL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import shared_clip
from tests.helpers.service import create_key, running_service

pytestmark = pytest.mark.slow  # real servers with workers, killed mid-job

CLIP = "squat_side_good_ven.mp4"  # 13.8 s: long enough to be caught in its video stage


def _children(pid: int) -> list[int]:
    """PIDs of the live processes whose parent is ``pid``."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:  # the process ended while we looked
            continue
        if fields.get("PPid", "").strip() == str(pid) and fields.get("State", "").strip()[:1] != "Z":
            found.append(int(status.parent.name))
    return found


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if "\nState:\tZ" not in state:
            alive.append(pid)
    return alive


def _wait_gone(pids: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _alive(pids)


def _workers(pid: int, count: int, timeout: float = 60.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(found := _children(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(found) >= count, f"expected {count} worker processes under {pid}, found {found}"
    return found


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_no_worker_outlives_the_server(tmp_path: Path, how: signal.Signals) -> None:
    data = tmp_path / "data"
    create_key(data, "North")
    with running_service(data, "--workers", "2") as service:
        workers = _workers(service.process.pid, 2)
        os.kill(service.process.pid, how)  # the server process only, as systemd or an OOM kill would
        service.process.wait(60)
        left = _wait_gone(workers, timeout=45)
        assert left == [], f"worker(s) {left} outlived the server ({how.name})"


def _stage(data: Path, analysis_id: str) -> tuple[str, float] | None:
    with sqlite3.connect(data / "movequal.db") as db:
        row = db.execute("SELECT status, progress FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
    return None if row is None else (row[0], row[1])


def test_a_kill_in_the_video_stage_leaves_no_patient_video_after_delete(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "North")
    lease = {"MOVEQUAL_JOB_LEASE_S": "600"}  # the killed attempt stays "running": only delete can clean it
    with running_service(data, "--workers", "1", **lease) as service, service.client(key) as client:
        with shared_clip(CLIP).open("rb") as fh:
            answer = client.post("/v1/analyses", files={"file": (CLIP, fh, "video/mp4")})
        aid = answer.json()["id"]
        staging = data / "analyses" / f".{aid}.attempt1"
        deadline = time.monotonic() + 300
        while not (staging.is_dir() and any(staging.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert staging.is_dir(), f"never saw the video stage: {_stage(data, aid)}"
        service.kill()  # web process and worker, SIGKILL, in the middle of writing the annotated video
    assert any(staging.iterdir()), "the kill came after the attempt had cleaned up: nothing was tested"
    with running_service(data, "--workers", "0", **lease) as again, again.client(key) as client:
        assert staging.is_dir(), "a running job's staging folder was swept at start-up"
        assert client.delete(f"/v1/analyses/{aid}").status_code == 204
        assert not staging.exists(), "the partial annotated video survived the delete"
        assert not [p.name for p in (data / "analyses").iterdir()]
        assert httpx.get(f"{again.url}/healthz").status_code == 200


def test_staging_of_an_analysis_not_running_is_swept_at_start_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    create_key(data, "North")
    leftover = data / "analyses" / ".0123456789abcdef0123456789abcdef.attempt1"
    leftover.mkdir(parents=True)
    (leftover / "annotated.mp4.part").write_bytes(b"\x00" * 1024)
    with running_service(data, "--workers", "0") as service:
        assert not leftover.exists()
    assert "removed 1 half-written result folder(s)" in service.log.read_text()
