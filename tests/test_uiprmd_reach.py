"""The overhead reach on UI-PRMD scaptions: reps, arm elevation, sideways lean, and its limit fitted from data.

Bounds on the whole data set (``slow``) were set from one run of
``eval.evaluate_uiprmd_reach`` (exact landmarks and 3 px noise), with room for a
small change of the core, never tuned to pass at zero margin; the measured value
is given beside each.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from eval.evaluate_uiprmd import compute_auc, file_path
from eval.evaluate_uiprmd_reach import (
    NOISE_LEVELS,
    Outcome,
    assess_file,
    badness,
    cut_mid_rep,
    fit_limit,
    flagged,
    lean_change,
    lean_margin,
    leave_one_subject_out,
    recommended_limit,
    run,
    select,
)
from eval.uiprmd import film_recording, load_recording
from movequal.core.compensations.config import Thresholds
from movequal.core.scoring import assess
from tests.helpers import shared_dataset

LEANING = ("s01", "e07", False)
"""An incorrect scaption with a large sideways lean (about 20° from the front)."""


def _outcome(subject: str, correct: bool, lean: float) -> Outcome:
    name, nan = f"{subject}-{lean}", float("nan")
    return Outcome(name, subject, correct, "frontal", 0.0, "frontal", 1, 0, False, 90.0, (), (), lean, lean, nan)


def test_lean_change_is_the_largest_change_of_5_frame_means_from_the_start_either_way() -> None:
    step = np.concatenate([np.zeros(10), np.full(10, -6.0), np.zeros(5)])
    assert lean_change(step) == pytest.approx(6.0)  # a lean to the right counts like one to the left
    ramp = np.concatenate([np.linspace(0.0, 4.0, 9), np.linspace(4.0, 0.0, 9)[1:]])
    assert lean_change(ramp) == pytest.approx(3.4 - 1.0)  # 5-frame means: 3.4 over the peak, 1.0 at the start
    assert np.isnan(lean_change(np.zeros(4)))


def test_a_file_is_cut_mid_rep_when_the_arm_is_more_than_half_way_up_at_an_end() -> None:
    whole = np.concatenate([np.linspace(20.0, 100.0, 20), np.linspace(100.0, 25.0, 20)])
    assert not cut_mid_rep(whole)
    assert not cut_mid_rep(whole[5:])  # a fifth of the way up at the start
    assert cut_mid_rep(whole[12:])
    assert cut_mid_rep(np.concatenate([whole[:25], [np.nan]]))  # ends near the top; NaN frames ignored


def test_limit_is_mean_plus_two_sample_sds_and_folds_leave_the_held_out_subject_out() -> None:
    assert fit_limit([1.0, 2.0, 3.0, np.nan]) == pytest.approx(2.0 + 2.0 * 1.0)
    subjects = ("s01", "s02", "s03", "s04", "s05")
    outcomes = [_outcome(s, True, v) for s in subjects for v in (1.0, 2.0)]
    outcomes += [_outcome("s01", True, 9.0), _outcome("s01", False, 9.0), _outcome("s02", False, 6.0)]
    folds = {f.subject: f for f in leave_one_subject_out(outcomes, 0.0, 0.0)}
    assert folds["s02"].limit == pytest.approx(fit_limit([1.0, 2.0] * 4 + [9.0]))
    assert folds["s01"].limit == pytest.approx(fit_limit([1.0, 2.0] * 4))  # s01's own 9° is not in its fold
    assert folds["s01"].counts == (1, 3, 1, 1)  # 9° > 1.5 + 2 × 0.53 + 2.5: flagged, correct or not
    assert folds["s02"].counts[2:] == (0, 1)  # 6° against s02's fold limit (7.4° + 2.5°)
    assert badness(dataclasses.replace(outcomes[0], score=None)) == 0.0


def test_flagging_here_matches_the_core_rules_margin_on_a_real_leaning_rep() -> None:
    recording = load_recording(file_path(shared_dataset("ui-prmd"), "m10", *LEANING))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        outcome = assess_file(recording, "frontal", 0.0, subject="s01", moving="right", correct=False)
    assert outcome.reps == 1 and outcome.lean > 15.0
    assert abs(outcome.lean - outcome.lean_mocap) < 2.0  # measured 1.1° (largest of all files 1.8°): a 2D angle
    pose = film_recording(recording, "frontal", 0.0)
    for shift in (-0.05, 0.05):
        limit = outcome.lean - lean_margin() + shift
        reach = dataclasses.replace(Thresholds().reach, max_lateral_lean_deg=limit)
        result = assess(pose, "overhead-reach", thresholds=Thresholds(reach=reach))
        fired = "lateral_trunk_lean" in {f.code for f in result.assessment.findings}
        assert fired == flagged(outcome, limit) == (shift < 0)


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run(shared_dataset("ui-prmd"))[0]


@pytest.mark.slow
def test_every_file_holding_a_whole_rep_gives_exactly_one_rep_from_the_front_and_the_near_side(
    outcomes: list[Outcome],
) -> None:
    for source in ("frontal", "side, near"):
        for noise in NOISE_LEVELS:
            group = select(outcomes, source, noise)
            assert len(group) == 96  # 100 files, 4 unusable
            whole = [o for o in group if not o.cut]
            assert sum(o.correct for o in whole) >= 47  # only m10_s05_e01 / _e02 of 49 correct are cut
            assert all(o.reps == 1 for o in whole), [o.name for o in whole if o.reps != 1]
            for o in group:  # a file cut mid-rep gives at most its one full rep, or a partial one
                assert o.reps == 1 or (o.cut and o.reps == 0 and o.partial >= 1), o.name


@pytest.mark.slow
def test_peak_arm_elevation_agrees_with_the_motion_capture_from_the_front(outcomes: list[Outcome]) -> None:
    exact = np.abs([c - m for o in select(outcomes, "frontal", 0.0) for c, m in o.elevation])
    assert len(exact) == 91 and exact.max() < 0.5  # measured 0.0: the world landmarks are the mocap's
    noisy = np.abs([c - m for o in select(outcomes, "frontal", 3.0) for c, m in o.elevation])
    assert np.median(noisy) < 4.0 and np.percentile(noisy, 95) < 7.0  # measured 2.6 and 4.9 (max 7.0)
    near = np.abs([c - m for o in select(outcomes, "side, near", 0.0) for c, m in o.elevation])
    assert np.median(near) < 9.0  # measured 6.9: a side view sees the scapular plane's projection


@pytest.mark.slow
def test_front_view_lean_is_the_motion_captures_and_separates_incorrect_from_correct(
    outcomes: list[Outcome],
) -> None:
    for noise, p95, auc_min in ((0.0, 1.3, 0.80), (3.0, 2.0, 0.80)):  # measured p95 0.9 / 1.5, AUC 0.85 / 0.86
        group = select(outcomes, "frontal", noise)
        err = np.abs([o.lean - o.lean_mocap for o in group if np.isfinite(o.lean)])
        assert len(err) == 91 and np.percentile(err, 95) < p95
        good, bad = ([o.lean for o in group if o.correct == c and np.isfinite(o.lean)] for c in (True, False))
        assert compute_auc(bad, good) >= auc_min
    for o in outcomes:  # sideways lean is read from the front only, backward tilt from the side only
        assert np.isnan(o.lean) or o.source == "frontal", o.name
        assert np.isnan(o.extension) or o.source.startswith("side"), o.name


@pytest.mark.slow
def test_no_correct_file_is_flagged_for_arching_or_leaning_and_scores_rank_incorrect_lower(
    outcomes: list[Outcome],
) -> None:
    for o in outcomes:
        if o.correct:  # largest correct back tilt 6.1° (near side, 3 px), largest correct lean 5.6° (front, 3 px)
            assert not {"back_arching", "lateral_trunk_lean"} & set(o.findings), (o.name, o.source, o.noise)
    front = select(outcomes, "frontal", 0.0)
    auc = compute_auc([badness(o) for o in front if not o.correct], [badness(o) for o in front if o.correct])
    assert auc >= 0.6  # measured 0.67 with the provisional 8° lean limit


@pytest.mark.slow
def test_lean_limit_from_all_subjects_lies_in_the_held_out_range_and_holds_on_held_out_subjects(
    outcomes: list[Outcome],
) -> None:
    for noise in NOISE_LEVELS:
        folds = leave_one_subject_out(outcomes, noise, noise)
        limits = [f.limit for f in folds]
        raw, _ = recommended_limit(outcomes, noise)
        assert min(limits) <= raw <= max(limits)  # 0 px: 4.03 in 3.07–4.24; 3 px: 4.76 in 3.56–5.00
        fp, n_good, tp, n_bad = np.sum([f.counts for f in folds], axis=0)
        assert (n_good, n_bad) == (49, 47)
        assert fp <= 1 and tp / n_bad >= 0.25  # measured 0 flagged of 49 correct, 16 of 47 incorrect (34 %)
    exact_fit_on_noisy = np.sum([f.counts for f in leave_one_subject_out(outcomes, 0.0, 3.0)], axis=0)
    assert exact_fit_on_noisy[0] <= 2  # measured 1 of 49 (m10_s01_e02, 5.6° against s01's fold 5.57°)
    raw, rounded = recommended_limit(outcomes)
    assert raw == pytest.approx(4.0, abs=0.5) and rounded == 4.0  # measured 4.03
    assert Thresholds().reach.max_lateral_lean_deg == rounded, "the core uses the limit this evaluation fits"
