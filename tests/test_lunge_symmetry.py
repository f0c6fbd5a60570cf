"""A lunge's two knees bend differently by design: the asymmetry rule reads only the pelvis in a split stance.

The premise is checked on real landmarks: the bottoms of correct lunges in the NgoQuocBao1010/Exercise-Correction
data set (MIT, ``../shared/videos/landmarks``; MediaPipe landmarks, side view, labelled by their author).
"""

from __future__ import annotations

import csv

import numpy as np

from movequal.core.compensations import DEFAULT_THRESHOLDS
from movequal.core.kinematics import compute_joint_angle
from movequal.core.movement_registry import MOVEMENTS
from movequal.core.scoring import assess
from movequal.core.smoothness import compute_symmetry_index
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate
from tests.helpers import shared_clip

LANDMARKS = "landmarks/lunge_kneeovertoe_landmarks_ngoquocbao.csv"


def _knee_flexion(rows: list[dict[str, str]], side: str) -> np.ndarray:
    def point(name: str) -> np.ndarray:
        return np.array([[float(r[f"{side}_{name}_x"]), float(r[f"{side}_{name}_y"])] for r in rows])

    return 180.0 - compute_joint_angle(point("hip"), point("knee"), point("ankle"))


def test_correct_lunges_bend_their_two_knees_differently() -> None:
    with shared_clip(LANDMARKS).open(newline="", encoding="utf-8") as fh:
        correct = [r for r in csv.DictReader(fh) if r["label"] == "C"]
    assert len(correct) == 546
    left, right = _knee_flexion(correct, "left"), _knee_flexion(correct, "right")
    th = DEFAULT_THRESHOLDS.frontal
    difference = np.abs(left - right)
    over = (compute_symmetry_index(left, right) > th.symmetry_index_pct) & (difference >= th.min_asymmetry_deg)
    assert np.median(difference) > th.min_asymmetry_deg, "the median pair of knees differs by more than the limit"
    assert over.mean() > 0.4, "nearly half of correct lunge bottoms would pass the knee symmetry rule"


def test_only_the_lunge_is_a_split_stance() -> None:
    assert {name for name, p in MOVEMENTS.items() if p.split_stance} == {"lunge"}


def test_a_front_view_lunge_with_unequal_knees_is_not_called_uneven_but_a_squat_is() -> None:
    lunge = SyntheticSpec(
        movement="lunge", reps=4, camera=Camera(view="frontal"), noise_px=1.0, faults=Faults(asymmetry_deg=25.0)
    )
    result = assess(generate(lunge)[0], "lunge")
    assert result.assessment.view == "frontal"
    differences = [abs(m.knee_difference) for m in result.rep_metrics]
    assert max(differences) > DEFAULT_THRESHOLDS.frontal.min_asymmetry_deg, "the knees do differ within a rep"
    assert "asymmetry" not in {f.code for f in result.assessment.findings}
    squat = SyntheticSpec(reps=3, camera=Camera(view="frontal"), noise_px=1.0, faults=Faults(asymmetry_deg=25.0))
    assert "asymmetry" in {f.code for f in assess(generate(squat)[0], "squat").assessment.findings}
