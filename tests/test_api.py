"""The service skeleton: app factory, lifespan and health endpoints."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app


def test_health_and_readiness() -> None:
    with TestClient(create_app()) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        ready = client.get("/readyz").json()
        assert ready["models"]["full"] is True
        assert client.get("/nope").status_code == 404
