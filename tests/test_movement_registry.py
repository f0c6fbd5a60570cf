"""The movement registry is the one list of movements: the types, API, CLI, pages and rules follow it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import pytest
import typer.main
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.config import Settings
from api.db import session_scope
from api.live_sessions import LiveStart
from api.main import create_app
from api.routes.web import STATIC_DIR
from api.security import create_key
from movequal.cli import app as cli_app
from movequal.core.assessment import Movement, MovementChoice, MovementResult, View
from movequal.core.compensations import FINDING_CODES, RULES, detect_compensations
from movequal.core.compensations.metrics import RepMetrics
from movequal.core.movement_registry import (
    MOVEMENT_CHOICES,
    MOVEMENT_NAMES,
    MOVEMENTS,
    REPEATED_MOVEMENTS,
    get_profile,
)

VIEWS: tuple[View, ...] = get_args(View)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """The app on a fresh SQLite database (its lifespan creates and migrates it), and a clinic's API key."""
    app = create_app(Settings(data_dir=tmp_path / "data"))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        with session_scope(app.state.sessions) as session:
            key = create_key(session, "North").secret
        yield client, key


def test_the_movement_literal_lists_the_registry_in_order() -> None:
    assert get_args(Movement) == MOVEMENT_NAMES == tuple(MOVEMENTS)
    assert get_args(MovementChoice) == MOVEMENT_CHOICES == ("auto", *MOVEMENT_NAMES)
    for name, profile in MOVEMENTS.items():
        assert profile.name == name and get_profile(name) is profile
        assert profile.label and set(profile.views) <= set(VIEWS)
        assert (profile.expected_depth > 0 and profile.driver is not None) == profile.repeated, name
    assert tuple(n for n, p in MOVEMENTS.items() if p.family == "repetition") == REPEATED_MOVEMENTS


def _enums(node: Any, path: str = "") -> dict[str, list[str]]:
    """Every enum in an OpenAPI document that offers a movement, by its path."""
    found: dict[str, list[str]] = {}
    if isinstance(node, dict):
        if "squat" in node.get("enum", []):
            found[path] = node["enum"]
        for key, value in node.items():
            found |= _enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found |= _enums(value, f"{path}/{i}")
    return found


def test_the_api_schema_offers_the_registry(service: tuple[TestClient, str]) -> None:
    client, _ = service
    enums = _enums(client.get("/openapi.json").json())
    upload = [e for path, e in enums.items() if "analyses_post" in path]
    assert upload == [list(MOVEMENT_CHOICES)]
    assert enums["/components/schemas/MovementPublic/properties/name"] == list(MOVEMENT_NAMES)
    results = [*MOVEMENT_NAMES, "unrecognised"]  # what a report may name (schema 1.4.0)
    assert list(get_args(MovementResult)) == results
    assert all(e in (list(MOVEMENT_NAMES), list(MOVEMENT_CHOICES), results) for e in enums.values()), enums
    assert LiveStart.model_json_schema()["properties"]["movement"]["enum"] == list(MOVEMENT_NAMES)


def test_the_cli_offers_the_registry() -> None:
    command = typer.main.get_command(cli_app)
    assert isinstance(command, typer.core.TyperGroup)
    wanted = {"analyze": MOVEMENT_CHOICES, "batch": MOVEMENT_CHOICES, "live": MOVEMENT_NAMES}
    for name, choices in wanted.items():
        option = next(p for p in command.commands[name].params if p.name == "movement")
        assert isinstance(option, typer.core.TyperOption)
        assert option.type_descriptor.choices == choices, name
        shown = CliRunner().invoke(cli_app, [name, "--help"], env={"COLUMNS": "400"}).output
        assert "|".join(choices) in shown, name
    refused = CliRunner().invoke(cli_app, ["live", "--movement", "cartwheel"])
    assert refused.exit_code == 2


def test_movements_endpoint_lists_the_registry(service: tuple[TestClient, str]) -> None:
    client, key = service
    assert client.get("/v1/movements").status_code == 401
    items = client.get("/v1/movements", headers={"X-API-Key": key}).json()["items"]
    assert items == [
        {"name": p.name, "label": p.label, "family": p.family, "views": list(p.views), "live": p.followed_live}
        for p in MOVEMENTS.values()
    ]


def _select(page: str, select_id: str) -> str:
    match = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert match is not None, select_id
    return match.group(1)


