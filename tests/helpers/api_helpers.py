"""In-process app fixtures for router tests: a real SQLite database in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.config import Settings
from api.db import session_scope
from api.main import create_app
from api.security import create_key
from tests.helpers import SAMPLE


@contextmanager
def app_client(data_dir: Path, **settings: object) -> Iterator[TestClient]:
    """A TestClient over a fresh app (lifespan run: database created and migrated)."""
    app = create_app(Settings(data_dir=data_dir, **settings))  # type: ignore[arg-type]
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def add_key(client: TestClient, clinic: str) -> str:
    """Create an API key for ``clinic`` in the app's database."""
    with session_scope(client.app.state.sessions) as session:  # type: ignore[attr-defined]
        return create_key(session, clinic).secret


def upload(client: TestClient, key: str, path: Path = SAMPLE, name: str | None = None, **fields: str):
    """POST a file to /v1/analyses."""
    with path.open("rb") as fh:
        return client.post(
            "/v1/analyses",
            headers={"X-API-Key": key},
            files={"file": (name or path.name, fh, "application/octet-stream")},
            data=fields,
        )
