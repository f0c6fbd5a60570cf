"""The live, frame-by-frame form of the scoring core agrees with the offline one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from movequal.core.kinematics import compute_leg_length
from movequal.core.scoring import assess
from movequal.live.incremental import MAX_BUFFER_S, IncrementalAssessor
from movequal.live.update import CALIBRATION_S
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, Faults, SyntheticSpec, generate


def _run_live(pose: PoseSequence, movement: str) -> tuple[IncrementalAssessor, list]:
    live = IncrementalAssessor(movement, pose.fps, pose.frame_size)  # type: ignore[arg-type]
    updates = [
        live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
        for i in range(len(pose))
    ]
    end = live.flush()  # the stream ends: a first rep still waiting for a pause is judged now
    return live, [*updates, end] if end is not None else updates


@pytest.mark.parametrize(
    ("movement", "view", "faults", "code"),
    [
        ("squat", "sagittal-left", Faults(trunk_lean_deg=25.0), "trunk_lean"),
        ("squat", "frontal", Faults(valgus_deg=18.0, depth_factor=0.76), "knee_valgus"),  # parallel: FPPA readable
        ("bend", "sagittal-right", Faults(hip_share=0.25), "hip_avoidant_bending"),
        ("sit-to-stand", "sagittal-left", Faults(), None),
        ("lunge", "frontal", Faults(), None),
    ],
)
def test_live_counts_and_flags_like_offline(movement: str, view: str, faults: Faults, code: str | None) -> None:
    spec = SyntheticSpec(movement=movement, reps=5, faults=faults, camera=Camera(view=view), noise_px=2.0)  # type: ignore[arg-type]
    pose, truth = generate(spec)
    live, updates = _run_live(pose, movement)
    reps = [u.rep for u in updates if u.rep is not None]
    assert len(reps) == spec.reps == len(assess(pose, movement).assessment.reps)  # type: ignore[arg-type]
    assert live.view == view
    # Each rep is reported when it ends, close to the truth's bottom time.
    np.testing.assert_allclose([r.bottom_time for r in reps], truth.spec.fps**-1 * truth.rep_bottoms, atol=0.4)
    for update in updates:
        if update.rep is not None:
            assert update.time >= update.rep.end_time - 1e-3  # reported on the frame it ends (times are rounded)
            codes = {f.code for f in update.findings}
            assert (code in codes) if code else not codes


def test_a_rep_the_patient_walks_off_in_is_a_partial_live_as_offline() -> None:
    """Both feet step away, one after the other, just before the third rep's bottom (front view: both feet seen)."""
    pose, truth = generate(SyntheticSpec(reps=3, noise_px=1.0, camera=Camera(view="frontal")))
    leg = compute_leg_length(pose.image_pixels()) / pose.frame_size[0]  # in image widths
    image = pose.image.copy()
    first = int(truth.rep_bottoms[2]) - 12
    for k, side in enumerate(("left", "right")):
        feet = [IDX[f"{side}_{j}"] for j in ("ankle", "heel", "foot_index")]
        image[first + 8 * k :, feet, 0] += 0.6 * leg * (k + 1)
    walked = replace(pose, image=image)
    offline = assess(walked, "squat").assessment
    live, updates = _run_live(walked, "squat")
    assert (offline.full_reps, offline.partial_reps) == (2, 1)
    assert (len([u for u in updates if u.rep is not None]), live.partial_reps) == (2, 1)
    untouched, _ = _run_live(pose, "squat")
    assert (len(untouched.reps), untouched.partial_reps) == (3, 0)


def test_calibration_then_frames_are_scored(tmp_path: Path) -> None:
    pose, _ = generate(SyntheticSpec(reps=2, noise_px=1.0))
    _, updates = _run_live(pose, "squat")
    calibrating = [u.calibrating for u in updates]
    first_live = calibrating.index(False)
    assert pose.timestamps[first_live] == pytest.approx(CALIBRATION_S, abs=2 / pose.fps)
    assert all(calibrating[:first_live]) and not any(calibrating[first_live:])
    assert np.isfinite([u.depth for u in updates[first_live + 1 :]]).all()


def test_buffer_stays_bounded_while_standing() -> None:
    spec = SyntheticSpec(reps=1, pause_s=2 * MAX_BUFFER_S, noise_px=1.0)
    pose, _ = generate(spec)
    live, _ = _run_live(pose, "squat")
    span = live._rows[-1][3] - live._rows[0][3]
    assert span <= MAX_BUFFER_S + 1.0


@pytest.mark.slow
def test_live_matches_offline_on_the_real_sample(sample_report_dir: Path) -> None:
    pose = PoseSequence.from_npz(sample_report_dir / "pose.npz")
    offline = assess(pose).assessment
    _, updates = _run_live(pose, offline.movement)
    live_reps = [u.rep for u in updates if u.rep is not None]
    assert abs(len(live_reps) - len(offline.reps)) <= 1 and live_reps
    assert abs(live_reps[0].bottom_time - offline.reps[0].bottom_time) < 0.3