def test_pages_take_their_movements_from_the_endpoint(service: tuple[TestClient, str]) -> None:
    client, key = service
    client.post("/auth/login", data={"key": key, "next": "/"})
    served = {"upload": client.get("/").text, "live": client.get("/live").text}
    # The movement menus start empty (upload: only "auto", which is a choice, not a movement) ...
    assert re.findall(r'<option value="([^"]*)"', _select(served["upload"], "movement")) == ["auto"]
    assert "<option" not in _select(served["live"], "live-movement")
    # ... and the scripts fill them, and every movement label, from GET /v1/movements.
    common = (STATIC_DIR / "common.js").read_text(encoding="utf-8")
    assert 'api("/v1/movements")' in common
    assert 'fillMovementSelect($("movement"))' in (STATIC_DIR / "upload.js").read_text(encoding="utf-8")
    # The live page offers only what the live engine follows (the endpoint's ``live``: repetitions, balance holds).
    assert 'fillMovementSelect($("live-movement"), true)' in (STATIC_DIR / "live.js").read_text(encoding="utf-8")
    assert "if (liveOnly && !m.live)" in common
    # No page or script retypes a movement's label or offers a movement itself.
    for path in STATIC_DIR.glob("*.*"):
        if path.suffix in (".html", ".js"):
            text = path.read_text(encoding="utf-8")
            for profile in MOVEMENTS.values():
                assert f'value="{profile.name}"' not in text, path.name
                assert f'"{profile.label}"' not in text, path.name


def _rep(number: int, knee: float, hip: float, thigh: float) -> RepMetrics:
    """A rep past every rule's threshold (the knee, hip and thigh angles decide between the depth rules)."""
    return RepMetrics(
        number=number, start=10 * number, bottom=10 * number + 5, end=10 * number + 9, depth=0.1,
        duration_s=5.0, descent_s=2.0, hold_s=1.0, ascent_s=2.0,
        peak_knee_flexion=knee, peak_hip_flexion=hip, peak_trunk_inclination=60.0, trunk_minus_tibia=40.0,
        posterior_hip_shift=0.0, hip_share=0.2, peak_heel_height=0.3, peak_valgus=20.0, lateral_shift=0.3,
        pelvic_obliquity=0.0, knee_symmetry_index=40.0, knee_difference=20.0, peak_speed=100.0, sparc=-5.0,
        velocity_peaks=5, relative_phase=5.0, hips_rise_first=0.9, back_bend=30.0, peak_thigh_inclination=thigh,
        peak_arm_elevation=80.0, trunk_extension=30.0, lateral_trunk_lean=30.0, reach_distance=0.05,
    )  # fmt: skip


@pytest.mark.parametrize("movement", MOVEMENT_NAMES)
def test_only_the_rules_declared_for_a_movement_and_view_run(movement: Movement) -> None:
    reps = [_rep(1, knee=60.0, hip=30.0, thigh=40.0), _rep(2, knee=130.0, hip=100.0, thigh=80.0)]
    assert tuple(spec.code for spec in RULES) == FINDING_CODES and len(set(FINDING_CODES)) == len(RULES)
    for view in VIEWS:
        declared = [spec.code for spec in RULES if movement in spec.movements and view in spec.views]
        fired = [f.code for f in detect_compensations(reps, view, movement, height_m=1.7)]
        assert fired == declared, (movement, view)
    # A rule's own metrics missing (NaN) keep it silent even where it is declared.
    quiet = [replace(r, peak_valgus=float("nan")) for r in reps]
    assert "knee_valgus" not in [f.code for f in detect_compensations(quiet, "frontal", movement)]


def test_a_rounded_back_outline_is_a_fault_only_where_the_spine_should_stay_neutral() -> None:
    """A lift rounds the back by fault; an unloaded forward bend by design: there only the hips' share is judged."""
    assert [n for n, p in MOVEMENTS.items() if p.neutral_spine] == ["lift"]
    hinged = [replace(_rep(n, knee=40.0, hip=90.0, thigh=40.0), hip_share=0.7, posterior_hip_shift=0.3) for n in (1, 2)]
    codes = {m: [f.code for f in detect_compensations(hinged, "sagittal-left", m)] for m in ("lift", "bend")}
    assert "hip_avoidant_bending" in codes["lift"] and "hip_avoidant_bending" not in codes["bend"]
    spine_led = [replace(r, hip_share=0.2, posterior_hip_shift=0.0) for r in hinged]
    cues = {
        m: next(f.cue for f in detect_compensations(spine_led, "sagittal-left", m) if f.code == "hip_avoidant_bending")
        for m in ("lift", "bend")
    }
    assert "keep your back long" in cues["lift"] and "back long" not in cues["bend"] and "hips" in cues["bend"]


def test_rule_declarations_follow_the_profiles() -> None:
    by_code = {spec.code: spec for spec in RULES}
    assert set(by_code["knee_valgus"].movements) == {n for n, p in MOVEMENTS.items() if p.loaded}
    assert set(by_code["hip_avoidant_bending"].movements) == {n for n, p in MOVEMENTS.items() if p.trunk_driven}
    legs = {n for n in REPEATED_MOVEMENTS if not MOVEMENTS[n].arms_driven}
    assert set(by_code["stiffness"].movements) == legs and set(by_code["stiffness"].views) == set(VIEWS)
    assert set(by_code["asymmetry"].movements) == legs == set(by_code["lateral_shift"].movements)
    overhead = {n for n, p in MOVEMENTS.items() if p.driver == "arm-elevation"}
    overhead_rules = ("incomplete_overhead_reach", "back_arching")
    assert overhead and all(set(by_code[c].movements) == overhead for c in overhead_rules)
    forward = {n for n, p in MOVEMENTS.items() if p.driver == "hand-reach"}
    assert forward and set(by_code["short_functional_reach"].movements) == forward
