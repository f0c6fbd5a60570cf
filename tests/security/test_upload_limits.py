"""Uploads whose headers lie, attacked on a real server with a worker: limits hold on what is decoded, the
probe cannot blow up the web process, and every job ends (done, or failed with a reason) by its deadline."""

from __future__ import annotations

import fractions
import io
import time
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from movequal.errors import CorruptVideoError
from movequal.io.probe_process import probe_video_isolated
from tests.helpers import shared_clip
from tests.helpers.service import Service, create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # real servers and workers decoding crafted videos

MAX_SIDE, MAX_S = 1000, 5.0


class _Sink:
    """A write-only file: a muxer cannot seek back to write the duration into the header."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += bytes(chunk)
        return len(chunk)


def _noise(width: int, height: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 255, (height, width, 3), dtype=np.uint8) for _ in range(count)]


def _encode(target: object, fmt: str, codec: str, frames: list[np.ndarray], pts_step: int | None = None) -> None:
    with av.open(target, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=25)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        if pts_step is not None:
            stream.time_base = stream.codec_context.time_base = fractions.Fraction(1, 1_000_000)
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            if pts_step is not None:
                frame.pts, frame.time_base = i * pts_step, stream.time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _crafted(folder: Path) -> dict[str, Path]:
    files = {}
    sink = _Sink()  # 8 s of video whose Matroska header gives no duration (probed as 0 s)
    _encode(sink, "matroska", "libx264", _noise(64, 64, 200))
    files["no-duration.mkv"] = bytes(sink.data)
    fast = io.BytesIO()  # 2000 frames time-stamped within 0.34 s: 5900 frames per second
    _encode(fast, "mp4", "libx264", _noise(64, 64, 2000), pts_step=170)
    files["fast.mp4"] = fast.getvalue()
    small, large = io.BytesIO(), io.BytesIO()  # an MPEG-TS that starts at 320×240 and switches to 1280×720
    _encode(small, "mpegts", "libx264", _noise(320, 240, 25))
    _encode(large, "mpegts", "libx264", _noise(1280, 720, 10))
    files["switching.ts"] = small.getvalue() + large.getvalue()
    bomb = io.BytesIO()  # 2 MB of MJPEG declaring 8000 × 8000 pixels
    _encode(bomb, "matroska", "mjpeg", [np.full((8000, 8000, 3), 90, np.uint8)])
    files["bomb.mkv"] = bomb.getvalue()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _crafted(tmp_path_factory.mktemp("crafted"))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    data = tmp_path_factory.mktemp("upload-limits") / "data"
    key = create_key(data, "North")
    limits = {"MOVEQUAL_MAX_SIDE_PX": str(MAX_SIDE), "MOVEQUAL_MAX_DURATION_S": str(MAX_S)}
    with running_service(data, "--workers", "1", **limits) as running:
        yield running, key


def _upload(client: httpx.Client, path: Path) -> httpx.Response:
    with path.open("rb") as fh:
        return client.post("/v1/analyses", files={"file": (path.name, fh, "application/octet-stream")})


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("no-duration.mkv", f"no-duration.mkv: the video runs past {MAX_S:.0f} s, the longest accepted"),
        ("fast.mp4", "more than 240 frames per second"),
        ("switching.ts", f"switching.ts: a frame is 1280×720; the limit is {MAX_SIDE} pixels per side"),
    ],
)
def test_a_header_that_lies_is_caught_while_decoding(
    service: tuple[Service, str], crafted: dict[str, Path], name: str, reason: str
) -> None:
    running, key = service
    with running.client(key) as client:
        accepted = _upload(client, crafted[name])
        assert accepted.status_code == 202, accepted.text  # the header passes the upload's checks
        started = time.monotonic()
        body = wait_for(client, accepted.json()["id"], timeout=120)
    assert body["status"] == "failed" and reason in body["error"], body
    assert body["attempts"] == 1, "a file over a limit is not retried"
    assert time.monotonic() - started < 60


def test_a_declared_giant_picture_is_refused_before_decoding(
    service: tuple[Service, str], crafted: dict[str, Path]
) -> None:
    running, key = service
    pid = running.process.pid
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the web process's peak RSS
    before = _peak_rss_mb(pid)
    with running.client(key) as client:
        refused = [_upload(client, crafted["bomb.mkv"]) for _ in range(4)]
        assert client.get("/healthz").status_code == 200
    for answer in refused:
        assert answer.status_code == 413
        assert answer.json() == {"detail": f"bomb.mkv: the video is 8000×8000; the limit is {MAX_SIDE} pixels per side"}
    grown = _peak_rss_mb(pid) - before
    assert grown < 200, f"the web process grew {grown:.0f} MB probing uploads it refused"
    assert not list((running.data_dir / "uploads").iterdir()), "a refused upload was kept"


def test_the_probe_runs_under_a_memory_ceiling(crafted: dict[str, Path]) -> None:
    # Without the size check, decoding the 8000 × 8000 frame needs more than the ceiling: the child fails, cleanly.
    with pytest.raises(CorruptVideoError, match=r"no frame could be decoded|within 300 MB"):
        probe_video_isolated(crafted["bomb.mkv"], memory_mb=300)
    assert probe_video_isolated(shared_clip("squat_side_good_ven.mp4"), memory_mb=300).width == 360


def test_every_job_ends_by_its_deadline(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "North")
    with (
        running_service(data, "--workers", "1", MOVEQUAL_JOB_DEADLINE_S="2") as running,
        running.client(key) as client,
    ):
        accepted = _upload(client, shared_clip("squat_side_good_ven.mp4"))
        assert accepted.status_code == 202
        body = wait_for(client, accepted.json()["id"], timeout=120)
    assert body["status"] == "failed", body
    assert body["error"] == "the analysis took longer than this server allows (2 s)"
    assert body["attempts"] == 1
