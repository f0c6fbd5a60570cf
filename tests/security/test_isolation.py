"""What already held, kept under the security suite on a real server: one clinic never sees, changes or
deletes another's patients and analyses (and cannot tell them from ones that do not exist), every route
without a valid key answers 401, and no error body carries a traceback or a server path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.helpers import REPO
from tests.helpers.api_helpers import SAMPLE
from tests.helpers.service import Service, create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # a real server with a worker analysing a real clip

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "X-Requested-With": "movequal"}
MISSING_ID = "0" * 32


@dataclass(frozen=True)
class Clinics:
    """A running service, two clinics' keys, and what the first one owns."""

    service: Service
    north: str
    south: str
    patient_id: str
    analysis_id: str


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def clinics(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinics]:
    data = tmp_path_factory.mktemp(f"isolation-{request.param}") / "data"
    env: dict[str, str] = {}
    if request.param == "postgresql":
        from tests.helpers.pg import fresh_database

        env["MOVEQUAL_DATABASE_URL"] = fresh_database(request.getfixturevalue("postgres_url"), "isolation")
    north, south = create_key(data, "North", **env), create_key(data, "South", **env)
    with running_service(data, "--workers", "1", **env) as service, service.client(north) as client:
        patient = client.post("/v1/patients", json={"reference": "N-1", "display_name": "North's patient"})
        assert patient.status_code == 201, patient.text
        with SAMPLE.open("rb") as video:
            queued = client.post(
                "/v1/analyses",
                files={"file": (SAMPLE.name, video, "application/octet-stream")},
                data={"patient_id": patient.json()["id"], "movement": "squat", "retain_source": "false"},
            )
        assert queued.status_code == 202, queued.text
        assert wait_for(client, queued.json()["id"])["status"] == "done"
        yield Clinics(service, north, south, patient.json()["id"], queued.json()["id"])


def _owned_routes(patient_id: str, analysis_id: str) -> list[tuple[str, str, dict]]:
    """Every /v1 route that names one of a clinic's records, with a body that would be accepted."""
    analysis = f"/v1/analyses/{analysis_id}"
    return [
        ("GET", f"/v1/patients/{patient_id}", {}),
        ("PATCH", f"/v1/patients/{patient_id}", {"json": {"notes": "changed by another clinic"}}),
        ("GET", f"/v1/patients/{patient_id}/progress", {}),
        ("DELETE", f"/v1/patients/{patient_id}", {}),
        ("GET", analysis, {}),
        ("GET", f"{analysis}/video", {}),
        ("GET", f"{analysis}/report", {}),
        ("GET", f"{analysis}/angles.csv", {}),
        ("GET", f"{analysis}/landmarks.trc", {}),
        ("PATCH", analysis, {"json": {"dose": {"pain_after": 3}}}),
        ("GET", f"{analysis}/comparison?baseline={analysis_id}", {}),
        ("GET", f"/v1/patients/{patient_id}/progression", {}),
        ("GET", f"/v1/patients/{patient_id}/progression/overrides", {}),
        (
            "POST",
            f"/v1/patients/{patient_id}/progression/squat/override",
            {"json": {"decision": "hold", "reason": "x y z"}},
        ),
        ("GET", f"/v1/patients/{patient_id}/programme", {}),
        ("POST", f"/v1/patients/{patient_id}/programme/tasks", {"json": {"movement": "squat"}}),
        ("GET", f"/v1/patients/{patient_id}/psfs", {}),
        ("DELETE", analysis, {}),
    ]


def _assert_no_internals(response: httpx.Response, service: Service) -> None:
    body = response.text
    for leak in ("Traceback", 'File "', str(service.data_dir), str(REPO), "sqlalchemy", "sqlite3."):
        assert leak not in body, f"{response.request.method} {response.request.url.path} leaks {leak!r}: {body[:300]}"


def _close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes the socket; return its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=60)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_another_clinic_gets_404_exactly_as_for_a_record_that_does_not_exist(clinics: Clinics) -> None:
    service = clinics.service
    with service.client(clinics.south) as south:
        theirs = _owned_routes(clinics.patient_id, clinics.analysis_id)
        missing = _owned_routes(MISSING_ID, MISSING_ID)
        for (method, path, kwargs), (_, missing_path, _) in zip(theirs, missing, strict=True):
            answer = south.request(method, path, **kwargs)
            nothing = south.request(method, missing_path, **kwargs)
            assert answer.status_code == 404, (method, path, answer.status_code)
            assert answer.json() == nothing.json(), f"{method} {path} tells an existing record from a missing one"
            _assert_no_internals(answer, service)
        with SAMPLE.open("rb") as video:
            upload = south.post(
                "/v1/analyses",
                files={"file": (SAMPLE.name, video, "application/octet-stream")},
                data={"patient_id": clinics.patient_id},
            )
        assert upload.status_code == 404, "an upload was filed under another clinic's patient"
        assert south.get("/v1/patients").json()["total"] == 0
        assert south.get("/v1/analyses").json()["total"] == 0
    with service.client(clinics.north) as north:
        patient = north.get(f"/v1/patients/{clinics.patient_id}")
        assert patient.status_code == 200 and patient.json()["notes"] in (None, ""), "South changed North's patient"
        assert north.get(f"/v1/analyses/{clinics.analysis_id}").json()["status"] == "done"
        assert north.get(f"/v1/analyses/{clinics.analysis_id}/report").status_code == 200
        assert north.get("/v1/analyses").json()["total"] == 1


