"""The service for real: uvicorn, worker processes and the pose model on real clips."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import httpx
import pytest

from tests.helpers import SAMPLE
from tests.helpers.service import Service, create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # a real uvicorn server with worker processes


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, str, str]]:
    data = tmp_path_factory.mktemp("service") / "data"
    north, south = create_key(data, "North Clinic"), create_key(data, "South Clinic")
    with running_service(data, "--workers", "2") as running:
        yield running, north, south


def _upload(client: httpx.Client, path: Path, **fields: str) -> httpx.Response:
    with path.open("rb") as fh:
        return client.post("/v1/analyses", files={"file": (path.name, fh, "video/quicktime")}, data=fields)


def test_upload_gives_the_same_result_as_the_cli(service: tuple[Service, str, str], sample_report_dir: Path) -> None:
    running, north, south = service
    with running.client(north) as client:
        pid = client.post("/v1/patients", json={"reference": "CLI-1"}).json()["id"]
        accepted = _upload(client, SAMPLE, patient_id=pid, blur_faces="false")
        assert accepted.status_code == 202
        body = wait_for(client, accepted.json()["id"])
        assert body["status"] == "done", body
        assert body["progress"] == 100 and body["attempts"] == 1 and body["patient_id"] == pid
        cli = json.loads((sample_report_dir / "report.json").read_text())["assessment"]
        api = body["result"]["assessment"]
        assert len(api["reps"]) == len(cli["reps"]) >= 1
        assert sorted(f["code"] for f in api["findings"]) == sorted(f["code"] for f in cli["findings"])
        assert api["score"] == pytest.approx(cli["score"], abs=5)
        assert body["source_retained"] is False
        assert body["result"]["source"]["file"] == SAMPLE.name, "the report names the upload, not the server's file"
        assert not list((running.data_dir / "uploads").iterdir()), "source video kept after analysis"
        listed = client.get("/v1/analyses", params={"patient_id": pid}).json()
        assert listed["total"] == 1 and listed["items"][0]["score"] == api["score"]
    with running.client(south) as other:
        assert other.get(body["links"]["self"]).status_code == 404
        assert other.get(body["links"]["video"]).status_code == 404


def test_outputs_are_served_with_range_support(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    with running.client(north) as client:
        body = wait_for(client, _upload(client, SAMPLE).json()["id"])
        links = body["links"]
        part = client.get(links["video"], headers={"Range": "bytes=100-1123"})
        assert part.status_code == 206 and len(part.content) == 1024
        assert part.headers["content-range"].startswith("bytes 100-1123/")
        whole = client.get(links["video"])
        assert whole.headers["content-type"] == "video/mp4" and whole.content[100:1124] == part.content
        local = running.data_dir.parent / "served.mp4"
        local.write_bytes(whole.content)
        with av.open(str(local)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
        report = client.get(links["report"])
        assert report.status_code == 200 and "data:video/mp4;base64," in report.text
        angles = client.get(links["angles_csv"])
        assert angles.status_code == 200 and "time_s" in angles.text.splitlines()[0].split(",")
        assert client.get(links["landmarks_trc"]).text.startswith("PathFileType")


def test_retained_source_is_kept_until_deleted(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    with running.client(north) as client:
        body = wait_for(client, _upload(client, SAMPLE, retain_source="true").json()["id"])
        assert body["status"] == "done" and body["source_retained"] is True
        kept = running.data_dir / "uploads" / f"{body['id']}.mp4"
        assert kept.read_bytes() == SAMPLE.read_bytes()
        assert client.delete(body["links"]["self"]).status_code == 204
        assert not kept.exists() and not (running.data_dir / "analyses" / body["id"]).exists()
        assert client.get(body["links"]["self"]).status_code == 404


def test_twenty_concurrent_uploads_lose_nothing(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    with running.client(north, timeout=120) as client:

        def send(_: int) -> httpx.Response:
            return _upload(client, SAMPLE, movement="squat", model="full")

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(send, range(20)))
        assert [r.status_code for r in responses] == [202] * 20
        ids = {r.json()["id"] for r in responses}
        assert len(ids) == 20
        slowest, statuses = 0.0, []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            start = time.perf_counter()
            health = client.get("/healthz")
            slowest = max(slowest, time.perf_counter() - start)
            assert health.status_code == 200
            bodies = [client.get(f"/v1/analyses/{i}") for i in ids]
            assert all(b.status_code == 200 for b in bodies)
            statuses = [b.json()["status"] for b in bodies]
            if all(s in ("done", "failed") for s in statuses):
                break
            time.sleep(0.5)
        assert statuses == ["done"] * 20, statuses
        assert slowest < 1.0, f"web process answered /healthz in {slowest:.2f} s while workers were busy"
    log = running.log.read_text()
    assert " 500 " not in log and "Traceback" not in log


def test_bad_inputs_through_the_service(service: tuple[Service, str, str], bad_inputs: dict[str, Path]) -> None:
    running, north, _ = service
    expected = {"empty": 400, "text": 415, "png": 415, "audio": 415, "truncated": 422}
    with running.client(north) as client:
        for name, code in expected.items():
            response = _upload(client, bad_inputs[name])
            assert response.status_code == code, (name, response.text)
            assert response.json()["detail"]
        nobody = _upload(client, bad_inputs["no_person"])
        assert nobody.status_code == 202
        body = wait_for(client, nobody.json()["id"])
        assert body["status"] == "failed" and "no person found" in body["error"]
        assert body["attempts"] == 1, "an input error must not be retried"
        assert "no_person.mp4" in body["error"] and str(running.data_dir) not in body["error"]
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_patient_progress_across_sessions(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    with running.client(north) as client:
        pid = client.post("/v1/patients", json={"reference": "PROG-1"}).json()["id"]
        first = _upload(client, SAMPLE, patient_id=pid, session_date="2026-10-01", movement="squat").json()["id"]
        second = _upload(client, SAMPLE, patient_id=pid, session_date="2026-11-01", movement="squat").json()["id"]
        for aid in (first, second):
            assert wait_for(client, aid)["status"] == "done"
        progress = client.get(f"/v1/patients/{pid}/progress").json()
        assert progress["movements"] == ["squat"]
        score = next(s for s in progress["series"] if s["metric"] == "score")
        assert [p["analysis_id"] for p in score["points"]] == [first, second]
        values = [p["value"] for p in score["points"]]
        assert score["change"] == pytest.approx(values[1] - values[0])
        assert score["change_exceeds_error"] is (abs(score["change"]) > score["mdc95"])
        assert score["verdict"] == "no real change"  # the same clip twice: any difference is measurement error
        assert client.get(f"/v1/patients/{pid}").json()["sessions"] == 2


@pytest.mark.postgres
def test_service_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    from tests.helpers.pg import fresh_database

    url = fresh_database(postgres_url, "service_e2e")
    data = tmp_path / "data"
    key = create_key(data, "PG Clinic", MOVEQUAL_DATABASE_URL=url)
    with running_service(data, "--workers", "1", MOVEQUAL_DATABASE_URL=url) as running, running.client(key) as client:
        body = wait_for(client, _upload(client, SAMPLE).json()["id"])
        assert body["status"] == "done" and body["result"]["assessment"]["reps"]
        assert not (data / "movequal.db").exists(), "the SQLite default was used instead of PostgreSQL"


def _headers_only(url: str, headers: dict[str, str]) -> tuple[int, str]:
    """Send a POST's headers and no body; return the status line's code and the body, as the server answers."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    lines = ["POST /v1/analyses HTTP/1.1", f"Host: {parts.netloc}", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while True:  # a server waiting for the body would time out here
            answer += sock.recv(65536)
            head, sep, body = answer.partition(b"\r\n\r\n")
            length = next(
                (int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0
            )
            if sep and len(body) >= length:
                break
    return int(head.split()[1]), body.decode()


def test_uploads_are_refused_from_their_headers_before_the_body_is_read(service: tuple[Service, str, str]) -> None:
    running, north, _ = service
    form = {"Content-Type": "multipart/form-data; boundary=x"}
    code, body = _headers_only(running.url, {**form, "Content-Length": str(10**11)})
    assert code == 401 and "API key" in body
    code, body = _headers_only(running.url, {**form, "Content-Length": str(10**11), "X-API-Key": north})
    assert code == 413 and "MiB" in body
    code, body = _headers_only(running.url, {**form, "Transfer-Encoding": "chunked", "X-API-Key": north})
    assert code == 411 and "Content-Length" in body
    assert httpx.get(f"{running.url}/healthz").status_code == 200
