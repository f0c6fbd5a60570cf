"""Progress across sessions: series per movement and metric, change judged against the MDC."""

from __future__ import annotations

import math
from datetime import date

import pytest

from movequal.core.metric_registry import METRIC_BY_KEY
from movequal.core.progress import MDC95_FACTOR, TRACKED_SEM, SessionResult, compute_progress, judge_change


def _assessment(movement: str, score: float | None, **metrics: float | None) -> dict:
    """An assessment as a report of schema 1.2.0 stores it: each metric with its registry key."""
    return {
        "movement": movement,
        "score": score,
        "metrics": [{"key": key, "name": METRIC_BY_KEY[key].name, "value": value} for key, value in metrics.items()],
    }


def _mdc(key: str) -> float:
    return TRACKED_SEM[key] * MDC95_FACTOR


def test_mdc_is_the_standard_minimal_detectable_change() -> None:
    assert pytest.approx(2.772, abs=1e-3) == MDC95_FACTOR
    for key, sem in TRACKED_SEM.items():
        assert sem > 0 and METRIC_BY_KEY[key].sem_source, key


def test_changes_beyond_the_mdc_are_called_and_smaller_ones_are_not() -> None:
    big, small = 2 * _mdc("score"), 0.5 * _mdc("peak_knee_flexion")
    valgus_up = 1.5 * _mdc("peak_knee_valgus")
    sessions = [
        SessionResult("c", date(2026, 11, 20), _assessment("squat", 60 + big, peak_knee_flexion=100 + small)),
        SessionResult(
            "a", date(2026, 10, 1), _assessment("squat", 60, peak_knee_flexion=100, peak_trunk_inclination=30)
        ),
        SessionResult("b", date(2026, 10, 15), _assessment("squat", None, peak_knee_flexion=None)),
        SessionResult("d", date(2026, 10, 2), _assessment("lift", 80, peak_knee_valgus=4.0)),
        SessionResult("e", date(2026, 11, 2), _assessment("lift", 70, peak_knee_valgus=4.0 + valgus_up)),
    ]
    series = {(s.movement, s.key): s for s in compute_progress(sessions)}
    score = series["squat", "score"]
    assert [p[0] for p in score.points] == ["a", "c"], "sessions ordered by date; a missing value is skipped"
    assert score.change == pytest.approx(big, abs=1e-3) and score.change_exceeds_error and score.verdict == "improved"
    knee = series["squat", "peak_knee_flexion"]
    assert (
        knee.change == pytest.approx(small, abs=1e-3)
        and not knee.change_exceeds_error
        and knee.verdict == "no real change"
    )
    trunk = series["squat", "peak_trunk_inclination"]
    assert trunk.change is None and trunk.verdict is None and len(trunk.points) == 1
    valgus = series["lift", "peak_knee_valgus"]
    assert valgus.verdict == "worsened", "more valgus is worse"
    assert series["lift", "score"].verdict == "no real change"
    assert math.isclose(series["lift", "score"].change or 0, -10) and _mdc("score") > 10
    assert next(k for k in series if k[0] == "lift") == ("lift", "score"), "the score leads each movement"


def test_direction_free_metrics_say_changed() -> None:
    mdc = _mdc("peak_trunk_inclination")
    assert judge_change(1.1 * mdc, mdc, None) == (True, "changed")
    assert judge_change(-1.1 * mdc, mdc, True) == (True, "worsened")
    assert judge_change(mdc, mdc, True) == (False, "no real change"), "a change equal to the MDC is not beyond it"


def test_unrecognised_sessions_make_no_series() -> None:
    sessions = [
        SessionResult("a", date(2026, 10, 1), _assessment("squat", 60, peak_knee_flexion=100)),
        SessionResult("b", date(2026, 10, 2), _assessment("unrecognised", None, peak_knee_flexion=40)),
    ]
    series = compute_progress(sessions)
    assert {s.movement for s in series} == {"squat"}


def test_a_metric_measured_from_different_views_is_not_comparable() -> None:
    """An oblique session (3D angle) and a side session (image angle): no verdict on the knee, one on the score."""
    first = _assessment("squat", 70, peak_knee_flexion=80.0) | {"view": "oblique"}
    latest = _assessment("squat", 95, peak_knee_flexion=137.0) | {"view": "sagittal-left"}
    series = {
        s.key: s
        for s in compute_progress(
            [SessionResult("a", date(2026, 9, 1), first, "full"), SessionResult("b", date(2026, 10, 1), latest, "full")]
        )
    }
    knee = series["peak_knee_flexion"]
    assert knee.verdict == "not comparable" and not knee.change_exceeds_error
    assert knee.note == (
        "read from the 3D landmarks in the first session (oblique view) "
        "and from the picture in the latest (sagittal-left view)"
    )
    assert series["score"].verdict == "improved" and series["score"].note is None


def test_a_change_of_pose_model_is_named() -> None:
    first = _assessment("squat", 90, peak_knee_flexion=120.0) | {"view": "frontal"}
    latest = _assessment("squat", 91, peak_knee_flexion=121.0) | {"view": "frontal"}
    sessions = [
        SessionResult("a", date(2026, 9, 1), first, "lite"),
        SessionResult("b", date(2026, 10, 1), latest, "full"),
    ]
    knee = next(s for s in compute_progress(sessions) if s.key == "peak_knee_flexion")
    assert knee.verdict == "no real change" and knee.note is not None and "lite → full" in knee.note
