"""The session dose in the service: stored on the analysis, taken by the upload, the PATCH, the web forms and
live sessions, shown in the report read back; a bad value is refused with the field named and leaves nothing.

Each test runs on a fresh SQLite file and, in a second run, on a real PostgreSQL (``database_url``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select

from api.db import make_engine, session_scope, upgrade_database
from api.jobs import QueuePolicy, claim_next, count_pending
from api.live_sessions import LiveStart, save_live_session
from api.models import Analysis
from api.pages import STATIC_DIR
from api.security import get_or_create_clinic
from movequal.core.dose import DOSE_FIELDS, SessionDose
from movequal.report.plots import plot_data
from tests.helpers import SAMPLE
from tests.helpers.api_helpers import add_key, app_client, upload
from tests.helpers.live_client import frame_message, jpeg_frames
from tests.test_report import make_kinematics, make_report

BROWSER_FORM = {"Sec-Fetch-Site": "same-origin"}
"""What a browser sends with a form posted from one of the app's own pages."""
DOSE_FORM = {"load_kg": "20", "sets_prescribed": "3", "reps_prescribed": "10", "pain_before": "3"}


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


def _sessions(client: TestClient) -> Any:
    return client.app.state.sessions  # type: ignore[attr-defined]


def _row(client: TestClient, analysis_id: str) -> Analysis:
    with _sessions(client)() as session:
        job = session.get(Analysis, analysis_id)
        assert job is not None
        return job


def _stored(client: TestClient, analysis_id: str) -> dict[str, Any]:
    job = _row(client, analysis_id)
    return {name: getattr(job, name) for name in DOSE_FIELDS}


def _uploads(client: TestClient) -> list[Path]:
    folder = client.app.state.settings.data_dir / "uploads"  # type: ignore[attr-defined]
    return list(folder.iterdir()) if folder.is_dir() else []


