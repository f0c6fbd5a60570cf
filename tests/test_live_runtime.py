"""The browser pose runtime: provisioned from the npm registry (pinned, checked), served by the app, allow-listed."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from api.pages import PAGE_CSP
from movequal.errors import ModelError
from movequal.pose import web_runtime
from movequal.pose.model_files import ensure_model
from movequal.pose.web_runtime import WEB_RUNTIME_FILES, pull_web_runtime, web_runtime_dir, web_runtime_present
from tests.helpers import REPO
from tests.helpers.api_helpers import add_key, app_client
from tests.helpers.service import service_env

OFFLINE = {"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "no_proxy": "", "NO_PROXY": ""}
"""A proxy nobody listens on: every registry download fails as it would offline."""
EXPECTED_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}


def test_runtime_files_are_served_with_their_types(tmp_path: Path) -> None:
    folder = pull_web_runtime()  # a no-op once `movequal models pull web` (scripts/setup.sh) has run
    lite = ensure_model("lite")
    with app_client(tmp_path / "data") as client:
        for name in WEB_RUNTIME_FILES:
            suffix = Path(name).suffix
            if suffix not in EXPECTED_TYPES:
                continue
            answer = client.get(f"/live-runtime/{name}")
            assert answer.status_code == 200, name
            assert answer.headers["content-type"].split(";")[0] == EXPECTED_TYPES[suffix], name
            assert answer.content == (folder / name).read_bytes(), name
        model = client.get("/live-runtime/model/lite.task")
        assert model.status_code == 200 and model.content == lite.read_bytes()
        assert model.headers["content-type"] == "application/octet-stream"
        wasm = client.get("/live-runtime/vision_wasm_internal.wasm").content
        assert wasm[:4] == b"\0asm", "a WebAssembly module"


@pytest.mark.parametrize(
    "path",
    [
        "/live-runtime/evil.js",
        "/live-runtime/vision_wasm_module_internal.wasm",  # in the package, but not allow-listed
        "/live-runtime/..%2Fmanifest.json",
        "/live-runtime/%2E%2E%2F%2E%2E%2Fpyproject.toml",
        "/live-runtime/model/full.task",
        "/live-runtime/model/../manifest.json",
    ],
)
def test_other_names_are_not_served(tmp_path: Path, path: str) -> None:
    with app_client(tmp_path / "data") as client:
        answer = client.get(path)
    assert answer.status_code == 404, (path, answer.status_code)


def test_not_provisioned_is_a_404_with_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVEQUAL_MODELS_DIR", str(tmp_path / "empty-models"))
    with app_client(tmp_path / "data") as client:
        bundle = client.get("/live-runtime/vision_bundle.mjs")
        model = client.get("/live-runtime/model/lite.task")
    assert bundle.status_code == 404 and "movequal models pull web" in bundle.text, bundle.text
    assert model.status_code == 404 and "movequal models pull web" in model.text, model.text
    assert str(tmp_path) not in bundle.text + model.text, "no server path in an answer"


def test_only_the_live_page_may_compile_webassembly(tmp_path: Path) -> None:
    assert "wasm-unsafe-eval" not in PAGE_CSP
    with app_client(tmp_path / "data") as client:
        client.post("/auth/login", data={"key": add_key(client, "North"), "next": "/"})
        live = client.get("/live").headers["content-security-policy"]
        other = client.get("/patients").headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in live
    assert "unsafe-eval'" not in live.replace("'wasm-unsafe-eval'", ""), "WebAssembly only, never JavaScript eval"
    assert "wasm-unsafe-eval" not in other and "blob:" not in live and "https:" not in live


def test_pull_fails_clearly_offline_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in OFFLINE.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ModelError, match="npm registry is unreachable"):
        pull_web_runtime(tmp_path)
    assert not web_runtime_present(tmp_path) and not web_runtime_dir(tmp_path).exists()
    assert not list((tmp_path / "web-runtime").iterdir())


def test_a_tarball_failing_its_integrity_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "tasks-vision.tgz"
    member = tmp_path / "vision_bundle.mjs"
    member.write_text("export const hijacked = true;\n")
    with tarfile.open(fake, "w:gz") as tar:
        tar.add(member, arcname="package/vision_bundle.mjs")
    monkeypatch.setattr(web_runtime, "WEB_RUNTIME_TARBALL", fake.as_uri())
    with pytest.raises(ModelError, match="integrity check"):
        pull_web_runtime(tmp_path / "models")
    assert not web_runtime_present(tmp_path / "models")


def test_cli_pull_web_offline_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    lite = ensure_model("lite")
    (models / lite.name).write_bytes(lite.read_bytes())  # the lite model is there; only the runtime is missing
    env = service_env(tmp_path / "data", MOVEQUAL_MODELS_DIR=str(models), **OFFLINE)
    done = subprocess.run(
        [sys.executable, "-m", "movequal", "models", "pull", "web"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 20, done.stderr
    assert "npm registry is unreachable" in done.stderr and "Traceback" not in done.stderr, done.stderr
