"""A patient's height: stored on the patient, used by their uploads unless one gives its own, checked in range;
and the migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient

from api.db import make_engine, upgrade_database
from api.models import Base
from tests.helpers.api_helpers import add_key, app_client, upload


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with app_client(tmp_path / "data", database_url=database_url) as c:
        yield c


def test_the_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_database(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_an_upload_takes_the_patients_height_unless_it_gives_one(client: TestClient) -> None:
    key = add_key(client, "North")
    headers = {"X-API-Key": key}
    patient = client.post("/v1/patients", json={"reference": "H-1", "height_m": 1.68}, headers=headers)
    assert patient.status_code == 201 and patient.json()["height_m"] == 1.68
    pid = patient.json()["id"]
    inherited = upload(client, key, patient_id=pid)
    assert inherited.status_code == 202 and inherited.json()["height_m"] == 1.68
    own = upload(client, key, patient_id=pid, height_m="1.71")
    assert own.status_code == 202 and own.json()["height_m"] == 1.71
    assert upload(client, key).json()["height_m"] is None  # no patient, no height
    changed = client.patch(f"/v1/patients/{pid}", json={"height_m": 1.70}, headers=headers)
    assert changed.status_code == 200 and changed.json()["height_m"] == 1.70
    assert client.patch(f"/v1/patients/{pid}", json={"notes": "x"}, headers=headers).json()["height_m"] == 1.70


@pytest.mark.parametrize("height", ["3.1", "0.2", "tall", "nan"])
def test_a_height_out_of_range_is_refused_with_the_field(client: TestClient, height: str) -> None:
    key = add_key(client, "North")
    answer = upload(client, key, height_m=height)
    assert answer.status_code == 422 and "height_m" in answer.text
    patient = client.post("/v1/patients", json={"reference": "H-2", "height_m": 9.0}, headers={"X-API-Key": key})
    assert patient.status_code == 422 and "height_m" in patient.text
    assert client.get("/v1/analyses", headers={"X-API-Key": key}).json()["total"] == 0