def _done_analysis(client: TestClient, key: str, dose: dict[str, Any] | None = None) -> str:
    """A finished analysis without running the model: a small report, its plot data and the row."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    report = make_report().model_copy(update={"dose": SessionDose(load_kg=12.5, pain_before=2)})
    with session_scope(_sessions(client)) as session:
        clinic = get_or_create_clinic(session, "North")
        job = Analysis(
            clinic_id=clinic.id, status="done", source_name="clip.mp4", session_date=date.today(), **(dose or {})
        )
        session.add(job)
        session.flush()
        from api.crud import record_result

        record_result(session, job.id, report.model_dump(mode="json"))
        analysis_id = job.id
    folder = settings.results_dir / analysis_id
    folder.mkdir(parents=True)
    (folder / "plots.json").write_text(json.dumps(plot_data(report, make_kinematics())), encoding="utf-8")
    return analysis_id


def test_the_dose_migration_goes_up_and_down(database_url: str) -> None:
    from importlib import resources

    engine = make_engine(database_url)
    upgrade_database(engine)
    config = Config()
    config.set_main_option("script_location", str(resources.files("api").joinpath("migrations")))

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("analyses")}

    assert set(DOSE_FIELDS) <= columns()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert not set(DOSE_FIELDS) & columns() and "height_m" in columns()
    upgrade_database(engine)
    assert set(DOSE_FIELDS) <= columns()
    engine.dispose()


def test_an_uploaded_dose_is_stored_queued_listed_and_patched(client: TestClient) -> None:
    key = add_key(client, "North")
    headers = {"X-API-Key": key}
    answer = upload(client, key, **DOSE_FORM)
    assert answer.status_code == 202, answer.text
    aid = answer.json()["id"]
    expected = {name: None for name in DOSE_FIELDS} | {
        "load_kg": 20.0,
        "sets_prescribed": 3,
        "reps_prescribed": 10,
        "pain_before": 3,
    }
    assert answer.json()["dose"] == expected
    assert client.get(f"/v1/analyses/{aid}", headers=headers).json()["dose"] == expected
    assert client.get("/v1/analyses", headers=headers).json()["items"][0]["dose"] == expected
    assert _stored(client, aid) == expected
    with _sessions(client)() as session:  # the worker gets it with the job, for report.json
        claim = claim_next(session, "w", QueuePolicy(lease_s=60), client.app.state.settings.data_dir)  # type: ignore[attr-defined]
        assert claim is not None and claim.dose == SessionDose(**expected)

    after = {"pain_after": 5, "sets_done": 3, "reps_done": 8, "rpe": 6.5}
    patched = client.patch(f"/v1/analyses/{aid}", json={"dose": after}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["dose"] == expected | after
    cleared = client.patch(f"/v1/analyses/{aid}", json={"dose": {"rpe": None}}, headers=headers)
    assert cleared.json()["dose"] == expected | after | {"rpe": None}
    assert client.patch(f"/v1/analyses/{aid}", json={}, headers=headers).json()["dose"]["pain_after"] == 5
    assert _stored(client, aid) == expected | after | {"rpe": None}

    before = _stored(client, aid)
    for bad, field in (
        ({"pain_after": 11}, "pain_after"),
        ({"load_kg": -1}, "load_kg"),
        ({"pain_after": "abc"}, "pain_after"),
        ({"rpe": 12}, "rpe"),
        ({"rpe": 6.3}, "rpe"),
        ({"pain_after": 4.5}, "pain_after"),
        ({"weight": 3}, "weight"),
    ):
        refused = client.patch(f"/v1/analyses/{aid}", json={"dose": bad}, headers=headers)
        assert refused.status_code == 422, (bad, refused.text)
        assert isinstance(refused.json()["detail"], str) and field in refused.json()["detail"], refused.text
    assert _stored(client, aid) == before

    south = {"X-API-Key": add_key(client, "South")}
    assert client.patch(f"/v1/analyses/{aid}", json={"dose": {"pain_after": 1}}, headers=south).status_code == 404
    assert client.patch(f"/v1/analyses/{'0' * 32}", json={"dose": {}}, headers=headers).status_code == 404
    assert client.patch(f"/v1/analyses/{aid}", json={"dose": None}, headers=headers).json()["dose"] is None
    assert _stored(client, aid) == {name: None for name in DOSE_FIELDS}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("load_kg", "-1"),
        ("pain_before", "11"),
        ("pain_before", "abc"),
        ("rpe", "12"),
        ("sets_prescribed", "2.5"),
        ("pain_after", "nan"),
    ],
)
def test_a_bad_dose_on_upload_is_refused_naming_the_field_and_stores_nothing(
    client: TestClient, field: str, value: str
) -> None:
    key = add_key(client, "North")
    answer = upload(client, key, **(DOSE_FORM | {field: value}))
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and detail.startswith(f"{field}:") and repr(value) in detail, detail
    with _sessions(client)() as session:
        assert session.scalar(select(func.count()).select_from(Analysis)) == 0
        clinic = get_or_create_clinic(session, "North")
        assert count_pending(session, clinic.id) == 0
    assert _uploads(client) == []


def test_the_web_upload_form_sends_the_dose_and_the_patient_page_reads_it(client: TestClient) -> None:
    key = add_key(client, "North")
    client.post("/auth/login", data={"key": key, "next": "/"})
    app = {"X-Requested-With": "movequal"}  # what upload.js sends with the sign-in cookie
    pid = client.post("/v1/patients", json={"reference": "D-1"}, headers=app).json()["id"]
    page = client.get("/")
    for name in ("load_kg", "sets_prescribed", "reps_prescribed", "pain_before"):
        assert f'name="{name}"' in page.text
    with SAMPLE.open("rb") as video:
        sent = client.post(
            "/v1/analyses",
            headers=app,
            files={"file": (SAMPLE.name, video, "video/quicktime")},
            data={
                "patient_id": pid,
                "load_kg": "0",
                "sets_prescribed": "2",
                "reps_prescribed": "8",
                "pain_before": "4",
            },
        )
    assert sent.status_code == 202, sent.text
    listed = client.get(f"/v1/analyses?patient_id={pid}").json()["items"]  # what the patient page shows
    assert listed[0]["dose"]["load_kg"] == 0 and listed[0]["dose"]["pain_before"] == 4
    assert "Pain" in client.get(f"/patients/{pid}").text
    with SAMPLE.open("rb") as video:
        refused = client.post(
            "/v1/analyses",
            headers=app,
            files={"file": (SAMPLE.name, video, "video/quicktime")},
            data={"patient_id": pid, "pain_before": "11"},
        )
    assert refused.status_code == 422 and "pain_before" in refused.json()["detail"]
    assert client.get(f"/v1/analyses?patient_id={pid}").json()["total"] == 1


@pytest.mark.parametrize(
    ("page_name", "fields"),
    [
        ("upload.html", ("load_kg", "sets_prescribed", "reps_prescribed", "pain_before")),
        ("live.html", ("load_kg", "pain_before")),
    ],
)
def test_the_pages_dose_limits_are_the_doses_own(page_name: str, fields: tuple[str, ...]) -> None:
    schema = SessionDose.model_json_schema()["properties"]
    page = (STATIC_DIR / page_name).read_text(encoding="utf-8")
    for name in fields:
        tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
        assert tag is not None, name
        spec = next(s for s in schema[name]["anyOf"] if s.get("type") != "null")
        assert f'min="{spec["minimum"]:g}"' in tag.group() and f'max="{spec["maximum"]:g}"' in tag.group(), name
        ident = re.search(r'id="([^"]+)"', tag.group())
        assert ident is not None and 'inputmode="' in tag.group(), name
        assert f'<label for="{ident.group(1)}"' in page, name


def test_the_result_page_shows_the_dose_and_its_form_stores_what_comes_after(client: TestClient) -> None:
    key = add_key(client, "North")
    aid = _done_analysis(client, key, {"load_kg": 20.0, "sets_prescribed": 3, "reps_prescribed": 10, "pain_before": 3})
    client.post("/auth/login", data={"key": key, "next": "/"})
    page = client.get(f"/analyses/{aid}")
    assert page.status_code == 200
    assert "20 kg · 3 × 10 · pain 3 → ? /10" in page.text
    assert f'action="/analyses/{aid}/dose"' in page.text and 'name="pain_after"' in page.text
    assert re.search(r'<label for="dose-pain-after">', page.text) and 'inputmode="numeric"' in page.text
    assert 'min="0" max="10"' in page.text

    form = {"pain_after": "5", "sets_done": "3", "reps_done": "8", "rpe": "6.5"}
    saved = client.post(f"/analyses/{aid}/dose", data=form, headers=BROWSER_FORM, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/analyses/{aid}#session-dose"
    page = client.get(f"/analyses/{aid}")
    assert "20 kg · 3 × 10 (did 3 × 8) · pain 3 → 5 /10 · effort 6.5/10" in page.text
    assert "(pain +2)" in page.text
    body = client.get(f"/v1/analyses/{aid}").json()  # the stored dose wins over the one report.json was written with
    assert body["dose"]["pain_after"] == 5
    assert body["result"]["dose"] == body["dose"] and body["result"]["dose"]["load_kg"] == 20.0

    before = _stored(client, aid)
    bad = client.post(f"/analyses/{aid}/dose", data=form | {"pain_after": "11"}, headers=BROWSER_FORM)
    assert bad.status_code == 422 and "Not saved: pain_after:" in bad.text and 'value="11"' in bad.text
    assert _stored(client, aid) == before
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}, {}):
        forged = client.post(f"/analyses/{aid}/dose", data={"pain_after": "0"}, headers=headers)
        assert forged.status_code == 403, headers
    assert _stored(client, aid) == before
    cleared = client.post(f"/analyses/{aid}/dose", data=form | {"rpe": ""}, headers=BROWSER_FORM)
    assert cleared.status_code == 200 and _stored(client, aid)["rpe"] is None  # followed to the page

    south = add_key(client, "South")
    client.post("/auth/login", data={"key": south, "next": "/"})
    assert client.post(f"/analyses/{aid}/dose", data={"pain_after": "0"}, headers=BROWSER_FORM).status_code == 404
    client.cookies.clear()
    anonymous = client.post(
        f"/analyses/{aid}/dose", data={"pain_after": "0"}, headers=BROWSER_FORM, follow_redirects=False
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    assert _stored(client, aid)["pain_after"] == 5


def test_a_live_session_is_saved_with_its_dose(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The saving step on the real database; the pose model's part is in the slow test below."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    with session_scope(_sessions(client)) as session:
        clinic_id = get_or_create_clinic(session, "North").id

    class _Finished:
        def finish(self, name: str) -> tuple[Any, None, None]:
            return make_report(), None, None

    written: list[Any] = []
    monkeypatch.setattr("api.live_sessions.write_report_folder", lambda out, pose, report, *_: written.append(report))
    start = LiveStart.model_validate({"type": "start", "dose": {"load_kg": 0, "pain_before": 2}})
    saved = save_live_session(
        _sessions(client),
        settings.results_dir,
        clinic_id=clinic_id,
        start=start,
        live=_Finished(),  # type: ignore[arg-type]
    )
    assert written[0].dose == SessionDose(load_kg=0, pain_before=2)
    stored = _stored(client, saved.analysis_id)
    assert stored["load_kg"] == 0 and stored["pain_before"] == 2 and stored["pain_after"] is None
    with pytest.raises(ValueError, match="pain_before"):
        LiveStart.model_validate({"type": "start", "dose": {"pain_before": 11}})


def test_a_live_start_with_a_bad_dose_is_refused_with_the_field(client: TestClient) -> None:
    key = add_key(client, "North")
    with client.websocket_connect("/v1/live", headers={"X-API-Key": key}) as ws:
        ws.send_text(json.dumps({"type": "start", "movement": "squat", "dose": {"load_kg": -1}}))
        answer = ws.receive_json()
        assert answer["type"] == "error" and "dose.load_kg" in answer["detail"], answer
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 1008
    with _sessions(client)() as session:
        assert session.scalar(select(func.count()).select_from(Analysis)) == 0


@pytest.mark.slow
def test_dose_round_trips_through_the_worker_and_a_live_session(client: TestClient) -> None:
    """The real pose model: an upload's dose in the report.json the worker writes; a live session's in its row."""
    from api.worker import Worker

    settings = client.app.state.settings  # type: ignore[attr-defined]
    key = add_key(client, "North")
    headers = {"X-API-Key": key}
    aid = upload(client, key, **DOSE_FORM).json()["id"]
    worker = Worker(settings)
    with worker.sessions() as session:
        claim = claim_next(session, worker.id, worker.policy, settings.data_dir)
    assert claim is not None and claim.id == aid
    try:
        worker.run_job(claim)
    finally:
        for estimator in worker.estimators.values():
            estimator.close()
        worker.sessions.kw["bind"].dispose()
    body = client.get(f"/v1/analyses/{aid}", headers=headers).json()
    assert body["status"] == "done", body
    on_disk = json.loads((settings.results_dir / aid / "report.json").read_text(encoding="utf-8"))
    assert on_disk["dose"] == body["dose"] == body["result"]["dose"] and body["dose"]["load_kg"] == 20.0
    client.patch(f"/v1/analyses/{aid}", json={"dose": {"pain_after": 4}}, headers=headers)
    assert client.get(f"/v1/analyses/{aid}", headers=headers).json()["result"]["dose"]["pain_after"] == 4

    start = {"type": "start", "movement": "squat", "model": "lite", "width": 360, "height": 640}
    with client.websocket_connect("/v1/live", headers=headers) as ws:
        ws.send_text(json.dumps(start | {"dose": {"load_kg": 8, "sets_prescribed": 1, "pain_before": 2}}))
        assert ws.receive_json()["type"] == "ready"
        for time_ms, jpeg in jpeg_frames(SAMPLE, size=(360, 640)):
            ws.send_bytes(frame_message(time_ms, jpeg))
            assert ws.receive_json()["type"] == "frame"
        ws.send_text(json.dumps({"type": "stop"}))
        saved = ws.receive_json()
    assert saved["type"] == "saved", saved
    live = client.get(f"/v1/analyses/{saved['analysis_id']}", headers=headers).json()
    assert live["dose"]["load_kg"] == 8 and live["dose"]["pain_before"] == 2
    assert live["result"]["dose"] == live["dose"]
    on_disk = json.loads((settings.results_dir / saved["analysis_id"] / "report.json").read_text(encoding="utf-8"))
    assert on_disk["dose"]["load_kg"] == 8
