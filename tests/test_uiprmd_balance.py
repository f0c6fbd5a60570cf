"""The UI-PRMD balance evaluation: ICC on a textbook table, truth on a known lift, the core on real leg raises."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from eval import uiprmd_balance_truth as tr
from eval.evaluate_uiprmd import file_path
from eval.uiprmd import MOCAP_FPS, load_recording
from eval.uiprmd_balance_trials import Trial, study
from movequal.core.balance import LIFT_OFF, LIFT_ON
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import NUM_LANDMARKS
from tests.helpers import shared_dataset

SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=np.float64
)
"""Shrout & Fleiss (1979), Table 2: six targets rated by four judges."""

FOOT_OFF_TOL_S = 0.17
"""Largest foot-off error of the front view (3 px) over all 100 m06 files was 0.161 s (95th pct 0.118 s)."""
TOUCH_DOWN_TOL_S = 0.30
"""Largest touch-down error of the front view (3 px) over all m06 files was 0.291 s (95th pct 0.239 s):
the camera ends the phase early (perspective, and the core's leg-bend gate)."""
PATH_TOL = 0.05
"""Pelvis ML path, camera vs truth over the truth's phase: largest difference over all m06 files 0.047 leg lengths."""
PATH_WINDOW_TOL = 0.02
"""…and vs the truth over the camera's own phase (measurement alone): largest 0.018 leg lengths."""


def test_icc_2_1_of_shrout_and_fleiss_table_is_0_29_with_its_published_interval() -> None:
    r = tr.icc_a1(SHROUT_FLEISS)
    assert (r.n, r.k) == (6, 4)
    assert r.icc == pytest.approx(0.29, abs=0.005)
    assert r.low == pytest.approx(0.019, abs=0.002)  # McGraw & Wong's F-based interval, as R's psych::ICC gives it
    assert r.high == pytest.approx(0.76, abs=0.005)
    assert r.sd == pytest.approx(np.std(SHROUT_FLEISS, ddof=1))
    assert r.sem == pytest.approx(r.sd * np.sqrt(1.0 - r.icc))
    assert r.mdc95 == pytest.approx(1.96 * np.sqrt(2.0) * r.sem)


def test_icc_is_high_when_subjects_differ_far_more_than_their_trials() -> None:
    subjects = np.arange(5.0)[:, None] * 10.0
    trials = np.array([[0.1, -0.2, 0.3], [-0.1, 0.2, 0.0], [0.2, 0.1, -0.3], [0.0, -0.1, 0.1], [-0.2, 0.3, 0.1]])
    r = tr.icc_a1(subjects + trials)
    assert r.icc > 0.99 and r.low < r.icc < r.high <= 1.0


def test_balanced_table_keeps_each_subjects_first_k_measured_trials() -> None:
    table = tr.balanced([[1.0, np.nan, 2.0, 3.0], [4.0, 5.0, np.nan, np.nan], [6.0, 7.0, 8.0, 9.0]])
    assert table is not None and table.tolist() == [[1.0, 2.0], [4.0, 5.0], [6.0, 7.0]]
    assert tr.balanced([[1.0, 2.0], [3.0, np.nan]]) is None


def _lifting_body(frames: int, fps: float, lift_m: np.ndarray) -> np.ndarray:
    """A standing body (body frame) whose right foot rises by ``lift_m``; hips 0.9 m, knees 0.5 m up."""
    points = np.full((frames, NUM_LANDMARKS, 3), np.nan)
    for side, left in (("left", 0.1), ("right", -0.1)):
        for joint, height in (("hip", 0.9), ("knee", 0.5), ("ankle", 0.1), ("heel", 0.05), ("foot_index", 0.02)):
            points[:, IDX[f"{side}_{joint}"]] = (0.0, height, left)
    for joint in ("ankle", "heel", "foot_index"):
        points[:, IDX[f"right_{joint}"], 1] += lift_m
    return points


def test_truth_phase_is_where_the_foot_crosses_lift_off_with_the_cores_thresholds() -> None:
    fps, leg = 100.0, 0.8  # hip → knee → ankle: 0.4 + 0.4 m
    t = np.arange(300) / fps
    lift_m = np.interp(t, [0.0, 0.5, 1.0, 2.0, 2.5, 3.0], [0.0, 0.0, 0.2, 0.2, 0.0, 0.0])  # 0.4 m/s up and down
    phase = tr.find_phase(_lifting_body(len(t), fps, lift_m), t, "right", leg)
    assert phase is not None and phase.runs == 1 and not (phase.start_censored or phase.end_censored)
    assert phase.start == pytest.approx(0.5 + LIFT_OFF * leg / 0.4, abs=1e-6)
    assert phase.end == pytest.approx(2.5 - LIFT_OFF * leg / 0.4, abs=1e-6)
    small = np.minimum(lift_m, 0.9 * LIFT_ON * leg)  # never reaches LIFT_ON: no phase
    assert tr.find_phase(_lifting_body(len(t), fps, small), t, "right", leg) is None


def _m06_trials() -> list[Trial]:
    """m06 (standing active straight leg raise), s01–s02, e01–e03, correct and incorrect: the right leg rises."""
    data = shared_dataset("ui-prmd")
    trials = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for subject in ("s01", "s02"):
            for episode in ("e01", "e02", "e03"):
                for correct in (True, False):
                    mocap = load_recording(file_path(data, "m06", subject, episode, correct), MOCAP_FPS)
                    trials.append(study(mocap, "m06", subject, episode, correct=correct, moving="right"))
    return trials


@pytest.fixture(scope="module")
def m06_trials() -> list[Trial]:
    return _m06_trials()


def test_front_view_finds_one_single_leg_phase_on_the_left_foot_in_each_leg_raise(m06_trials: list[Trial]) -> None:
    for trial in m06_trials:
        assert trial.phase is not None and trial.phase.runs == 1, trial.name
        seen = trial.seen[("frontal", 3.0)]
        assert seen.holds == 1, trial.name
        assert seen.stance == "left" == trial.stance, trial.name


def test_front_view_foot_off_and_touch_down_are_near_the_motion_captures(m06_trials: list[Trial]) -> None:
    for trial in m06_trials:
        seen, phase = trial.seen[("frontal", 3.0)], trial.phase
        assert phase is not None and not phase.start_censored and not phase.end_censored
        assert abs(seen.start - phase.start) < FOOT_OFF_TOL_S, trial.name
        assert abs(seen.end - phase.end) < TOUCH_DOWN_TOL_S, trial.name


def test_front_view_pelvis_path_is_near_the_motion_captures_mediolateral_path(m06_trials: list[Trial]) -> None:
    measured = 0
    for trial in m06_trials:
        seen = trial.seen[("frontal", 3.0)]
        assert seen.sway is not None and seen.truth_same_window is not None, trial.name
        truth = trial.truth["mediolateral"].pelvis_path
        assert 0.005 < truth < 0.2, trial.name  # a real sway, in leg lengths
        if not np.isfinite(seen.sway.pelvis_path):  # below the tracking noise: "not measurable", never a guess
            assert truth < 0.06, trial.name  # only a small sway may be lost in 3 px of jitter over a 1 s phase
            continue
        measured += 1
        assert abs(seen.sway.pelvis_path - truth) < PATH_TOL, trial.name
        assert abs(seen.sway.pelvis_path - seen.truth_same_window.pelvis_path) < PATH_WINDOW_TOL, trial.name
    assert measured >= 0.75 * len(m06_trials)
