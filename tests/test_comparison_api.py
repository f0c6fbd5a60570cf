"""A session against a chosen baseline through ``/v1/analyses/{id}/comparison`` (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.crud import record_result
from api.db import session_scope
from api.models import Analysis
from api.security import get_or_create_clinic
from tests.helpers.api_helpers import add_key, app_client
from tests.test_report import make_report


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


def _curve(angle: str, method: str, peak: float) -> dict[str, Any]:
    mean = [peak * (1 - abs(i - 50) / 50) for i in range(101)]
    return {"angle": angle, "label": angle, "unit": "deg", "method": method, "reps": 2, "mean": mean, "sd": [1.0] * 101}


def _stored(client: TestClient, pid: str | None, day: date, view: str, knee: float, *, done: bool = True) -> str:
    report = make_report().model_dump(mode="json")
    report["assessment"]["view"] = view
    report["assessment"]["metrics"][0]["value"] = knee
    method = "image" if view.startswith("sagittal") else "3d"
    report["rep_curves"] = [_curve("knee_flexion", method, knee), _curve("trunk_inclination", method, 30.0)]
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        clinic = get_or_create_clinic(session, "North")
        job = Analysis(
            clinic_id=clinic.id,
            patient_id=pid,
            status="done" if done else "queued",
            source_name="clip.mp4",
            session_date=day,
        )
        session.add(job)
        session.flush()
        if done:
            record_result(session, job.id, report)
        return job.id


def _patient(client: TestClient, headers: dict[str, str], reference: str) -> str:
    return str(client.post("/v1/patients", json={"reference": reference}, headers=headers).json()["id"])


def test_same_view_changes_are_judged_and_curves_paired(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = _patient(client, headers, "P-1")
    base = _stored(client, pid, date(2026, 9, 1), "sagittal-left", 80.0)
    later = _stored(client, pid, date(2026, 10, 1), "sagittal-left", 110.0)
    answer = client.get(f"/v1/analyses/{later}/comparison", params={"baseline": base}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["differences"] == [] and body["baseline_date"] == "2026-09-01"
    knee = next(m for m in body["metrics"] if m["key"] == "peak_knee_flexion")
    assert knee["verdict"] == "improved" and knee["change"] == 30.0 and knee["error_text"] == "±14 deg"
    score = next(m for m in body["metrics"] if m["key"] == "score")
    assert score["verdict"] == "no real change"
    curves = {c["angle"]: c for c in body["curves"]}
    assert curves["knee_flexion"]["comparable"] is True
    assert max(curves["knee_flexion"]["current"]["mean"]) == 110.0
    assert max(curves["knee_flexion"]["baseline"]["mean"]) == 80.0


def test_a_change_of_view_is_named_and_image_angles_not_compared_with_3d(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = _patient(client, headers, "P-1")
    base = _stored(client, pid, date(2026, 9, 1), "oblique", 80.0)
    later = _stored(client, pid, date(2026, 10, 1), "sagittal-left", 137.0)
    body = client.get(f"/v1/analyses/{later}/comparison", params={"baseline": base}, headers=headers).json()
    assert any("oblique → sagittal-left" in d for d in body["differences"])
    knee = next(m for m in body["metrics"] if m["key"] == "peak_knee_flexion")
    assert knee["verdict"] == "not comparable" and "from the 3D landmarks in the baseline" in knee["note"]
    assert all(c["comparable"] is False for c in body["curves"])


def test_refusals(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    one, two = _patient(client, headers, "P-1"), _patient(client, headers, "P-2")
    mine = _stored(client, one, date(2026, 9, 1), "frontal", 80.0)
    theirs = _stored(client, two, date(2026, 9, 2), "frontal", 80.0)
    waiting = _stored(client, one, date(2026, 9, 3), "frontal", 80.0, done=False)
    url = f"/v1/analyses/{mine}/comparison"
    other_patient = client.get(url, params={"baseline": theirs}, headers=headers)
    assert other_patient.status_code == 422 and "same patient" in other_patient.json()["detail"]
    pending = client.get(url, params={"baseline": waiting}, headers=headers)
    assert pending.status_code == 409 and "no result yet" in pending.json()["detail"]
    south = {"X-API-Key": add_key(client, "South")}
    hidden = client.get(url, params={"baseline": mine}, headers=south)
    missing = client.get("/v1/analyses/0123/comparison", params={"baseline": mine}, headers=south)
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    assert client.get(url, headers=headers).status_code == 422  # no baseline given
