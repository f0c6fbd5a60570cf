"""Overhead reach on synthetic people with planted faults: counted, measured, flagged offline and live."""

from __future__ import annotations

import numpy as np
import pytest

from eval.evaluate_uiprmd import compute_auc
from movequal.core.assessment import View
from movequal.core.scoring import assess
from movequal.live.incremental import IncrementalAssessor
from movequal.synthetic import Camera, Reach, SyntheticSpec, generate

SEEDS = range(4)
NOISE_PX = 2.0
CLEAN = Reach(peak_sd_deg=4.0)
PLANTED = {  # fault → (its spec, the metric that reads it, the views that can, the finding)
    "back arch": (Reach(peak_sd_deg=4.0, back_arch_deg=15.0), "trunk_extension", ("sagittal-left", "sagittal-right")),
    "side lean": (Reach(peak_sd_deg=4.0, side_lean_deg=10.0), "lateral_trunk_lean", ("frontal",)),
    "short reach": (
        Reach(peak_sd_deg=4.0, peak_elevation_deg=125.0), "peak_arm_elevation", ("sagittal-left", "frontal", "oblique")
    ),
}  # fmt: skip
CODES = {"back arch": "back_arching", "side lean": "lateral_trunk_lean", "short reach": "incomplete_overhead_reach"}


def _assess(reach: Reach, view: View, seed: int):  # type: ignore[no-untyped-def]
    spec = SyntheticSpec(
        movement="overhead-reach", reps=3, reach=reach, camera=Camera(view=view), noise_px=NOISE_PX, seed=seed
    )
    pose, truth = generate(spec)
    return pose, truth, assess(pose, "overhead-reach")


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right", "frontal", "oblique"])
def test_clean_reaches_are_counted_and_get_no_finding(view: View) -> None:
    for seed in SEEDS:
        _, truth, result = _assess(CLEAN, view, seed)
        a = result.assessment
        assert a.full_reps == truth.reach.reps == 3, (view, seed)
        assert a.findings == [], (view, seed, [f.code for f in a.findings])
        planted = np.fmax(truth.reach.peak_elevation_left_deg, truth.reach.peak_elevation_right_deg)
        measured = [m.peak_arm_elevation for m in result.rep_metrics]
        np.testing.assert_allclose(measured, planted, atol=6.0)  # 2 px noise biases a peak up by 1-3°


@pytest.mark.parametrize("fault", list(PLANTED))
def test_planted_faults_are_separated_and_flagged_where_the_view_allows(fault: str) -> None:
    reach, metric, views = PLANTED[fault]
    sign = -1.0 if metric == "peak_arm_elevation" else 1.0  # a short reach reads lower
    for view in views:
        clean, faulty = [], []
        for seed in SEEDS:
            clean += [sign * getattr(m, metric) for m in _assess(CLEAN, view, seed)[2].rep_metrics]
            _, _, result = _assess(reach, view, seed)
            faulty += [sign * getattr(m, metric) for m in result.rep_metrics]
            assert CODES[fault] in {f.code for f in result.assessment.findings}, (fault, view, seed)
        assert compute_auc(faulty, clean) >= 0.95, (fault, view)


def test_a_fault_the_view_cannot_see_is_not_guessed() -> None:
    for seed in SEEDS[:2]:
        side_lean_from_the_side = _assess(PLANTED["side lean"][0], "sagittal-left", seed)[2]
        assert all(np.isnan(m.lateral_trunk_lean) for m in side_lean_from_the_side.rep_metrics)
        arch_from_the_front = _assess(PLANTED["back arch"][0], "frontal", seed)[2]
        assert all(np.isnan(m.trunk_extension) for m in arch_from_the_front.rep_metrics)
        assert arch_from_the_front.assessment.findings == []


@pytest.mark.parametrize(("view", "fault"), [("frontal", "side lean"), ("sagittal-right", "back arch")])
def test_live_counts_and_flags_reaches_like_offline(view: View, fault: str) -> None:
    pose, truth, offline = _assess(PLANTED[fault][0], view, 0)
    live = IncrementalAssessor("overhead-reach", pose.fps, pose.frame_size)
    updates = [
        live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
        for i in range(len(pose))
    ]
    end = live.flush()
    reps = [u for u in [*updates, end] if u is not None and u.rep is not None]
    assert len(reps) == len(offline.assessment.reps) == 3
    np.testing.assert_allclose([u.rep.bottom_time for u in reps], np.asarray(truth.reach.tops), atol=0.5)  # type: ignore[union-attr]
    assert all(CODES[fault] in {f.code for f in u.findings} for u in reps)
