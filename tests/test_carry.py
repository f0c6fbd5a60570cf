"""Carrying a load while walking: the loaded hand found from the arms' swing, a lean named against it."""

from __future__ import annotations

import pytest

from movequal.core.assessment import Assessment
from movequal.core.movement_registry import MOVEMENTS, Movement
from movequal.core.scoring import assess
from movequal.synthetic import Camera, Gait, SyntheticSpec, generate


def _carry(movement: Movement, view: str, gait: Gait, seed: int = 0) -> Assessment:
    spec = SyntheticSpec(movement="walk", camera=Camera(view=view), noise_px=2.0, gait=gait, seed=seed)  # type: ignore[arg-type]
    return assess(generate(spec)[0], movement).assessment


def _titles(a: Assessment) -> dict[str, str]:
    return {f.code: f.title for f in a.findings}


@pytest.mark.parametrize("seed", [0, 1])
def test_a_suitcase_carry_names_the_loaded_hand_and_the_lean_against_it(seed: int) -> None:
    right_hand = Gait(arm_swing_right=0.0)  # the hand holding the case does not swing
    upright = _carry("suitcase-carry", "frontal", right_hand, seed)
    assert upright.gait is not None and upright.gait.load == "one-hand" and upright.gait.loaded_side == "right"
    assert upright.findings == [], "a still loaded arm is the carry, not a fault"
    away = _carry("suitcase-carry", "frontal", Gait(arm_swing_right=0.0, lateral_lean_deg=8.0), seed)  # + = left
    assert _titles(away) == {"lateral_trunk_lean": "Leans away from the load in the right hand"}
    towards = _carry("suitcase-carry", "frontal", Gait(arm_swing_right=0.0, lateral_lean_deg=-8.0), seed)
    assert _titles(towards) == {"lateral_trunk_lean": "Leans towards the load in the right hand"}
    plain = _carry("walk", "frontal", right_hand, seed)
    assert "reduced_arm_swing" in _titles(plain), "the same still arm in plain walking is uneven arm swing"


def test_from_the_side_the_loaded_hand_and_the_lean_are_not_guessed() -> None:
    a = _carry("suitcase-carry", "sagittal-left", Gait(arm_swing_right=0.0, lateral_lean_deg=8.0))
    assert a.gait is not None and a.gait.loaded_side is None and a.findings == []


def test_a_farmers_carry_expects_still_arms_but_not_one_swinging() -> None:
    still = _carry("farmer-carry", "frontal", Gait(arm_swing_left=0.05, arm_swing_right=0.05))
    assert still.gait is not None and still.gait.load == "both-hands" and still.findings == []
    uneven = _carry("farmer-carry", "frontal", Gait(arm_swing_left=1.0, arm_swing_right=0.05))
    assert set(_titles(uneven)) == {"reduced_arm_swing"}


def test_carries_are_walking_tasks_with_their_load_in_the_registry() -> None:
    loads = {name: p.load for name, p in MOVEMENTS.items() if p.load is not None}
    assert loads == {"suitcase-carry": "one-hand", "farmer-carry": "both-hands"}
    assert all(MOVEMENTS[n].family == "locomotion" and MOVEMENTS[n].followed_live for n in loads)
