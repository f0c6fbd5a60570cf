"""A programme per patient and the Patient-Specific Functional Scale, through the API and the patient page.

Each service test runs on a fresh SQLite file and, in a second run, on a real PostgreSQL (``database_url``):
tasks are added, ordered, moved and removed; PSFS ratings round-trip with their means and the change against the
MCID; bad values answer 422 with the reason and leave nothing stored; another clinic's patient answers exactly
like a missing one; the patient page's script-free forms store what they post and show it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select

from api.crud import record_result
from api.db import make_engine, session_scope, upgrade_database
from api.models import Analysis, Patient
from api.security import get_or_create_clinic
from movequal.core.dose import MAX_LOAD_KG
from movequal.core.psfs import PSFS_MCID, psfs_change, psfs_mean
from tests.helpers.api_helpers import add_key, app_client
from tests.helpers.programme import TABLES, add_patient, add_task, app_sessions, count_rows
from tests.test_report import make_report


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


def _order(client: TestClient, headers: dict[str, str], pid: str) -> list[tuple[str, int]]:
    tasks = client.get(f"/v1/patients/{pid}/programme", headers=headers).json()["tasks"]
    return [(t["movement"], t["position"]) for t in tasks]


def _done_analysis(client: TestClient, pid: str, day: date, **dose: Any) -> str:
    """A finished squat analysis of the patient (score 77.5) without running the model."""
    with session_scope(app_sessions(client)) as session:
        clinic = get_or_create_clinic(session, "North")
        job = Analysis(
            clinic_id=clinic.id, patient_id=pid, status="done", source_name="clip.mp4", session_date=day, **dose
        )
        session.add(job)
        session.flush()
        record_result(session, job.id, make_report().model_dump(mode="json"))
        return job.id


# ---------- the core: the PSFS score and its change ----------


def test_the_psfs_score_is_the_mean_and_a_change_is_real_from_the_mcid() -> None:
    assert psfs_mean([3, 4, 8]) == 5.0
    for bad in ([], [1, 2, 3, 4, 5, 6], [11], [-1]):
        with pytest.raises(ValueError):
            psfs_mean(bad)
    assert psfs_change([(date(2025, 1, 1), 4.0)]) is None
    day1, day2, day3 = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
    small = psfs_change([(day2, 5.9), (day1, 4.0)])  # order does not matter: first date vs latest date
    assert small is not None and small.change == pytest.approx(1.9) and not small.is_real
    assert small.verdict == "no real change" and small.first_date == day1
    exact = psfs_change([(day1, 4.1), (day2, 5.0), (day3, 6.1)])  # 6.1 - 4.1 is 1.9999… in floating point
    assert exact is not None and exact.is_real and exact.verdict == "improved" and exact.latest_mean == 6.1
    worse = psfs_change([(day1, 6.0), (day2, 3.5)])
    assert worse is not None and worse.is_real and worse.verdict == "worse" and worse.mcid == PSFS_MCID == 2.0


# ---------- the migration ----------


def test_the_programme_migration_goes_up_and_down(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_database(engine)
    config = Config()
    config.set_main_option("script_location", str(resources.files("api").joinpath("migrations")))
    assert set(TABLES) <= set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    names = set(inspect(engine).get_table_names())
    assert not set(TABLES) & names and "load_kg" in {c["name"] for c in inspect(engine).get_columns("analyses")}
    upgrade_database(engine)
    assert set(TABLES) <= set(inspect(engine).get_table_names())
    engine.dispose()


# ---------- the programme through the API ----------


def test_programme_tasks_are_added_ordered_moved_changed_and_removed(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    assert client.get(f"/v1/patients/{pid}/programme", headers=headers).json() == {"patient_id": pid, "tasks": []}

    squat = add_task(client, headers, pid, movement="squat", load_kg=20, sets=3, reps=10, note="slow down")
    assert squat["position"] == 1 and squat["target_score"] == 85.0 and squat["active"] is True
    assert squat["load_kg"] == 20.0 and (squat["sets"], squat["reps"], squat["note"]) == (3, 10, "slow down")
    lift = add_task(client, headers, pid, movement="lift", target_score=80)
    assert lift["load_kg"] == 0.0 and lift["sets"] is None and lift["position"] == 2  # 0 kg = body weight
    walk = add_task(client, headers, pid, movement="walk", position=1)  # inserted first: the others move down
    assert walk["position"] == 1
    assert _order(client, headers, pid) == [("walk", 1), ("squat", 2), ("lift", 3)]
    add_task(client, headers, pid, movement="bend", position=40)  # past the end: last
    assert _order(client, headers, pid)[-1] == ("bend", 4)

    moved = client.patch(
        f"/v1/patients/{pid}/programme/tasks/{lift['id']}", json={"position": 1, "load_kg": 5}, headers=headers
    )
    assert moved.status_code == 200 and moved.json()["position"] == 1 and moved.json()["load_kg"] == 5.0
    assert _order(client, headers, pid) == [("lift", 1), ("walk", 2), ("squat", 3), ("bend", 4)]
    paused = client.patch(
        f"/v1/patients/{pid}/programme/tasks/{squat['id']}", json={"active": False, "sets": None}, headers=headers
    )
    assert paused.json()["active"] is False and paused.json()["sets"] is None and paused.json()["reps"] == 10
    one = client.get(f"/v1/patients/{pid}/programme/tasks/{squat['id']}", headers=headers).json()
    assert one["active"] is False and one["note"] == "slow down"

    ids = [t["id"] for t in client.get(f"/v1/patients/{pid}/programme", headers=headers).json()["tasks"]]
    reordered = client.patch(f"/v1/patients/{pid}/programme", json={"order": ids[::-1]}, headers=headers)
    assert reordered.status_code == 200, reordered.text
    assert [t["movement"] for t in reordered.json()["tasks"]] == ["bend", "squat", "walk", "lift"]
    for bad in (ids[:3], [*ids, ids[0]], [*ids[:3], "0" * 32]):
        refused = client.patch(f"/v1/patients/{pid}/programme", json={"order": bad}, headers=headers)
        assert refused.status_code == 422 and "order" in refused.json()["detail"]
    assert [m for m, _ in _order(client, headers, pid)] == ["bend", "squat", "walk", "lift"]

    gone = client.delete(f"/v1/patients/{pid}/programme/tasks/{walk['id']}", headers=headers)
    assert gone.status_code == 204
    assert _order(client, headers, pid) == [("bend", 1), ("squat", 2), ("lift", 3)]
    missing = client.get(f"/v1/patients/{pid}/programme/tasks/{walk['id']}", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"detail": "no such programme task"}


@pytest.mark.parametrize(
    ("task", "field"),
    [
        ({"movement": "juggling"}, "movement"),
        ({"movement": "squat", "load_kg": MAX_LOAD_KG + 1}, "load_kg"),
        ({"movement": "squat", "load_kg": -1}, "load_kg"),
        ({"movement": "squat", "load_kg": "heavy"}, "load_kg"),
        ({"movement": "squat", "sets": 0}, "sets"),
        ({"movement": "squat", "reps": 101}, "reps"),
        ({"movement": "squat", "reps": True}, "reps"),
        ({"movement": "squat", "target_score": 101}, "target_score"),
        ({"movement": "squat", "colour": "red"}, "colour"),
        ({"load_kg": 10}, "movement"),
    ],
)
def test_a_bad_task_is_refused_naming_its_field_and_nothing_is_stored(
    client: TestClient, task: dict[str, Any], field: str
) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    answer = client.post(f"/v1/patients/{pid}/programme/tasks", json=task, headers=headers)
    assert answer.status_code == 422 and answer.json()["detail"].startswith(field), answer.text
    assert count_rows(client)[0] == 0


def test_a_task_change_to_null_or_out_of_range_is_refused_and_changes_nothing(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    task = add_task(client, headers, pid, movement="squat", load_kg=10)
    url = f"/v1/patients/{pid}/programme/tasks/{task['id']}"
    for change in ({"load_kg": None}, {"movement": None}, {"target_score": -5}, {"load_kg": 12, "position": 0}):
        answer = client.patch(url, json=change, headers=headers)
        assert answer.status_code == 422, change
    assert client.get(url, headers=headers).json()["load_kg"] == 10.0


def test_each_task_shows_the_sessions_of_its_movement_against_its_target(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    squat = add_task(client, headers, pid, movement="squat", target_score=75)
    lift = add_task(client, headers, pid, movement="lift")
    later = _done_analysis(client, pid, date(2025, 3, 10), load_kg=20.0, pain_before=2, pain_after=3)
    earlier = _done_analysis(client, pid, date(2025, 3, 1), load_kg=10.0)
    tasks = {t["id"]: t for t in client.get(f"/v1/patients/{pid}/programme", headers=headers).json()["tasks"]}
    history = tasks[squat["id"]]["history"]
    assert [h["analysis_id"] for h in history] == [earlier, later]  # oldest first
    assert history[1]["score"] == 77.5 and history[1]["load_kg"] == 20.0 and history[1]["pain_after"] == 3
    assert all(h["meets_target"] for h in history)  # 77.5 ≥ 75
    assert tasks[lift["id"]]["history"] == []
    raised = client.patch(
        f"/v1/patients/{pid}/programme/tasks/{squat['id']}", json={"target_score": 85}, headers=headers
    )
    assert [h["meets_target"] for h in raised.json()["history"]] == [False, False]


# ---------- the PSFS through the API ----------


def test_psfs_ratings_round_trip_with_means_links_and_the_change(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    squat = add_task(client, headers, pid, movement="squat")
    lift = add_task(client, headers, pid, movement="lift")
    first = {
        "rated_on": "2025-01-06",
        "activities": [
            {"activity": "  lifting my child ", "rating": 2, "task_ids": [squat["id"], lift["id"], squat["id"]]},
            {"activity": "sitting through a meeting", "rating": 5},
        ],
    }
    created = client.post(f"/v1/patients/{pid}/psfs", json=first, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json() == {
        "rated_on": "2025-01-06",
        "activities": [
            {"activity": "lifting my child", "rating": 2, "task_ids": [squat["id"], lift["id"]]},
            {"activity": "sitting through a meeting", "rating": 5, "task_ids": []},
        ],
        "mean": 3.5,
        "change": None,
    }
    again = client.post(f"/v1/patients/{pid}/psfs", json=first, headers=headers)
    assert again.status_code == 409 and "2025-01-06" in again.json()["detail"]

    second = {"rated_on": "2025-02-03", "activities": [{"activity": "lifting my child", "rating": 4}]}
    assert client.post(f"/v1/patients/{pid}/psfs", json=second, headers=headers).json()["change"] == 0.5
    read = client.get(f"/v1/patients/{pid}/psfs", headers=headers).json()
    assert [e["rated_on"] for e in read["entries"]] == ["2025-01-06", "2025-02-03"]
    assert read["change"] == 0.5 and read["change_is_real"] is False and read["verdict"] == "no real change"
    assert read["mcid"] == 2.0

    replaced = client.patch(
        f"/v1/patients/{pid}/psfs/2025-02-03",
        json={"activities": [{"activity": "lifting my child", "rating": 6, "task_ids": [lift["id"]]}]},
        headers=headers,
    )
    assert replaced.status_code == 200 and replaced.json()["mean"] == 6.0 and replaced.json()["change"] == 2.5
    read = client.get(f"/v1/patients/{pid}/psfs", headers=headers).json()
    assert read["change_is_real"] is True and read["verdict"] == "improved"
    assert count_rows(client)[1:] == (2, 3, 3)  # dates, ratings, task links: the replaced rating left no row

    assert client.delete(f"/v1/patients/{pid}/programme/tasks/{lift['id']}", headers=headers).status_code == 204
    links = [
        a["task_ids"]
        for e in client.get(f"/v1/patients/{pid}/psfs", headers=headers).json()["entries"]
        for a in e["activities"]
    ]
    assert links == [[squat["id"]], [], []]  # a removed task drops out of the activities it trained
    assert client.delete(f"/v1/patients/{pid}/psfs/2025-01-06", headers=headers).status_code == 204
    only = client.get(f"/v1/patients/{pid}/psfs", headers=headers).json()
    assert [e["rated_on"] for e in only["entries"]] == ["2025-02-03"] and only["change"] is None
    assert client.delete(f"/v1/patients/{pid}/psfs/2025-01-06", headers=headers).status_code == 404
    missing_date = client.patch(
        f"/v1/patients/{pid}/psfs/2024-12-01", json={"activities": [{"activity": "x", "rating": 1}]}, headers=headers
    )
    assert missing_date.status_code == 404 and count_rows(client)[1] == 1


def _activity(**fields: Any) -> dict[str, Any]:
    return {"activity": "lifting my child", "rating": 5} | fields


@pytest.mark.parametrize(
    ("activities", "reason"),
    [
        ([_activity(rating="seven")], "activities.0.rating: must be a whole number from 0"),
        ([_activity(rating="7")], "(got '7')"),
        ([_activity(rating=11)], "(got 11)"),
        ([_activity(rating=-1)], "(got -1)"),
        ([_activity(rating=7.5)], "(got 7.5)"),
        ([_activity(rating=True)], "(got True)"),
        ([_activity(rating=None)], "(got None)"),
        ([_activity(activity="")], "activities.0.activity"),
        ([_activity(activity="x" * 121)], "activities.0.activity"),
        ([_activity(activity="a\nb")], "activities.0.activity"),
        ([_activity(), _activity(activity="Lifting my child")], "named only once"),
        ([_activity(activity=f"task {n}") for n in range(6)], "activities: List should have at most 5 items"),
        ([], "activities: List should have at least 1 item"),
        ([_activity(task_ids=["0" * 32])], "activities.0.task_ids: no programme task"),
    ],
)
def test_a_bad_psfs_value_answers_422_with_the_reason_and_nothing_is_stored(
    client: TestClient, activities: list[dict[str, Any]], reason: str
) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    add_task(client, headers, pid, movement="squat")
    answer = client.post(f"/v1/patients/{pid}/psfs", json={"activities": activities}, headers=headers)
    assert answer.status_code == 422 and reason in answer.json()["detail"], answer.text
    assert count_rows(client)[1:] == (0, 0, 0)
    assert client.get(f"/v1/patients/{pid}/psfs", headers=headers).json()["entries"] == []


def test_a_psfs_date_defaults_to_today_and_may_not_be_in_the_future(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    today = client.post(f"/v1/patients/{pid}/psfs", json={"activities": [_activity()]}, headers=headers)
    assert today.status_code == 201 and today.json()["rated_on"] == date.today().isoformat()
    for bad in ("2999-01-01", "yesterday", "2025-02-30"):
        answer = client.post(
            f"/v1/patients/{pid}/psfs", json={"rated_on": bad, "activities": [_activity()]}, headers=headers
        )
        assert answer.status_code == 422 and answer.json()["detail"].startswith("rated_on"), bad
    assert count_rows(client)[1] == 1


def test_another_clinics_patient_and_tasks_answer_like_missing_ones(client: TestClient) -> None:
    north = {"X-API-Key": add_key(client, "North")}
    south = {"X-API-Key": add_key(client, "South")}
    pid = add_patient(client, north)
    task = add_task(client, north, pid, movement="squat")
    client.post(f"/v1/patients/{pid}/psfs", json={"rated_on": "2025-01-06", "activities": [_activity()]}, headers=north)
    before = count_rows(client)
    missing = "0" * 32
    calls = [
        ("GET", "/programme", None),
        ("PATCH", "/programme", {"order": [task["id"]]}),
        ("POST", "/programme/tasks", {"movement": "lift"}),
        ("GET", f"/programme/tasks/{task['id']}", None),
        ("PATCH", f"/programme/tasks/{task['id']}", {"load_kg": 50}),
        ("DELETE", f"/programme/tasks/{task['id']}", None),
        ("GET", "/psfs", None),
        ("POST", "/psfs", {"activities": [_activity()]}),
        ("PATCH", "/psfs/2025-01-06", {"activities": [_activity(rating=1)]}),
        ("DELETE", "/psfs/2025-01-06", None),
    ]
    for method, path, body in calls:
        theirs = client.request(method, f"/v1/patients/{pid}{path}", json=body, headers=south)
        nobodys = client.request(method, f"/v1/patients/{missing}{path}", json=body, headers=south)
        assert theirs.status_code == nobodys.status_code == 404, (method, path)
        assert theirs.json() == nobodys.json() == {"detail": "no such patient"}, (method, path)
    # South's own patient cannot link North's task either
    own = add_patient(client, south, "S-1")
    linked = client.post(
        f"/v1/patients/{own}/psfs", json={"activities": [_activity(task_ids=[task["id"]])]}, headers=south
    )
    assert linked.status_code == 422 and "no programme task" in linked.json()["detail"]
    foreign_task = client.get(f"/v1/patients/{own}/programme/tasks/{task['id']}", headers=south)
    assert foreign_task.status_code == 404
    assert count_rows(client) == before
    assert client.get(f"/v1/patients/{pid}/programme/tasks/{task['id']}", headers=north).json()["load_kg"] == 0.0


def test_deleting_the_patient_removes_the_programme_and_the_psfs(client: TestClient) -> None:
    headers = {"X-API-Key": add_key(client, "North")}
    pid = add_patient(client, headers)
    task = add_task(client, headers, pid, movement="squat")
    client.post(f"/v1/patients/{pid}/psfs", json={"activities": [_activity(task_ids=[task["id"]])]}, headers=headers)
    assert count_rows(client) == (1, 1, 1, 1)
    assert client.delete(f"/v1/patients/{pid}", headers=headers).status_code == 204
    assert count_rows(client) == (0, 0, 0, 0)
    with app_sessions(client)() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 0
