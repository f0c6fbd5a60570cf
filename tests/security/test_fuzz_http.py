"""Schemathesis over the whole OpenAPI schema (uploads, patients, analyses) against a real server: no 5xx, no
schema violation, and no body that names a server path or an internal (``schemathesis_checks.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import REPO
from tests.helpers.service import create_key, running_service

pytestmark = pytest.mark.slow  # schemathesis against a real server

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance,no_internals_in_body"
)


def test_schemathesis_finds_no_server_error_or_schema_violation(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "Schema Clinic")
    with running_service(data, "--workers", "0") as service:
        with service.client(key) as client:
            patient = client.post("/v1/patients", json={"reference": "P-1"})
            assert patient.status_code == 201
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{service.url}/openapi.json",
                "--checks",
                CHECKS,
                "--header",
                f"X-API-Key: {key}",
                "--max-examples",
                "25",
                "--seed",
                "1",
                "--request-timeout",
                "30",
                "--no-color",
                "--report-junit-path",
                str(tmp_path / "junit.xml"),
                "--report",
                "junit",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
            cwd=REPO,
            env=os.environ
            | {
                "SCHEMATHESIS_HOOKS": "tests.security.schemathesis_checks",
                "PYTHONPATH": str(REPO),
                "MOVEQUAL_FUZZ_PATHS": os.pathsep.join((str(data), str(REPO))),
            },
        )
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert "No issues found" in run.stdout or "passed" in run.stdout, run.stdout[-3000:]
        assert httpx.get(f"{service.url}/healthz").status_code == 200
