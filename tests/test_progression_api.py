"""The progression gate through the API, on stored session histories (SQLite and PostgreSQL).

Sessions are stored as finished analyses with their report and dose, without the pose model; the gate's answer,
the quality threshold load, a programme task's own target, the settings' parameters and a clinician's override are
read back through ``/v1/patients/{id}/progression``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
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

START = date(2026, 9, 1)


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url, gate_target_score=80.0) as c:
        yield c


def _headers(client: TestClient) -> dict[str, str]:
    return {"X-API-Key": add_key(client, "North")}


def _patient(client: TestClient, headers: dict[str, str]) -> str:
    answer = client.post("/v1/patients", json={"reference": "P-1"}, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _session(client: TestClient, pid: str, week: int, score: float, *, faulty: bool = False, **dose: Any) -> str:
    """Store a finished squat session: ``faulty`` keeps the sample report's severe lean on both reps."""
    report = make_report().model_dump(mode="json")
    report["assessment"]["score"] = score
    if not faulty:
        report["assessment"]["findings"] = []
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        clinic = get_or_create_clinic(session, "North")
        job = Analysis(
            clinic_id=clinic.id,
            patient_id=pid,
            status="done",
            source_name="clip.mp4",
            session_date=START + timedelta(weeks=week),
            **dose,
        )
        session.add(job)
        session.flush()
        record_result(session, job.id, report)
        return job.id


def _task(client: TestClient, headers: dict[str, str], pid: str) -> dict[str, Any]:
    answer = client.get(f"/v1/patients/{pid}/progression", headers=headers)
    assert answer.status_code == 200, answer.text
    tasks = answer.json()["tasks"]
    assert [t["movement"] for t in tasks] == ["squat"]
    return dict(tasks[0])


def test_two_clean_sessions_progress_with_the_settings_target(client: TestClient) -> None:
    headers = _headers(client)
    pid = _patient(client, headers)
    _session(client, pid, 0, 90, load_kg=10.0, pain_before=2, pain_after=2)
    _session(client, pid, 1, 82, load_kg=20.0, pain_before=2, pain_after=3)
    _session(client, pid, 2, 84, load_kg=20.0, pain_before=1, pain_after=2)
    task = _task(client, headers, pid)
    assert task["recommendation"] == "progress", task["reasons"]
    assert task["target_score"] == 80.0 and task["rules"]["target_score"] == 80.0  # from the settings
    assert task["load_kg"] == 20.0
    assert [p["threshold_kg"] for p in task["points"]] == [10.0, 20.0, 20.0]
    assert task["override"] is None


def test_a_programme_target_wins_over_the_settings(client: TestClient) -> None:
    headers = _headers(client)
    pid = _patient(client, headers)
    added = client.post(
        f"/v1/patients/{pid}/programme/tasks", json={"movement": "squat", "target_score": 90}, headers=headers
    )
    assert added.status_code == 201, added.text
    _session(client, pid, 0, 85, load_kg=20.0)
    _session(client, pid, 1, 86, load_kg=20.0)
    task = _task(client, headers, pid)
    assert task["recommendation"] == "hold" and task["target_score"] == 90.0
    assert any("below the target of 90" in r for r in task["reasons"])


def test_a_flare_up_steps_back_and_a_clinician_can_override(client: TestClient) -> None:
    headers = _headers(client)
    pid = _patient(client, headers)
    _session(client, pid, 0, 90, load_kg=15.0)
    _session(client, pid, 1, 92, load_kg=20.0, pain_before=2, pain_after=2)
    latest = _session(client, pid, 2, 70, faulty=True, load_kg=20.0, pain_before=2, pain_after=5)
    task = _task(client, headers, pid)
    assert task["recommendation"] == "step back" and task["suggested_load_kg"] == 15.0
    assert task["reasons"][0].startswith("Flare-up on 2026-09-15")
    assert task["points"][-1]["compensation"].endswith("(severe, 2 of 2 reps)")

    url = f"/v1/patients/{pid}/progression/squat/override"
    bad = client.post(url, json={"decision": "skip", "reason": "x"}, headers=headers)
    assert bad.status_code == 422
    none = client.post(f"/v1/patients/{pid}/progression/lunge/override", json={"decision": "hold", "reason": "fine"},
                       headers=headers)  # fmt: skip
    assert none.status_code == 422 and "no scored session of 'lunge'" in none.json()["detail"]
    made = client.post(url, json={"decision": "hold", "reason": "Pain settled by the next morning."}, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["recommended"] == "step back" and made.json()["after_analysis_id"] == latest
    task = _task(client, headers, pid)
    assert task["recommendation"] == "step back"  # the gate's own answer stays; the override stands beside it
    assert task["override"]["decision"] == "hold"
    listed = client.get(f"/v1/patients/{pid}/progression/overrides", headers=headers).json()["items"]
    assert [o["reason"] for o in listed] == ["Pain settled by the next morning."]

    _session(client, pid, 3, 90, load_kg=15.0)  # a new session: the old override no longer applies
    assert _task(client, headers, pid)["override"] is None


def test_another_clinics_patient_is_not_found(client: TestClient) -> None:
    pid = _patient(client, _headers(client))
    other = {"X-API-Key": add_key(client, "South")}
    for answer in (
        client.get(f"/v1/patients/{pid}/progression", headers=other),
        client.post(f"/v1/patients/{pid}/progression/squat/override", json={"decision": "hold", "reason": "because"},
                    headers=other),
        client.get(f"/v1/patients/{pid}/progression/overrides", headers=other),
    ):  # fmt: skip
        assert answer.status_code == 404 and answer.json() == {"detail": "no such patient"}


def test_a_clinic_sets_its_own_rules_over_the_settings(client: TestClient) -> None:
    headers = _headers(client)
    pid = _patient(client, headers)
    _session(client, pid, 0, 90, load_kg=20.0)
    _session(client, pid, 1, 92, load_kg=20.0)
    assert _task(client, headers, pid)["recommendation"] == "progress"
    rules = client.get("/v1/clinic/progression-rules", headers=headers).json()
    assert rules["clinic_values"] == {} and rules["rules"]["target_score"] == 80.0  # the settings' value

    for bad in ({"pain_ceiling": 11}, {"sessions_to_progress": "two"}, {"colour": "red"}):
        refused = client.patch("/v1/clinic/progression-rules", json=bad, headers=headers)
        assert refused.status_code == 422, bad
    assert client.get("/v1/clinic/progression-rules", headers=headers).json()["clinic_values"] == {}

    changed = client.patch(
        "/v1/clinic/progression-rules", json={"target_score": 95, "pain_ceiling": 4}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["clinic_values"] == {"target_score": 95.0, "pain_ceiling": 4}
    task = _task(client, headers, pid)
    assert task["recommendation"] == "hold" and task["rules"]["pain_ceiling"] == 4
    other = {"X-API-Key": add_key(client, "South")}
    assert client.get("/v1/clinic/progression-rules", headers=other).json()["rules"]["target_score"] == 80.0

    reset = client.patch("/v1/clinic/progression-rules", json={"target_score": None}, headers=headers)
    assert reset.json()["clinic_values"] == {"pain_ceiling": 4}
    assert _task(client, headers, pid)["recommendation"] == "progress"
