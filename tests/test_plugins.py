"""The service plugs into the core CLI through entry points: no import of ``api`` from ``movequal``."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest
import typer

from movequal.batch.runner import BatchOutcome
from movequal.plugins import COMMANDS_GROUP, RECORDERS_GROUP, MissingPluginError, load_batch_recorder, register_commands
from tests.helpers import REPO

SERVICE_COMMANDS = {"serve", "worker"}


def declared(group: str) -> list[EntryPoint]:
    """The entry points ``pyproject.toml`` declares in ``group``."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [EntryPoint(name, value, group) for name, value in project["entry-points"][group].items()]


def command_names(app: typer.Typer) -> set[str]:
    named = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return named | {g.name or "" for g in app.registered_groups}


def test_importing_the_cli_registers_no_service_command() -> None:
    from movequal.cli import app

    assert "analyze" in command_names(app)
    assert not command_names(app) & (SERVICE_COMMANDS | {"keys"})


def test_the_declared_command_plugin_adds_the_service_commands() -> None:
    app = typer.Typer()
    assert register_commands(app, declared(COMMANDS_GROUP)) == ["service"]
    assert command_names(app) == SERVICE_COMMANDS | {"keys"}


def test_the_declared_recorder_plugin_records_into_the_service_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOVEQUAL_DATA_DIR", str(tmp_path / "data"))
    recorder = load_batch_recorder(f"sqlite:///{tmp_path / 'db.sqlite'}", "North", declared(RECORDERS_GROUP))
    assert recorder(BatchOutcome(results=[])) == 0
    assert (tmp_path / "db.sqlite").is_file() and (tmp_path / "data" / "analyses").is_dir()


def test_no_recorder_plugin_is_a_usage_error() -> None:
    with pytest.raises(MissingPluginError, match="--no-record") as caught:
        load_batch_recorder(None, None, plugins=[])
    assert caught.value.exit_code == 2


def test_the_installed_metadata_declares_the_same_plugins() -> None:
    for group in (COMMANDS_GROUP, RECORDERS_GROUP):
        installed = {(ep.name, ep.value) for ep in entry_points(group=group)}
        wanted = {(ep.name, ep.value) for ep in declared(group)}
        assert installed == wanted, f"{group}: the installed movequal is stale; run `pip install -e .` again"
