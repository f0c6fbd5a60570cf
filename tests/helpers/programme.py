"""Helpers of the programme and PSFS tests: the app's sessions, row counts, a patient."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import ProgrammeTask, PsfsEntry, PsfsRating, psfs_rating_tasks

TABLES = ("programme_tasks", "psfs_entries", "psfs_ratings", "psfs_rating_tasks")
BROWSER_FORM = {"Sec-Fetch-Site": "same-origin"}
"""What a browser sends with a form posted from one of the app's own pages."""


def app_sessions(client: TestClient) -> Any:
    return client.app.state.sessions  # type: ignore[attr-defined]


def count_rows(client: TestClient) -> tuple[int, int, int, int]:
    with app_sessions(client)() as session:
        return (
            session.scalar(select(func.count()).select_from(ProgrammeTask)) or 0,
            session.scalar(select(func.count()).select_from(PsfsEntry)) or 0,
            session.scalar(select(func.count()).select_from(PsfsRating)) or 0,
            session.scalar(select(func.count()).select_from(psfs_rating_tasks)) or 0,
        )


def add_patient(client: TestClient, headers: dict[str, str], reference: str = "P-1") -> str:
    answer = client.post("/v1/patients", json={"reference": reference}, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def add_task(client: TestClient, headers: dict[str, str], pid: str, **task: Any) -> dict[str, Any]:
    answer = client.post(f"/v1/patients/{pid}/programme/tasks", json=task, headers=headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())
