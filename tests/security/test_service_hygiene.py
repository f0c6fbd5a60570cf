"""Smaller hardening items on a real server with a worker: private files, models that are not installed,
and a health check that answers while uploads are being read."""

from __future__ import annotations

import shutil
import stat
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from movequal.pose.model_files import default_models_dir
from tests.helpers import shared_clip
from tests.helpers.service import Service, create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # a real server and worker running the pose model

CLIP = "squat_side_good_ven.mp4"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str]]:
    root = tmp_path_factory.mktemp("hygiene")
    models = root / "models"  # only the lite model is installed on this server
    models.mkdir()
    for name in ("manifest.json", "pose_landmarker_lite.task"):
        shutil.copy(default_models_dir() / name, models / name)
    data = root / "data"
    env = {"MOVEQUAL_MODELS_DIR": str(models), "MOVEQUAL_DEFAULT_MODEL": "lite"}
    key = create_key(data, "North", **env)
    with running_service(data, "--workers", "1", **env) as running:
        yield running, key


def _upload(client: httpx.Client, path: Path, **fields: str) -> httpx.Response:
    with path.open("rb") as fh:
        return client.post("/v1/analyses", files={"file": (path.name, fh, "video/mp4")}, data=fields)


def test_patient_files_are_private_to_the_service_account(service: tuple[Service, str]) -> None:
    running, key = service
    with running.client(key) as client:
        accepted = _upload(client, shared_clip(CLIP), retain_source="true")
        assert accepted.status_code == 202, accepted.text
        assert wait_for(client, accepted.json()["id"], timeout=300)["status"] == "done"
    paths = [running.data_dir, *running.data_dir.rglob("*")]
    assert any(p.name == "annotated.mp4" for p in paths) and any(p.parent.name == "uploads" for p in paths)
    open_to_others = {str(p.relative_to(running.data_dir)): oct(p.stat().st_mode & 0o777) for p in paths}
    open_to_others = {name: mode for name, mode in open_to_others.items() if int(mode, 8) & 0o077}
    assert open_to_others == {}, "files readable by other accounts"
    assert stat.S_IMODE(running.data_dir.stat().st_mode) == 0o700


def test_a_model_that_is_not_installed_is_refused_at_upload(service: tuple[Service, str]) -> None:
    running, key = service
    with running.client(key) as client:
        for model in ("full", "heavy"):
            refused = _upload(client, shared_clip(CLIP), model=model)
            assert refused.status_code == 422, refused.text
            assert refused.json()["detail"] == (
                f"the pose model '{model}' is not installed on this server; choose another or ask the operator "
                f"to run `movequal models pull {model}`"
            )
        listed = client.get("/v1/analyses").json()["items"]
    assert len(listed) == 1, "a refused upload was queued"  # only the one of the test before
    assert not [p for p in (running.data_dir / "uploads").iterdir() if p.suffix != ".mp4" or p.stat().st_size == 0]


def _cut_fast_start(source: Path, target: Path, keep: float) -> None:
    """Remux ``source`` with its index at the start, then cut the file after ``keep`` of its bytes."""
    whole = target.with_suffix(".whole.mp4")
    with av.open(str(source)) as src, av.open(str(whole), "w", options={"movflags": "faststart"}) as out:
        video = out.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = video
                out.mux(packet)
    data = whole.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])


def test_a_video_cut_after_its_index_is_analysed_with_a_warning(service: tuple[Service, str], tmp_path: Path) -> None:
    running, key = service
    cut = tmp_path / "cut.mp4"
    _cut_fast_start(shared_clip(CLIP), cut, keep=0.4)
    with running.client(key) as client:
        accepted = _upload(client, cut)
        assert accepted.status_code == 202, accepted.text  # it opens, and its first part is usable
        body = wait_for(client, accepted.json()["id"], timeout=300)
    assert body["status"] == "done", body
    warnings = body["result"]["tracking"]["warnings"]
    assert any("of the 346 frames the file declares could be decoded" in w for w in warnings), warnings


def test_health_answers_quickly_during_30_concurrent_uploads(service: tuple[Service, str]) -> None:
    running, key = service
    clip = shared_clip(CLIP)

    def upload(_: int) -> int:
        with running.client(key, timeout=300) as client:
            return _upload(client, clip).status_code

    latencies = []
    with ThreadPoolExecutor(30) as pool, httpx.Client(base_url=running.url, timeout=30) as probe:
        uploads = [pool.submit(upload, i) for i in range(30)]
        time.sleep(0.3)  # the uploads are being read
        while not all(u.done() for u in uploads) or len(latencies) < 20:
            started = time.perf_counter()
            assert probe.get("/healthz").status_code == 200
            latencies.append(1000 * (time.perf_counter() - started))
            time.sleep(0.05)
        codes = [u.result() for u in uploads]
    assert codes == [202] * 30
    p95 = float(np.percentile(latencies, 95))
    assert p95 < 200, f"/healthz p95 {p95:.0f} ms over {len(latencies)} checks during 30 uploads"
