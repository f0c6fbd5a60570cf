"""A lift filmed from the floor to lockout with no lowering is judged as a partial, and a heel the camera
cannot surely see is not measured (issue 12, points 1 and 3)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from movequal.core.compensations.base import RuleContext
from movequal.core.compensations.config import DEFAULT_THRESHOLDS
from movequal.core.compensations.stiffness import stiffness_signs
from movequal.core.movement_registry import get_profile
from movequal.core.scoring import LOCKOUT_TRUNK_DEG, AssessmentResult, assess
from movequal.core.segmentation import find_concentric_pull
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate


def _lift(view: str = "sagittal-left") -> tuple[AssessmentResult, PoseSequence]:
    pose, _ = generate(SyntheticSpec(movement="lift", reps=1, camera=Camera(view=view), seed=3))
    return assess(pose, "lift"), pose


def _from(pose: PoseSequence, start: int, stop: int | None = None) -> PoseSequence:
    cut = pose[start:stop]
    return cut.with_timestamps(cut.timestamps - cut.timestamps[0])


@pytest.mark.parametrize("view", ["sagittal-left", "oblique"])
def test_a_pull_from_the_floor_to_lockout_is_scored_as_a_partial(view: str) -> None:
    full, pose = _lift(view)
    (rep,) = full.assessment.reps
    pull = assess(_from(pose, rep.bottom_frame), "lift")
    a = pull.assessment
    assert a.full_reps == 0 and a.partial_reps == 1
    assert [r.partial for r in a.reps] == [True] and a.score is not None and a.rating is not None
    (m,) = pull.rep_metrics
    (whole,) = full.rep_metrics
    assert m.peak_trunk_inclination == pytest.approx(whole.peak_trunk_inclination, abs=2.0)  # the floor position
    assert m.ascent_s == pytest.approx(whole.ascent_s, abs=0.15)  # the pull itself
    assert m.hips_rise_first == pytest.approx(whole.hips_rise_first, abs=0.1)
    assert m.descent_s < 0.3  # nothing is lowered


def test_a_pull_that_stops_before_lockout_and_a_full_rep_are_not_partials() -> None:
    full, pose = _lift()
    (rep,) = full.assessment.reps
    trunk = full.kinematics.angle("trunk_inclination", full.assessment.view)
    still_bent = rep.bottom_frame + int(np.argmax(trunk[rep.bottom_frame :] < 2 * LOCKOUT_TRUNK_DEG))
    stopped = assess(_from(pose, rep.bottom_frame, still_bent + 1), "lift").assessment
    assert stopped.reps == [] and stopped.score is None  # no lockout: nothing to judge as a pull
    assert not any(r.partial for r in full.assessment.reps)  # an ordinary rep stays a rep


def test_a_pull_the_recording_began_in_the_middle_of_has_no_range_to_judge() -> None:
    """Lift-off on the first frame: the floor was never seen, so a short range is not a sign of guarding."""
    full, pose = _lift()
    (rep,) = full.assessment.reps
    from_floor = assess(_from(pose, rep.bottom_frame - 5), "lift")
    mid_pull = assess(_from(pose, rep.bottom_frame + 15), "lift")
    (seen,), (cut,) = from_floor.rep_metrics, mid_pull.rep_metrics
    assert seen.range_seen and seen.start > 0
    full_range = DEFAULT_THRESHOLDS.stiffness.min_rom_fraction * get_profile("lift").expected_depth
    assert not cut.range_seen and cut.start == 0 and cut.depth < full_range  # it would read as a reduced range
    ctx = RuleContext(mid_pull.assessment.view, "lift", DEFAULT_THRESHOLDS)
    assert "range (% of full)" not in stiffness_signs(cut, ctx)
    assert "range (% of full)" in stiffness_signs(replace(cut, range_seen=True), ctx)


def test_only_a_lift_or_bend_is_judged_on_a_partial() -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=1, camera=Camera(view="sagittal-left"), seed=3))
    (rep,) = assess(pose, "squat").assessment.reps
    rising = assess(_from(pose, rep.bottom_frame), "squat").assessment
    assert rising.reps == [] and rising.partial_reps == 1 and rising.score is None


def test_find_concentric_pull_needs_floor_then_lockout_and_no_lowering() -> None:
    t = np.arange(0, 3.0, 1 / 30)
    rise = np.clip((t - 0.8) / 0.8, 0.0, 1.0)  # 0.8 s on the floor, a 0.8 s pull, then held
    depth = 0.9 - 0.8 * rise
    window = find_concentric_pull(depth, t, lockout_level=0.2)
    assert window is not None and window.reference is not None
    assert t[window.start] == pytest.approx(0.8, abs=0.1) and t[window.reference] == pytest.approx(1.6, abs=0.1)
    lowered = np.where(t > 2.2, depth + 0.8 * np.clip((t - 2.2) / 0.6, 0, 1), depth)
    assert find_concentric_pull(lowered, t, lockout_level=0.2) is None  # set down again: a rep's business
    assert find_concentric_pull(depth, t, lockout_level=0.05) is None  # never upright enough
    assert find_concentric_pull(depth[::-1].copy(), t, lockout_level=0.2) is None  # a lowering only


def test_a_heel_the_camera_cannot_surely_see_is_not_measured() -> None:
    pose, _ = generate(
        SyntheticSpec(movement="squat", reps=2, camera=Camera(view="sagittal-left"), faults=Faults(heel_lift=0.12))
    )
    seen = assess(pose, "squat")
    assert all(np.isfinite(m.peak_heel_height) for m in seen.rep_metrics)
    assert "heel_lift" in {f.code for f in seen.assessment.findings}
    visibility = pose.visibility.copy()
    visibility[:, IDX["left_heel"]] = 0.8  # behind a plate: the model guesses where the heel is
    hidden = assess(replace(pose, visibility=visibility), "squat")
    assert all(np.isnan(m.peak_heel_height) for m in hidden.rep_metrics)
    assert "heel_lift" not in {f.code for f in hidden.assessment.findings}
    assert [r.bottom_frame for r in hidden.assessment.reps] == [r.bottom_frame for r in seen.assessment.reps]
