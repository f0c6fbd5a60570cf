"""Router tests with TestClient: health, auth, patients, analyses uploads and the web pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.db import session_scope
from api.models import Analysis
from api.security import revoke_key
from tests.helpers.api_helpers import SAMPLE, add_key, app_client, upload


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    """The app on a fresh SQLite file and, in a second run of each test, on a real PostgreSQL."""
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] is True and ready.json()["models"]["full"] is True
    assert client.get("/nope").status_code == 404


def test_every_v1_route_requires_a_valid_key(client: TestClient) -> None:
    key = add_key(client, "North")
    for method, path in [
        ("GET", "/v1/patients"),
        ("GET", "/v1/analyses"),
        ("POST", "/v1/patients"),
        ("GET", "/v1/analyses/abc"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert "API key" in response.json()["detail"]
    assert client.get("/v1/patients", headers={"X-API-Key": key + "x"}).status_code == 401
    assert client.get("/v1/patients", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        assert revoke_key(session, key[:10]) == 1
    assert client.get("/v1/patients", headers={"X-API-Key": key}).status_code == 401


def test_patient_crud_and_clinic_isolation(client: TestClient) -> None:
    north = {"X-API-Key": add_key(client, "North")}
    south = {"X-API-Key": add_key(client, "South")}
    created = client.post("/v1/patients", json={"reference": "P-001", "display_name": "A. B."}, headers=north)
    assert created.status_code == 201
    pid = created.json()["id"]
    assert client.post("/v1/patients", json={"reference": "P-001"}, headers=north).status_code == 409
    assert client.post("/v1/patients", json={"reference": "P-001"}, headers=south).status_code == 201
    assert [p["reference"] for p in client.get("/v1/patients", headers=north).json()["items"]] == ["P-001"]
    patched = client.patch(f"/v1/patients/{pid}", json={"notes": "L4/L5, 6 weeks"}, headers=north)
    assert patched.status_code == 200 and patched.json()["notes"] == "L4/L5, 6 weeks"
    assert patched.json()["display_name"] == "A. B."
    assert client.patch(f"/v1/patients/{pid}", json={"reference": None}, headers=north).status_code == 422
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": {"notes": "x"}} if method == "PATCH" else {}
        assert client.request(method, f"/v1/patients/{pid}", headers=south, **kwargs).status_code == 404
    assert client.get(f"/v1/patients/{pid}/progress", headers=south).status_code == 404
    assert client.delete(f"/v1/patients/{pid}", headers=north).status_code == 204
    assert client.get(f"/v1/patients/{pid}", headers=north).status_code == 404


def test_upload_is_queued_stored_safely_and_isolated(client: TestClient) -> None:
    key = add_key(client, "North")
    other = add_key(client, "South")
    response = upload(client, key, name="../../etc/passwd.mov", movement="squat")
    assert response.status_code == 202, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/analyses/{body['id']}"
    assert body["status"] == "queued" and body["movement_requested"] == "squat"
    assert body["source_name"] == "passwd.mov"
    data_dir = client.app.state.settings.data_dir  # type: ignore[attr-defined]
    stored = list((data_dir / "uploads").iterdir())
    assert [p.name for p in stored] == [f"{body['id']}.mp4"]
    assert stored[0].read_bytes() == SAMPLE.read_bytes()
    assert client.get(body["links"]["self"], headers={"X-API-Key": other}).status_code == 404
    assert client.get(body["links"]["video"], headers={"X-API-Key": other}).status_code == 404
    assert client.get("/v1/analyses", headers={"X-API-Key": other}).json()["total"] == 0
    not_ready = client.get(body["links"]["video"], headers={"X-API-Key": key})
    assert not_ready.status_code == 404 and "queued" in not_ready.json()["detail"]
    assert client.delete(body["links"]["self"], headers={"X-API-Key": other}).status_code == 404
    assert client.delete(body["links"]["self"], headers={"X-API-Key": key}).status_code == 204
    assert not list((data_dir / "uploads").iterdir())


def test_upload_for_another_clinics_patient_is_404(client: TestClient) -> None:
    north, south = add_key(client, "North"), add_key(client, "South")
    pid = client.post("/v1/patients", json={"reference": "S-1"}, headers={"X-API-Key": south}).json()["id"]
    assert upload(client, north, patient_id=pid).status_code == 404
    assert upload(client, south, patient_id=pid).status_code == 202


def test_bad_inputs_get_clear_4xx_and_leave_nothing_behind(client: TestClient, bad_inputs: dict[str, Path]) -> None:
    key = add_key(client, "North")
    expected = {"empty": 400, "text": 415, "png": 415, "audio": 415, "truncated": 422}
    for name, status_code in expected.items():
        response = upload(client, key, bad_inputs[name])
        assert response.status_code == status_code, (name, response.text)
        detail = response.json()["detail"]
        assert isinstance(detail, str) and len(detail) > 10
        assert "Traceback" not in detail and str(bad_inputs[name].parent) not in detail
    assert "PNG image" in upload(client, key, bad_inputs["png"]).json()["detail"]
    assert "no video stream" in upload(client, key, bad_inputs["audio"]).json()["detail"]
    data_dir = client.app.state.settings.data_dir  # type: ignore[attr-defined]
    assert not list((data_dir / "uploads").iterdir())
    assert client.get("/v1/analyses", headers={"X-API-Key": key}).json()["total"] == 0
    assert client.get("/healthz").status_code == 200


def test_limits_answer_413_with_the_limit(tmp_path: Path) -> None:
    for setting, words in (
        ({"max_upload_mb": 1.0}, "MiB"),
        ({"max_duration_s": 1.0}, "lasts"),
        ({"max_side_px": 640}, "pixels"),
    ):
        with app_client(tmp_path / str(len(words)) / "data", **setting) as client:
            response = upload(client, add_key(client, "North"))
            assert response.status_code == 413, response.text
            assert words in response.json()["detail"]
            assert not list((client.app.state.settings.data_dir / "uploads").glob("*"))  # type: ignore[attr-defined]


def test_invalid_fields_name_the_field(client: TestClient) -> None:
    key = add_key(client, "North")
    response = upload(client, key, movement="cartwheel")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("movement:")
    assert client.get("/v1/analyses?limit=0", headers={"X-API-Key": key}).status_code == 422


def test_local_mode_needs_no_key_but_only_loopback(tmp_path: Path) -> None:
    with app_client(tmp_path / "data", auth="local") as client:
        assert client.get("/v1/patients").status_code == 200
        assert client.get("/auth/me").json() == {"clinic": "Local clinic", "mode": "local"}
        remote = TestClient(client.app, base_url="http://127.0.0.1", client=("192.0.2.10", 5000))
        refused = remote.get("/v1/patients")
        assert refused.status_code == 403 and "loopback" in refused.json()["detail"]


def test_web_sign_in_cookie_csrf_and_safe_redirects(client: TestClient) -> None:
    key = add_key(client, "North")
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")
    bad = client.post("/auth/login", data={"key": "mq_wrong", "next": "/patients"}, follow_redirects=False)
    assert bad.status_code == 303 and "error=1" in bad.headers["location"]
    evil = client.post("/auth/login", data={"key": key, "next": "//evil.example/x"}, follow_redirects=False)
    assert evil.headers["location"] == "/"
    cookie = evil.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/auth/me").json()["clinic"] == "North"
    forged = client.post("/v1/patients", json={"reference": "X"})
    assert forged.status_code == 403 and "X-Requested-With" in forged.json()["detail"]
    assert (
        client.post("/v1/patients", json={"reference": "X"}, headers={"X-Requested-With": "movequal"}).status_code
        == 201
    )
    assert client.post("/auth/logout").status_code == 204
    assert client.get("/v1/patients").status_code == 401


def test_result_page_of_unknown_or_unfinished_analysis(client: TestClient) -> None:
    key = add_key(client, "North")
    client.post("/auth/login", data={"key": key, "next": "/"})
    assert client.get("/analyses/0123456789abcdef0123456789abcdef").status_code == 404
    aid = upload(client, key).json()["id"]
    waiting = client.get(f"/analyses/{aid}")
    assert waiting.status_code == 200 and 'id="progress"' in waiting.text
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        assert session.get(Analysis, aid).status == "queued"


def test_clean_filename_keeps_a_display_name_only() -> None:
    from api.uploads import clean_filename

    assert clean_filename("..\\..\\C:\\x\\clip\x07 1.MOV") == "clip 1.MOV"
    assert clean_filename("/etc/") == "video"
    assert clean_filename(None) == "video"


def test_cors_is_closed_unless_configured(tmp_path: Path) -> None:
    preflight = {"Origin": "https://portal.example", "Access-Control-Request-Method": "GET"}
    with app_client(tmp_path / "closed") as client:
        answer = client.options("/v1/patients", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
    with app_client(tmp_path / "open", cors_origins=["https://portal.example"]) as client:
        answer = client.options("/v1/patients", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "https://portal.example"
        other = client.options("/v1/patients", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_unexpected_errors_answer_500_without_internals(tmp_path: Path) -> None:
    with app_client(tmp_path / "data") as client:
        key = add_key(client, "North")

        def broken() -> None:
            raise RuntimeError("secret internal detail at /srv/data")

        client.app.router.add_api_route("/v1/broken", broken)  # type: ignore[attr-defined]
        quiet = TestClient(client.app, raise_server_exceptions=False)
        answer = quiet.get("/v1/broken", headers={"X-API-Key": key})
        assert answer.status_code == 500
        assert "internal error" in answer.json()["detail"]
        assert "secret" not in answer.text and "Traceback" not in answer.text
        assert quiet.get("/healthz").status_code == 200
