"""Live sessions that start mid-movement recover, and live reps and findings match the offline ones."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from eval.evaluate_live import compare_paths, stream_live
from movequal.core.assessment import Movement, View
from movequal.core.scoring import assess
from movequal.live.incremental import IncrementalAssessor
from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.sequence import PoseRow, PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, SyntheticSpec, generate
from tests.helpers import shared_clip


def _run(pose: PoseSequence, movement: Movement) -> IncrementalAssessor:
    live = IncrementalAssessor(movement, pose.fps, pose.frame_size)
    for i in range(len(pose)):
        live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i]))
    live.flush()
    return live


def _hold_first_frame(pose: PoseSequence, seconds: float) -> PoseSequence:
    """The same frames after holding the first one still for ``seconds`` (a session joined in a held squat)."""
    order = np.r_[np.zeros(round(seconds * pose.fps), dtype=int), np.arange(len(pose))]
    rows = [PoseRow(pose.image[i], pose.visibility[i], pose.world[i], float(pose.back_bend[i])) for i in order]
    return PoseSequence.from_rows(rows, np.arange(len(rows)) / pose.fps, fps=pose.fps, frame_size=pose.frame_size)


def _squat_set(view: View) -> tuple[PoseSequence, np.ndarray]:
    spec = SyntheticSpec(reps=4, rep_duration_s=3.0, noise_px=1.0, camera=Camera(view=view))
    pose, truth = generate(spec)
    return pose, truth.rep_bottoms


@pytest.mark.parametrize("view", ["sagittal-left", "frontal"])
def test_session_joined_mid_descent_counts_the_half_rep_as_partial(view: View) -> None:
    pose, bottoms = _squat_set(view)
    joined = pose[bottoms[0] - 20 :]  # two thirds of the way down the first squat
    live = _run(joined, "squat")
    assert len(live.reps) == len(bottoms) - 1, "the half rep the session began in is not a rep"
    assert live.partial_reps == 1
    np.testing.assert_allclose([r.bottom_frame for r in live.reps], bottoms[1:] - bottoms[0] + 20, atol=8)


@pytest.mark.parametrize("view", ["sagittal-left", "frontal"])
def test_session_calibrated_in_a_held_squat_recovers_at_the_first_stand(view: View) -> None:
    pose, bottoms = _squat_set(view)
    joined = _hold_first_frame(pose[bottoms[0] :], 1.5)  # the whole calibration second spent at the bottom
    live = _run(joined, "squat")
    assert len(live.reps) == len(bottoms) - 1
    offline = assess(joined, "squat").assessment
    assert [r.number for r in offline.reps] == [1, 2, 3]
    # Depth is measured from the real standing level, not from the squat the calibration saw.
    np.testing.assert_allclose([r.depth for r in live.reps], [r.depth for r in offline.reps], atol=0.1)
    assert live.reference is not None
    assert live.reference.leg_length_px == pytest.approx(
        assess(pose, "squat").kinematics.reference.leg_length_px, rel=0.1
    )


def test_one_frame_glitch_does_not_move_the_standing_level() -> None:
    pose, bottoms = _squat_set("sagittal-left")
    glitched = pose.image.copy()
    glitched[bottoms[1] + 45, [IDX["left_hip"], IDX["right_hip"]], 1] -= 0.3  # hips jump far up for one frame
    live = _run(replace(pose, image=glitched), "squat")
    clean = _run(pose, "squat")
    assert len(live.reps) == len(clean.reps) == len(bottoms)
    np.testing.assert_allclose([r.depth for r in live.reps], [r.depth for r in clean.reps], atol=0.05)


@pytest.mark.parametrize("view", ["sagittal-left", "frontal"])
def test_sit_to_stand_session_that_begins_standing_counts_like_offline(view: View) -> None:
    spec = SyntheticSpec(movement="sit-to-stand", reps=4, rep_duration_s=3.0, noise_px=1.0, camera=Camera(view=view))
    pose, truth = generate(spec)
    standing = pose[truth.rep_bottoms[0] :]  # the peaks of a seated set are its stands
    live = _run(standing, "sit-to-stand")
    offline = assess(standing, "sit-to-stand").assessment
    assert live.rest == "standing"
    assert len(live.reps) == len(offline.reps) == len(truth.rep_bottoms) - 1
    np.testing.assert_allclose([r.bottom_time for r in live.reps], [r.bottom_time for r in offline.reps], atol=0.2)


REAL_MID_REP = "squat_side_good_ven.mp4"
"""Three slow squats; bottoms at 1.5, 5.75 and 10.45 s by hand (REPS.md)."""
HAND_BOTTOMS_S = (1.5, 5.75, 10.45)


@pytest.fixture(scope="module")
def ven() -> PoseSequence:
    return estimate_video(shared_clip(REAL_MID_REP), EstimatorConfig())


@pytest.mark.slow
@pytest.mark.parametrize("hold_s", [0.0, 1.5])
def test_real_session_joined_at_the_bottom_of_a_squat_counts_the_rest(ven: PoseSequence, hold_s: float) -> None:
    first = int(np.searchsorted(ven.timestamps, HAND_BOTTOMS_S[0]))
    joined = _hold_first_frame(ven[first:], hold_s)
    updates = stream_live(joined, "squat")
    shift = hold_s - HAND_BOTTOMS_S[0]  # clip time → session time
    assert len(updates) == 2
    np.testing.assert_allclose(
        [u.rep.bottom_time for u in updates if u.rep], np.add(HAND_BOTTOMS_S[1:], shift), atol=0.3
    )


PARITY_CLIPS = (
    "squat_side_good_ven.mp4",
    "squat_front_good_aith.mp4",  # ends partway up its 10th rep: live waits for the rep to end
    "squat_front_bad-valgus_kaia004.mp4",
    "deadlift_side_good_tbyc1.mp4",
    "sts_side_unknown_frail.mp4",
    "lunge_side_unknown_rnh.mp4",
)


@pytest.mark.slow
def test_live_and_offline_agree_on_real_clips(ven: PoseSequence) -> None:
    results = []
    for name in PARITY_CLIPS:
        pose = ven if name == REAL_MID_REP else estimate_video(shared_clip(name), EstimatorConfig())
        parity = compare_paths(pose)
        assert abs(parity.live_reps - parity.offline_reps) <= 1, (name, parity)
        assert parity.paired >= min(parity.live_reps, parity.offline_reps) - 1, (name, parity)
        results.append(parity)
    same, paired = sum(p.same_codes for p in results), sum(p.paired for p in results)
    assert paired >= 25
    assert same / paired >= 0.8, results


@pytest.mark.slow
def test_a_patient_who_stands_up_and_walks_off_has_no_full_rep_live_or_offline() -> None:
    # REPS.md: one stand-up, no return to the chair; the patient walks away and the camera follows.
    pose = estimate_video(shared_clip("sts_side_unknown_sds.mp4"), EstimatorConfig())
    offline = assess(pose, "sit-to-stand").assessment
    live = _run(pose, "sit-to-stand")
    assert offline.reps == [] and offline.partial_reps >= 1
    assert live.reps == []
