"""The patient page's programme and PSFS forms: posted without script, read back, refused when they must be.

Each test runs on a fresh SQLite file and, in a second run, on a real PostgreSQL (``database_url``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from movequal.core.dose import MAX_LOAD_KG
from tests.helpers.api_helpers import add_key, app_client
from tests.helpers.programme import BROWSER_FORM, add_patient, count_rows


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


# ---------- the patient page's forms ----------


def _section(page: str, ident: str) -> str:
    start = page.index(f'<section class="card" id="{ident}"')
    return page[start : page.index("</section>", start)]


def test_the_patient_page_adds_orders_and_removes_tasks_with_its_forms(client: TestClient) -> None:
    key = add_key(client, "North")
    client.post("/auth/login", data={"key": key, "next": "/"})
    pid = add_patient(client, {"X-Requested-With": "movequal"})
    page = client.get(f"/patients/{pid}")
    assert page.status_code == 200 and "<!--programme-->" not in page.text
    programme = _section(page.text, "programme")
    assert "No programme yet" in programme
    load = re.search(r'<input [^>]*name="load_kg"[^>]*>', programme)
    assert load is not None and 'min="0"' in load.group() and f'max="{MAX_LOAD_KG:g}"' in load.group()
    assert 'inputmode="decimal"' in load.group() and '<label for="task-load">' in programme

    url = f"/patients/{pid}/programme/tasks"
    form = {"movement": "squat", "load_kg": "20", "sets": "3", "reps": "10", "target_score": "80", "note": "tempo 3-1"}
    saved = client.post(url, data=form, headers=BROWSER_FORM, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/patients/{pid}#programme"
    client.post(
        url, data={"movement": "lift", "load_kg": "0", "sets": "", "reps": "", "target_score": ""}, headers=BROWSER_FORM
    )
    api = client.get(f"/v1/patients/{pid}/programme").json()["tasks"]
    assert [(t["movement"], t["load_kg"], t["sets"], t["reps"], t["target_score"]) for t in api] == [
        ("squat", 20.0, 3, 10, 80.0),
        ("lift", 0.0, None, None, 85.0),
    ]
    programme = _section(client.get(f"/patients/{pid}").text, "programme")
    assert "20 kg · 3 × 10 · target score 80" in programme and "body weight · target score 85" in programme
    assert "tempo 3-1" in programme and programme.index("Squat") < programme.index("<b>Lift</b>")

    refused = client.post(url, data=form | {"load_kg": "4000", "note": "typo"}, headers=BROWSER_FORM)
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert "target load: Input should be less than or equal to 500" in refused.text
    assert 'value="4000"' in refused.text and 'value="typo"' in refused.text  # what was entered, shown again
    text = client.post(url, data=form | {"sets": "three"}, headers=BROWSER_FORM)
    assert text.status_code == 422 and "sets: " in text.text
    assert len(client.get(f"/v1/patients/{pid}/programme").json()["tasks"]) == 2

    lift_id = api[1]["id"]
    moved = client.post(f"{url}/{lift_id}/move", data={"direction": "up"}, headers=BROWSER_FORM, follow_redirects=False)
    assert moved.status_code == 303
    assert [t["movement"] for t in client.get(f"/v1/patients/{pid}/programme").json()["tasks"]] == ["lift", "squat"]
    client.post(f"{url}/{lift_id}/move", data={"direction": "down"}, headers=BROWSER_FORM)
    assert [t["movement"] for t in client.get(f"/v1/patients/{pid}/programme").json()["tasks"]] == ["squat", "lift"]
    removed = client.post(f"{url}/{api[0]['id']}/remove", headers=BROWSER_FORM, follow_redirects=False)
    assert removed.status_code == 303
    assert [t["movement"] for t in client.get(f"/v1/patients/{pid}/programme").json()["tasks"]] == ["lift"]
    assert client.post(f"{url}/{api[0]['id']}/remove", headers=BROWSER_FORM).status_code == 404


def test_the_patient_page_records_psfs_ratings_and_shows_the_table(client: TestClient) -> None:
    key = add_key(client, "North")
    client.post("/auth/login", data={"key": key, "next": "/"})
    pid = add_patient(client, {"X-Requested-With": "movequal"})
    task = client.post(
        f"/v1/patients/{pid}/programme/tasks", json={"movement": "lift"}, headers={"X-Requested-With": "movequal"}
    ).json()
    section = _section(client.get(f"/patients/{pid}").text, "psfs")
    assert "No ratings yet" in section
    rating = re.search(r'<input [^>]*name="rating_1"[^>]*>', section)
    assert rating is not None and all(
        a in rating.group() for a in ('min="0"', 'max="10"', 'step="1"', 'inputmode="numeric"')
    )
    assert '<label for="psfs-rating-1">' in section and 'maxlength="120"' in section

    url = f"/patients/{pid}/psfs"
    first = {"rated_on": "2025-01-06", "activity_1": "Lifting my child", "rating_1": "2", "tasks_1": task["id"]}
    first |= {"activity_2": "Sitting through a meeting", "rating_2": "4", "activity_3": "", "rating_3": ""}
    saved = client.post(url, data=first, headers=BROWSER_FORM, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/patients/{pid}#psfs"
    stored = client.get(f"/v1/patients/{pid}/psfs").json()["entries"]
    assert stored == [
        {
            "rated_on": "2025-01-06",
            "activities": [
                {"activity": "Lifting my child", "rating": 2, "task_ids": [task["id"]]},
                {"activity": "Sitting through a meeting", "rating": 4, "task_ids": []},
            ],
            "mean": 3.0,
            "change": None,
        }
    ]
    section = _section(client.get(f"/patients/{pid}").text, "psfs")
    assert "Lifting my child" in section and "trained by Lift" in section and "<b>3.0</b>" in section
    assert 'value="Lifting my child"' in section  # the form offers last time's activities to re-rate

    before = client.get(f"/v1/patients/{pid}/psfs").json()
    second = {"rated_on": "2025-02-03", "activity_1": "Lifting my child", "rating_1": "seven"}
    refused = client.post(url, data=second, headers=BROWSER_FORM)
    assert refused.status_code == 422
    assert (
        "activity 1 rating: must be a whole number from 0" in refused.text and "(got &#x27;seven&#x27;)" in refused.text
    )
    assert 'value="Lifting my child"' in _section(refused.text, "psfs")  # what was entered, shown again
    for bad, reason in (
        (second | {"rating_1": "11"}, "(got 11)"),
        (second | {"rating_1": ""}, "give a rating from 0 to 10"),
        ({"rated_on": "2025-02-03", "rating_2": "5"}, "name the activity"),
        ({"rated_on": "2025-02-03"}, "name at least one activity"),
    ):
        answer = client.post(url, data=bad, headers=BROWSER_FORM)
        assert answer.status_code == 422 and reason in answer.text, reason
    assert client.get(f"/v1/patients/{pid}/psfs").json() == before

    client.post(
        url,
        data=second | {"rating_1": "5", "activity_2": "Sitting through a meeting", "rating_2": "6"},
        headers=BROWSER_FORM,
    )
    section = _section(client.get(f"/patients/{pid}").text, "psfs")
    assert "+2.5" in section and "real change" in section and "<b>5.5</b>" in section
    client.post(
        url,
        data=second | {"rating_1": "4", "activity_2": "Sitting through a meeting", "rating_2": "3"},
        headers=BROWSER_FORM,
    )
    read = client.get(f"/v1/patients/{pid}/psfs").json()  # the same date again replaces its ratings
    assert len(read["entries"]) == 2 and read["entries"][1]["mean"] == 3.5 and read["change_is_real"] is False
    assert "no real change" in _section(client.get(f"/patients/{pid}").text, "psfs")


def test_the_patient_page_forms_refuse_other_sites_other_clinics_and_strangers(client: TestClient) -> None:
    north, south = add_key(client, "North"), add_key(client, "South")
    pid = add_patient(client, {"X-API-Key": north})
    form = {"movement": "squat", "load_kg": "10"}
    client.post("/auth/login", data={"key": south, "next": "/"})
    other = client.post(f"/patients/{pid}/programme/tasks", data=form, headers=BROWSER_FORM)
    assert other.status_code == 404 and "no such patient" in other.text
    assert (
        client.post(
            f"/patients/{pid}/psfs", data={"activity_1": "x", "rating_1": "3"}, headers=BROWSER_FORM
        ).status_code
        == 404
    )
    assert (
        "<!--programme-->" in client.get(f"/patients/{pid}").text
    )  # the page of another clinic's patient holds no data
    client.post("/auth/login", data={"key": north, "next": "/"})
    cross = client.post(
        f"/patients/{pid}/programme/tasks",
        data=form,
        headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    client.cookies.clear()
    stranger = client.post(f"/patients/{pid}/programme/tasks", data=form, headers=BROWSER_FORM, follow_redirects=False)
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/login")
    assert count_rows(client) == (0, 0, 0, 0)
