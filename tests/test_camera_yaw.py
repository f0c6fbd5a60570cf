"""A front view reads the knee's projection angle and the hip shift only with the body square on to the camera.

Real motion capture (UI-PRMD, ``../shared/datasets/ui-prmd``) turned about the vertical and filmed from the
front: past :data:`~movequal.core.views.SQUARE_ON_MAX_YAW_DEG` the two readings are "not measurable" and the
report says which checks were not made; the limit is the one the study (``eval/evaluate_camera_yaw.py``)
chooses on the data; a pelvis that turns during the rep does not switch them off.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from eval.evaluate_camera_yaw import choose_limit, collect, share_flagged, turn_recording
from eval.evaluate_uiprmd import file_path
from eval.uiprmd import film_recording, join_recordings, load_recording
from movequal.batch.score import ItemResult, record_report
from movequal.batch.summary import NOT_JUDGED, write_summary_csv
from movequal.core.compensations import list_unjudged_checks
from movequal.core.compensations.frontal_metrics import compute_frontal_metrics, compute_rep_yaw
from movequal.core.kinematics import Kinematics
from movequal.core.reps import RepWindow
from movequal.core.scoring import AssessmentResult, assess
from movequal.core.views import SQUARE_ON_MAX_YAW_DEG
from movequal.live.session import LiveSession
from movequal.pose.sequence import PoseRow, PoseSequence
from movequal.report.build import build_report
from tests.helpers import shared_dataset


def _film_turned(degrees: float, episodes: tuple[str, ...] = ("e01",)) -> PoseSequence:
    """Subject s01's correct deep squats (one episode, or several joined with a standing pause), turned and filmed."""
    parts = [load_recording(file_path(shared_dataset("ui-prmd"), "m01", "s01", e, True)) for e in episodes]
    recording = parts[0] if len(parts) == 1 else join_recordings(parts)
    return film_recording(turn_recording(recording, degrees), "frontal", 1.5)


def _assess_turned(degrees: float) -> AssessmentResult:
    return assess(_film_turned(degrees), "squat")


def test_a_squat_filmed_square_on_has_its_knee_angle_and_hip_shift_read() -> None:
    result = _assess_turned(0.0)
    rep = result.rep_metrics[0]
    assert result.assessment.view == "frontal"
    assert rep.body_yaw < SQUARE_ON_MAX_YAW_DEG
    assert np.isfinite(rep.peak_valgus) and np.isfinite(rep.lateral_shift)
    assert not {c.code for c in result.assessment.not_judged} & {"knee_valgus", "lateral_shift"}


def test_a_squat_filmed_turned_15_degrees_says_the_knee_check_was_not_made() -> None:
    result = _assess_turned(15.0)
    rep = result.rep_metrics[0]
    assert result.assessment.view == "frontal"  # still a front view: the other front-view checks run
    assert rep.body_yaw > SQUARE_ON_MAX_YAW_DEG
    assert np.isnan(rep.peak_valgus) and np.isnan(rep.lateral_shift)
    assert np.isfinite(rep.knee_symmetry_index)
    unjudged = {c.code: c.needs for c in result.assessment.not_judged}
    assert {"knee_valgus", "lateral_shift"} <= unjudged.keys()
    assert "facing the camera, turned 10° at most" in unjudged["knee_valgus"]
    assert f"turned about {rep.body_yaw:.0f}°" in unjudged["knee_valgus"]
    assert not {f.code for f in result.assessment.findings} & {"knee_valgus", "lateral_shift"}


def test_a_set_turned_on_some_reps_names_the_reps_the_knee_check_was_not_made_on(tmp_path: Path) -> None:
    """Three squats square on, the fourth turned 18°: the checks run on three reps, and the report says which not."""
    episodes = [load_recording(file_path(shared_dataset("ui-prmd"), "m01", "s01", e, True)) for e in ("e01", "e02")]
    turns = (0.0, 0.0, 0.0, 18.0)
    parts = [turn_recording(episodes[i % 2], t) for i, t in enumerate(turns)]
    result = assess(film_recording(join_recordings(parts), "frontal", 1.5), "squat")
    reps = result.rep_metrics
    assert result.assessment.view == "frontal" and len(reps) == 4
    assert [r.body_yaw > SQUARE_ON_MAX_YAW_DEG for r in reps] == [False, False, False, True]
    assert np.isfinite(reps[0].peak_valgus) and np.isnan(reps[3].peak_valgus)
    unjudged = {c.code: c for c in result.assessment.not_judged}
    assert unjudged["knee_valgus"].reps == unjudged["lateral_shift"].reps == [4]
    assert f"on rep 4 they stood turned about {reps[3].body_yaw:.0f}°" in unjudged["knee_valgus"].needs
    square = {c.code for c in list_unjudged_checks("squat", "frontal", reps[:3])}
    assert not square & {"knee_valgus", "lateral_shift"}, "square on throughout: both checks made"
    every = list_unjudged_checks("squat", "frontal", [reps[3]])
    assert [c.reps for c in every if c.code == "knee_valgus"] == [[]], "turned on every rep: made on none"
    report = build_report(result, file="turned.mp4", duration_s=10.0, fps=30.0, frame_size=(1280, 720), model="full")
    row = ItemResult("/v/turned.mp4", "k", None, None, "failed")
    record_report(row, report)
    write_summary_csv([row], tmp_path / "summary.csv")
    with (tmp_path / "summary.csv").open(newline="", encoding="utf-8") as fh:
        cells = next(csv.DictReader(fh))
    assert cells["knee_valgus"] == cells["lateral_shift"] == "", "made on three reps: judged, and not seen"
    assert cells["trunk_lean"] == NOT_JUDGED, "a side-view check, made on no rep"


