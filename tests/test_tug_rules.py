"""Timed up-and-go phases on constructed signals: each event at 10 % of its change, and the reasons when untimed."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from api.live_sessions import LiveStart
from movequal.cli import app as cli_app
from movequal.core.kinematics import Kinematics
from movequal.core.movements import MotionFeatures, Recognition, recognise_movement
from movequal.core.timed_test import TUG_GRADES, assess_tug, detect_slow_tug
from movequal.core.tug import BRIEF_BEND_S, FRACTION, TugPhases, detect_tug, measure_up_span, measure_up_time
from movequal.live.incremental import IncrementalAssessor

FPS = 30.0
FRAME = 1.0 / FPS


def _ramp(t: np.ndarray, start: float, end: float, a: float, b: float) -> np.ndarray:
    """``a`` before ``start``, ``b`` after ``end``, a smoothstep in between."""
    x = np.clip((t - start) / (end - start), 0.0, 1.0)
    return a + (b - a) * (3 * x**2 - 2 * x**3)


def _ramp_time(start: float, end: float, share: float) -> float:
    """When :func:`_ramp` has covered ``share`` of its change."""
    x = np.linspace(0.0, 1.0, 100_001)
    return start + (end - start) * float(x[np.searchsorted(3 * x**2 - 2 * x**3, share)])


# (start, end) of each change in the constructed test
LEAN, RISE, TRUNK_BACK, LOWER, BEND = (2.0, 2.6), (2.5, 3.3), (2.6, 3.3), (10.5, 11.1), (10.4, 11.2)


def _kinematics(duration: float = 14.0, unseen: tuple[float, float] | None = (6.0, 7.0)) -> Kinematics:
    t = np.arange(0.0, duration, FRAME)
    walking = (t > RISE[1]) & (t < BEND[0])
    stride = 8.0 * np.sin(2 * np.pi * t / 0.55) * walking  # knees bend and straighten about their median
    knee = _ramp(t, *RISE, 90.0, 15.0) + _ramp(t, *BEND, 0.0, 75.0) + stride
    trunk = _ramp(t, *LEAN, 25.0, 60.0) + _ramp(t, *TRUNK_BACK, 0.0, -40.0) + _ramp(t, *LOWER, 0.0, 0.0)
    hip = _ramp(t, *RISE, 0.6, 1.0) + _ramp(t, *LOWER, 0.0, -0.4)
    series = {
        "knee_flexion_3d_left": knee.copy(),
        "knee_flexion_3d_right": knee.copy(),
        "trunk_inclination_3d": trunk,
        "hip_height": hip,
    }
    if unseen is not None:
        gone = (t >= unseen[0]) & (t < unseen[1])
        for values in series.values():
            values[gone] = np.nan
    return Kinematics(t, series, {})


def test_each_event_is_timed_where_its_signal_has_covered_a_tenth_of_its_change() -> None:
    phases = detect_tug(_kinematics()).phases
    assert phases is not None
    expected = {
        "lean_onset": _ramp_time(*LEAN, FRACTION),
        "seat_off": _ramp_time(*RISE, FRACTION),
        "upright": _ramp_time(*RISE, 1 - FRACTION),
        "lowering_onset": _ramp_time(*LOWER, FRACTION),
        "seated": _ramp_time(*LOWER, 1 - FRACTION),
    }
    for name, when in expected.items():
        assert getattr(phases, name) == pytest.approx(when, abs=FRAME), name
    assert phases.total_s == pytest.approx(expected["seated"] - expected["lean_onset"], abs=2 * FRAME)
    assert phases.stand_up_s + phases.walk_s + phases.sit_down_s == pytest.approx(phases.total_s)


def test_the_turn_out_of_view_is_reported_and_does_not_break_the_test() -> None:
    seen_all = detect_tug(_kinematics(unseen=None)).phases
    gone = detect_tug(_kinematics(unseen=(6.0, 7.0))).phases
    assert seen_all is not None and gone is not None
    assert seen_all.unseen_s == 0.0 and gone.unseen_s == pytest.approx(1.0, abs=2 * FRAME)
    assert gone.total_s == pytest.approx(seen_all.total_s, abs=1e-9)


def test_a_clip_that_starts_with_the_patient_up_is_not_timed() -> None:
    kin = _kinematics()
    late = slice(int(3.5 * FPS), None)
    cut = Kinematics(kin.timestamps[late], {k: v[late] for k, v in kin.series.items()}, {})
    result = detect_tug(cut)
    assert result.phases is None and result.reason is not None and "stand-up is not in view" in result.reason


def test_a_clip_that_ends_before_the_patient_sits_is_not_timed() -> None:
    result = detect_tug(_kinematics(duration=10.8))
    assert result.phases is None and result.reason is not None and "sit back down" in result.reason


def test_nobody_standing_up_is_not_timed() -> None:
    kin = _kinematics()
    seated = {
        k: np.full_like(v, 90.0 if "knee" in k else 0.6 if k == "hip_height" else 25.0) for k, v in kin.series.items()
    }
    result = detect_tug(Kinematics(kin.timestamps, seated, {}))
    assert result.phases is None and result.reason == "the patient never stood up"


def _phases(total: float) -> TugPhases:
    return TugPhases(1.0, 1.5, 2.2, 1.0 + total - 0.8, 1.0 + total, unseen_s=0.0)


@pytest.mark.parametrize(
    ("total", "severity"), [(9.9, None), (10.0, "mild"), (13.49, "mild"), (13.5, "moderate"), (20.0, "severe")]
)
def test_the_total_is_graded_against_the_published_times(total: float, severity: str | None) -> None:
    finding = detect_slow_tug(_phases(total), (0, 10))
    assert (finding.severity if finding else None) == severity
    if finding is not None:
        assert finding.evidence[0].value == pytest.approx(total) and finding.evidence[0].threshold == 10.0
    assert TUG_GRADES.cutoff_s == 13.5 and "Shumway-Cook" in TUG_GRADES.cutoff_source


def test_an_untimed_test_has_no_score_and_says_why() -> None:
    given = Recognition("tug", 1.0, "tug")
    timed = assess_tug(_kinematics(), "frontal", given, detected=False)
    assert timed.tug is not None and timed.tug.total_s is not None and timed.score is not None
    assert timed.message is None and timed.tug.cutoff_s == 13.5
    untimed = assess_tug(_kinematics(duration=10.8), "frontal", given, detected=False)
    assert untimed.score is None and untimed.rating is None and untimed.tug is not None
    assert untimed.tug.total_s is None and untimed.message and "could not be timed" in untimed.message


def _features(seated_ends: float, up_s: float, travel: float = 3.0, steps: float = 8.0) -> MotionFeatures:
    nan = float("nan")
    return MotionFeatures(
        nan, nan, nan, nan, nan, nan, travel=travel, excursion=1.0, seated_ends=seated_ends, up_s=up_s, up_steps=steps
    )


def test_up_for_a_walk_between_a_seated_start_and_end_is_a_timed_up_and_go() -> None:
    assert recognise_movement(_features(88.0, 6.0)).movement == "tug"
    assert recognise_movement(_features(88.0, 6.0, travel=0.2)).movement == "tug"  # walked towards the camera
    assert recognise_movement(_features(15.0, 6.0)).movement == "walk"
    assert recognise_movement(_features(float("nan"), 6.0)).movement == "walk"  # unmeasured: not a seated test
    assert recognise_movement(_features(88.0, 0.8, travel=0.2)).movement != "tug"  # up briefly: a sit-to-stand set
    assert recognise_movement(_features(88.0, 6.0, travel=0.2, steps=0)).movement != "tug"  # a long pause, no walk
    assert recognise_movement(_features(88.0, 6.0, travel=0.2, steps=float("nan"))).movement != "tug"


def test_the_longest_time_up_ignores_frames_with_nobody_tracked() -> None:
    assert measure_up_time(_kinematics(unseen=(6.0, 7.0))) == pytest.approx(measure_up_time(_kinematics(unseen=None)))
    assert 7.0 < measure_up_time(_kinematics()) < 8.5


def test_the_timed_up_and_go_and_walking_are_followed_live_each_by_its_own_engine() -> None:
    assert LiveStart.model_validate({"type": "start", "movement": "tug"}).movement == "tug"  # the live stopwatch
    assert LiveStart.model_validate({"type": "start", "movement": "walk"}).movement == "walk"  # steps and cadence
    for movement in ("tug", "walk"):
        with pytest.raises(ValueError, match="not followed live"):
            IncrementalAssessor(movement, 30.0, (640, 480))  # the repetition engine does not take them
    result = CliRunner().invoke(cli_app, ["live", "--movement", "walk", "--source", "missing.mp4", "--no-window"])
    assert "not followed live" not in result.output and "missing.mp4" in result.output


def _with(kin: Kinematics, name: str, start: float, end: float) -> Kinematics:
    """A copy of ``kin`` with series ``name`` (or every series, for ``"all"``) NaN from ``start`` to ``end``."""
    gone = (kin.timestamps >= start) & (kin.timestamps < end)
    series = {k: np.where(gone, np.nan, v) if name in ("all", k) else v.copy() for k, v in kin.series.items()}
    return Kinematics(kin.timestamps, series, {})


def test_a_missed_detection_near_either_end_does_not_stop_the_timing() -> None:
    whole = detect_tug(_kinematics()).phases
    assert whole is not None
    for start in (0.2, 14.0 - 0.17):
        phases = detect_tug(_with(_kinematics(), "all", start, start + FRAME)).phases
        assert phases is not None and phases.total_s == pytest.approx(whole.total_s, abs=1e-9), start


def test_time_unseen_counts_frames_with_neither_knee_and_frames_missing_altogether() -> None:
    one_knee = detect_tug(_with(_kinematics(unseen=None), "knee_flexion_3d_left", 5.0, 9.0)).phases
    assert one_knee is not None and one_knee.unseen_s == 0.0, "the right knee was seen all along"
    kin = _kinematics(unseen=None)
    keep = (kin.timestamps < 6.0) | (kin.timestamps >= 7.5)  # 1.5 s of frames never delivered
    cut = Kinematics(kin.timestamps[keep], {k: v[keep] for k, v in kin.series.items()}, {})
    gap = detect_tug(cut).phases
    assert gap is not None and gap.unseen_s == pytest.approx(1.5, abs=FRAME)


def test_a_hip_gap_at_upright_or_no_trunk_at_the_start() -> None:
    up = _ramp_time(*RISE, 1 - FRACTION)
    phases = detect_tug(_with(_kinematics(), "hip_height", up - 0.15, up + 0.15)).phases
    assert phases is not None and phases.seat_off == pytest.approx(_ramp_time(*RISE, FRACTION), abs=2 * FRAME)
    no_trunk = detect_tug(_with(_kinematics(), "trunk_inclination_3d", 0.0, 14.0))
    assert no_trunk.phases is None and no_trunk.reason is not None and "trunk was not tracked" in no_trunk.reason


def test_two_trials_in_one_clip_are_refused() -> None:
    kin = _kinematics(unseen=None)
    n = len(kin.timestamps)
    twice = Kinematics(np.arange(2 * n) * FRAME, {k: np.concatenate([v, v]) for k, v in kin.series.items()}, {})
    result = detect_tug(twice)
    assert result.phases is None and result.reason is not None and "sat down again" in result.reason


def test_steps_between_standing_and_sitting_show_the_walk() -> None:
    walked = detect_tug(_kinematics(), strike_times=np.arange(3.5, 10.0, 0.55)).phases
    assert walked is not None and walked.steps == 12
    still = detect_tug(_kinematics(), strike_times=np.array([4.0, 9.0]))
    assert still.phases is None and still.reason is not None and "did not walk" in still.reason
    assert detect_tug(_kinematics()).phases is not None  # without strike times the walk is not checked


@pytest.mark.parametrize(("bend_s", "joined"), [(0.3, True), (BRIEF_BEND_S + 0.3, False)])
def test_a_swing_length_bend_does_not_end_the_time_up(bend_s: float, joined: bool) -> None:
    kin = _kinematics(unseen=None)
    t = kin.timestamps
    knee = kin.series["knee_flexion_3d_left"].copy()
    knee[(t >= 7.0) & (t < 7.0 + bend_s)] = 50.0  # one bend past 40° in the middle of the walk
    bent = Kinematics(t, kin.series | {"knee_flexion_3d_left": knee, "knee_flexion_3d_right": knee}, {})
    span, whole = measure_up_span(bent), measure_up_span(kin)
    assert span is not None and whole is not None
    if joined:
        assert span == whole
    else:  # a sit-length bend splits the walk: the longer side, before it, is the time up
        assert span[0] == whole[0] and span[1] < 7.0
