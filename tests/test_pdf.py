"""The printable PDF report: real WeasyPrint, read back with pypdf; offline; CLI, batch and API routes."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from movequal.batch.score import BatchSettings, content_key
from movequal.cli_pdf import write_folder_pdf
from movequal.core.dose import SessionDose
from movequal.core.scoring import assess
from movequal.pipeline import write_report_folder
from movequal.report.build import build_report
from movequal.report.pdf import html_to_pdf, offline_fetcher, progress_to_pdf, to_pdf
from movequal.synthetic import Camera, SyntheticSpec, generate
from tests.helpers import SAMPLE, run_cli
from tests.helpers.api_helpers import add_key, app_client
from tests.test_comparison_api import _patient, _stored
from tests.test_report import make_report

PROGRESSION = {
    "movement": "squat",
    "recommendation": "hold",
    "reasons": ["Pain rose 3 points over the session: keep the load."],
    "load_kg": 20.0,
    "suggested_load_kg": None,
    "override": None,
    "points": [],
}
COMPARISON = {
    "baseline_date": "2026-09-01",
    "differences": [],
    "metrics": [
        {"label": "Peak knee flexion", "baseline": 80.0, "value": 110.0, "change": 30.0, "error_text": "±14 deg",
         "verdict": "improved"},
    ],
}  # fmt: skip


def pdf_text(data: bytes) -> tuple[int, str]:
    """Parse a PDF back; return its page count and its text with whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Make every socket connection fail loudly, recording the addresses tried."""
    tried: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        tried.append(address)
        raise OSError(f"network access during PDF generation: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return tried


def test_the_pdf_holds_score_findings_dose_progression_and_baseline(tmp_path: Path, no_network: list[object]) -> None:
    report = make_report().model_copy(update={"dose": SessionDose(load_kg=20, pain_before=2, pain_after=5)})
    out = to_pdf(report, tmp_path / "report.pdf", progression=PROGRESSION, baseline=COMPARISON)
    pages, text = pdf_text(out.read_bytes())
    assert pages >= 1 and out.read_bytes().startswith(b"%PDF-")
    assert "78" in text and "Overall movement score" in text  # 77.5 shown rounded
    for finding in report.assessment.findings:
        assert " ".join(finding.title.split()) in text
    assert "Recommendation: Hold" in text and "Pain rose 3 points over the session: keep the load." in text
    assert "Session: 20 kg" in text and "Peak knee flexion" in text and "improved" in text and "±14 deg" in text
    assert no_network == []


def test_a_report_without_score_or_options_still_prints(tmp_path: Path) -> None:
    pages, text = pdf_text(to_pdf(make_report(with_reps=False), tmp_path / "r.pdf").read_bytes())
    assert pages >= 1 and "No score" in text and "Recommendation" not in text


def test_the_pdf_never_fetches_an_external_url(no_network: list[object]) -> None:
    fetcher = offline_fetcher()
    url = "http://example.com/tracker.png"
    page = (
        f'<html><head><link rel="stylesheet" href="https://example.com/x.css"></head>'
        f'<body><p>offline</p><img src="{url}"><img src="data:image/gif;base64,'
        'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"></body></html>'
    )
    _, text = pdf_text(html_to_pdf(page, fetcher))
    assert "offline" in text
    assert sorted(fetcher.refused) == sorted([url, "https://example.com/x.css"])  # asked, refused, nothing fetched
    assert no_network == []


def test_a_typical_report_with_rep_curves_prints_them(tmp_path: Path, no_network: list[object]) -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=4, camera=Camera(view="sagittal-left"), seed=1))
    result = assess(pose)
    report = build_report(
        result, file="clip.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size, model="lite"
    )
    assert report.rep_curves
    _, text = pdf_text(to_pdf(report, tmp_path / "r.pdf").read_bytes())
    assert "Rep curves" in text and "Knee flexion" in text and "% of the repetition" in text


def test_the_progress_summary_lists_each_task_and_its_sessions(tmp_path: Path) -> None:
    point = {"analysis_id": "a1", "session_date": "2026-09-01", "load_kg": 20.0, "score": 84.0,
             "compensation": None, "pain_before": 2, "pain_after": 3, "threshold_kg": 20.0}  # fmt: skip
    gate = {"patient_id": "p", "tasks": [PROGRESSION | {"recommendation": "progress", "points": [point]}]}
    progress = {"series": [{"movement": "squat", "label": "Peak knee flexion", "unit": "deg", "points": [{}, {}],
                            "change": 12.0, "verdict": "improved"}]}  # fmt: skip
    out = progress_to_pdf({"reference": "P-042", "display_name": None}, gate, tmp_path / "p.pdf", progress=progress)
    pages, text = pdf_text(out.read_bytes())
    assert pages >= 1 and "Patient P-042" in text and "Recommendation: Progress" in text
    assert "2026-09-01" in text and "84" in text and "Peak knee flexion" in text


def test_a_report_folder_gets_its_pdf_with_the_baseline(tmp_path: Path) -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=2, camera=Camera(view="sagittal-left"), seed=1))
    result = assess(pose)
    report = build_report(
        result, file="clip.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size, model="lite"
    )
    write_report_folder(tmp_path, pose, report, result, None, html=False)
    before = tmp_path / "before.json"
    before.write_text(json.dumps(make_report().model_dump(mode="json")))
    _, text = pdf_text(write_folder_pdf(tmp_path, before).read_bytes())
    assert f"{report.assessment.score:.0f}" in text and "Compared with the baseline session" in text


def test_batch_keys_change_only_when_a_pdf_is_asked_for() -> None:
    assert content_key(SAMPLE, BatchSettings()) == content_key(SAMPLE, BatchSettings(write_pdf=False))
    assert content_key(SAMPLE, BatchSettings(write_pdf=True)) != content_key(SAMPLE, BatchSettings())
    assert BatchSettings(write_pdf=True).for_item(_item()).write_pdf


def _item() -> Any:
    from movequal.batch.inputs import BatchItem

    return BatchItem(path=SAMPLE)


@pytest.mark.slow
def test_analyze_pdf_writes_report_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("analyze", str(SAMPLE), "--out", str(out), "--no-video", "--model", "lite", "--pdf")
    assert result.returncode == 0, result.stderr
    pages, text = pdf_text((out / "report.pdf").read_bytes())
    stored = json.loads((out / "report.json").read_text())
    assert pages >= 1 and f"{stored['assessment']['score']:.0f}" in text


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


def test_the_api_serves_the_pdf_with_the_progression_and_hides_other_clinics(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = _patient(client, headers, "P-1")
    base = _stored(client, pid, date(2026, 9, 1), "sagittal-left", 80.0)
    later = _stored(client, pid, date(2026, 10, 1), "sagittal-left", 110.0)
    answer = client.get(f"/v1/analyses/{later}/report.pdf", params={"baseline": base}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'attachment; filename="movequal-squat-2026-10-01.pdf"'
    pages, text = pdf_text(answer.content)
    assert pages >= 1 and "78" in text and "Compared with the baseline session of 2026-09-01" in text
    gate = client.get(f"/v1/patients/{pid}/progression", headers=headers).json()["tasks"]
    assert gate, "two scored sessions: the gate answers for the movement"
    assert f"Recommendation: {gate[0]['recommendation'].capitalize()}" in text

    progress = client.get(f"/v1/patients/{pid}/progress.pdf", headers=headers)
    assert progress.status_code == 200 and progress.headers["content-type"] == "application/pdf"
    assert "Patient P-1" in pdf_text(progress.content)[1]

    other = {"X-API-Key": add_key(client, "South")}
    missing = client.get("/v1/analyses/nope/report.pdf", headers=other)
    foreign = client.get(f"/v1/analyses/{later}/report.pdf", headers=other)
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    foreign_patient = client.get(f"/v1/patients/{pid}/progress.pdf", headers=other)
    assert foreign_patient.status_code == 404


def test_an_analysis_without_a_result_is_a_conflict(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pending = _stored(client, None, date(2026, 9, 1), "sagittal-left", 80.0, done=False)
    assert client.get(f"/v1/analyses/{pending}/report.pdf", headers=headers).status_code == 409