def test_a_live_session_turned_15_degrees_says_so_too() -> None:
    pose = _film_turned(15.0, ("e01", "e02", "e03"))
    session = LiveSession(None, "squat", pose.frame_size, pose.fps, model="full")
    frames = [
        session.process_row(PoseRow(pose.image[i], pose.visibility[i], pose.world[i]), float(pose.timestamps[i]))
        for i in range(len(pose))
    ]
    scored = [f for f in frames if f.rep is not None]
    assert scored, "the live session scores the rep"
    assert {"knee_valgus", "lateral_shift"} <= {c.code for c in scored[-1].not_judged}
    square = LiveSession(None, "squat", pose.frame_size, pose.fps, model="full")
    straight = _film_turned(0.0, ("e01", "e02", "e03"))
    frames = [
        square.process_row(PoseRow(straight.image[i], straight.visibility[i], straight.world[i]), float(t))
        for i, t in enumerate(straight.timestamps)
    ]
    assert not {c.code for f in frames if f.rep is not None for c in f.not_judged} & {"knee_valgus", "lateral_shift"}


def test_a_turn_that_could_not_be_measured_does_not_switch_the_readings_off() -> None:
    window = RepWindow(0, 35, 59)
    unknown = compute_frontal_metrics(_kinematics(np.full(60, np.nan)), "frontal", window)
    assert unknown.valgus == pytest.approx(12.0) and np.isfinite(unknown.lateral_shift)
    rep = _assess_turned(15.0).rep_metrics[0]
    assert list_unjudged_checks("squat", "frontal", [replace(rep, body_yaw=float("nan"))]) == [
        *list_unjudged_checks("squat", "frontal")
    ]


def _kinematics(yaw: np.ndarray) -> Kinematics:
    n = yaw.size
    knee = np.linspace(0.0, 12.0, n)  # a knee angle that passes the threshold
    series = {
        "body_yaw": yaw,
        "knee_fppa_left": knee,
        "knee_fppa_right": np.zeros(n),
        "lateral_hip_shift": np.zeros(n),
        "pelvic_obliquity": np.zeros(n),
        "knee_flexion_3d_left": np.full(n, 90.0),
        "knee_flexion_3d_right": np.full(n, 90.0),
    }
    return Kinematics(np.arange(n) / 30.0, series, {})


def test_the_turn_is_read_as_the_rep_stands_not_while_the_pelvis_rotates_in_it() -> None:
    yaw = np.full(60, 3.0)
    yaw[20:50] = 30.0  # the pelvis rotates during the rep: part of the movement
    window = RepWindow(0, 35, 59)
    assert compute_rep_yaw(_kinematics(yaw), window) == pytest.approx(3.0)
    assert compute_frontal_metrics(_kinematics(yaw), "frontal", window).valgus == pytest.approx(12.0)
    turned = np.full(60, 30.0)  # stands turned from the start: the camera is not square on
    assert np.isnan(compute_frontal_metrics(_kinematics(turned), "frontal", window).valgus)


def test_the_limit_is_the_one_the_study_chooses_and_holds_for_held_out_subjects() -> None:
    readings = [r for r in collect(shared_dataset("ui-prmd")) if r.correct]
    assert choose_limit(readings) == SQUARE_ON_MAX_YAW_DEG
    for subject in sorted({r.subject for r in readings}):
        limit = choose_limit([r for r in readings if r.subject != subject])
        assert abs(limit - SQUARE_ON_MAX_YAW_DEG) <= 2.5, f"leaving {subject} out moves the limit to {limit}°"
        held = [r for r in readings if r.subject == subject]
        under, _ = share_flagged(held, 0.0, limit)
        over, _ = share_flagged(held, limit, 90.0)
        assert under <= over, f"{subject}: {under:.2f} flagged square on against {over:.2f} turned"