def test_another_clinics_pages_and_live_sessions_are_closed_too(clinics: Clinics) -> None:
    service = clinics.service
    with httpx.Client(base_url=service.url, follow_redirects=False) as browser:
        signed_in = browser.post("/auth/login", data={"key": clinics.south, "next": "/"}, headers=SAME_ORIGIN)
        assert signed_in.status_code == 303
        for path in (f"/patients/{clinics.patient_id}", f"/analyses/{clinics.analysis_id}"):
            page = browser.get(path)
            if page.status_code == 200:  # the patient page is a shell; its data comes from /v1 with the cookie
                assert "North's patient" not in page.text
            else:
                assert page.status_code == 404, (path, page.status_code)
        assert browser.get(f"/v1/patients/{clinics.patient_id}").status_code == 404
        assert browser.get(f"/v1/analyses/{clinics.analysis_id}/video").status_code == 404
    url = service.url.replace("http://", "ws://") + "/v1/live"
    start = {"type": "start", "movement": "squat", "model": "lite", "patient_id": clinics.patient_id}
    with connect(url, additional_headers={"X-API-Key": clinics.south}) as ws:
        ws.send(json.dumps({**start, "width": 640, "height": 480}))
        assert _close_code(ws) == 4404


def test_every_route_without_a_valid_key_answers_401_and_leaks_nothing(clinics: Clinics) -> None:
    service = clinics.service
    routes = [*_owned_routes(clinics.patient_id, clinics.analysis_id), ("GET", "/v1/patients", {}),
              ("POST", "/v1/patients", {"json": {"reference": "X"}}), ("GET", "/v1/analyses", {}),
              ("POST", "/v1/analyses", {"files": {"file": ("a.mp4", b"\0" * 64)}}), ("GET", "/v1/movements", {}),
              ("GET", "/auth/me", {})]  # fmt: skip
    for headers in ({}, {"X-API-Key": clinics.north + "x"}, {"Authorization": "Bearer not-a-key"},
                    {"Cookie": "movequal_session=forged", **SAME_ORIGIN}):  # fmt: skip
        with httpx.Client(base_url=service.url, headers=headers, timeout=60) as anonymous:
            for method, path, kwargs in routes:
                answer = anonymous.request(method, path, **kwargs)
                assert answer.status_code == 401, (headers, method, path, answer.status_code)
                assert isinstance(answer.json()["detail"], str)
                _assert_no_internals(answer, service)
    with httpx.Client(base_url=service.url, follow_redirects=False) as browser:
        for page in ("/", "/patients", "/live", f"/analyses/{clinics.analysis_id}"):
            answer = browser.get(page)
            assert answer.status_code in (303, 307) and answer.headers["location"].startswith("/login"), page
    with connect(service.url.replace("http://", "ws://") + "/v1/live") as ws:
        assert _close_code(ws) == 4401


def test_malformed_requests_get_a_reason_without_internals(clinics: Clinics) -> None:
    service = clinics.service
    with service.client(clinics.north) as north:
        answers = [
            north.post("/v1/patients", content=b"{not json", headers={"Content-Type": "application/json"}),
            north.post("/v1/patients", json={"reference": "x" * 10_000}),
            north.post("/v1/patients", json={"reference": "N-1"}),  # taken: 409
            north.patch(f"/v1/patients/{clinics.patient_id}", json={"reference": None}),
            north.get("/v1/analyses", params={"limit": "-1"}),
            north.get("/v1/analyses/" + "../" * 8 + "etc/passwd"),
            north.get("/v1/analyses/%2e%2e%2f%2e%2e%2fdata"),
            north.post("/v1/analyses", files={"file": ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\xff" * 4000)}),
            north.post("/v1/analyses", files={"file": ("clip.mp4", b"")}),
            north.post("/v1/analyses", data={"movement": "squat"}),
            north.post("/v1/analyses", files={"file": ("x.mp4", b"x")}, data={"session_date": "31/02/2026"}),
        ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, (answer.request.url.path, answer.status_code, answer.text[:200])
        detail = answer.json()["detail"]
        assert detail, answer.request.url.path
        _assert_no_internals(answer, service)
    assert httpx.get(f"{service.url}/healthz").status_code == 200
