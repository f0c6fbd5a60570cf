"""Like with like: a session compared with its baseline only where both measured a metric the same way."""

from __future__ import annotations

from typing import Any

import pytest

from movequal.core.comparison import (
    SessionFacts,
    compare_to_baseline,
    describe_differences,
    format_error,
)
from movequal.core.metric_registry import METRIC_BY_KEY
from tests.helpers import shared_clip
from tests.helpers.clip_analyses import analyse_clip


def _report(
    view: str, knee: float, score: float = 90.0, movement: str = "squat", model: str = "full"
) -> dict[str, Any]:
    metrics = [{"key": "peak_knee_flexion", "name": "peak knee flexion", "unit": "deg", "value": knee}]
    return {
        "source": {"model": model},
        "assessment": {"movement": movement, "view": view, "score": score, "metrics": metrics},
    }


def test_measurement_method_by_view() -> None:
    knee = METRIC_BY_KEY["peak_knee_flexion"]
    assert knee.method_in("sagittal-left") == "image"
    assert knee.method_in("oblique") == "3d"
    assert METRIC_BY_KEY["score"].method_in("frontal") == "same in every view"
    assert METRIC_BY_KEY["back_bend"].method_in("frontal") == "not measurable"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(0.0833, "leg lengths", "±0.083 leg lengths"), (13.86, "points", "±14 points"), (4.9, "deg", "±4.9 deg"),
     (0.0042, "", "±0.0042")],
)  # fmt: skip
def test_small_errors_keep_two_significant_digits(value: float, unit: str, text: str) -> None:
    assert format_error(value, unit) == text


def test_a_change_of_view_makes_image_and_3d_angles_not_comparable() -> None:
    changes = compare_to_baseline(_report("oblique", 80.0), _report("sagittal-left", 137.0))
    knee = next(c for c in changes if c.key == "peak_knee_flexion")
    assert knee.verdict == "not comparable" and "from the 3D landmarks in the baseline (oblique view)" in (
        knee.note or ""
    )
    score = next(c for c in changes if c.key == "score")
    assert score.verdict == "no real change"


def test_same_view_changes_are_judged_against_the_mdc() -> None:
    changes = {c.key: c for c in compare_to_baseline(_report("frontal", 80.0), _report("frontal", 120.0, 60.0))}
    assert changes["peak_knee_flexion"].verdict == "improved"
    assert changes["score"].verdict == "worsened"
    small = compare_to_baseline(_report("frontal", 80.0), _report("frontal", 85.0))
    assert {c.key: c.verdict for c in small}["peak_knee_flexion"] == "no real change"


def test_differences_are_named_and_other_movements_not_compared() -> None:
    before, after = _report("oblique", 80.0), _report("sagittal-left", 90.0, model="lite")
    notes = describe_differences(SessionFacts.from_report(before), SessionFacts.from_report(after))
    assert len(notes) == 2 and "oblique → sagittal-left" in notes[0] and "full → lite" in notes[1]
    assert compare_to_baseline(before, _report("oblique", 80.0, movement="lunge")) == []


def _json(name: str) -> dict[str, Any]:
    return analyse_clip(shared_clip(name)).report.model_dump(mode="json")


@pytest.mark.slow
def test_a_rounded_back_against_its_clean_twin_shows_the_back_and_nothing_else() -> None:
    """Same lifter, bell and camera: good form (baseline) against a rounded back (REPS.md, MANIFEST.md)."""
    changes = {c.key: c for c in compare_to_baseline(_json("deadlift_side_good_tbyc1.mp4"),
                                                     _json("deadlift_side_bad-roundedback_tbyr1.mp4"))}  # fmt: skip
    assert changes["back_bend"].verdict == "worsened", changes["back_bend"]
    assert changes["peak_trunk_inclination"].verdict == "changed"
    for key in ("rep_duration", "peak_heel_height", "posterior_hip_shift", "sparc", "peak_speed"):
        assert changes[key].verdict == "no real change", changes[key]


@pytest.mark.slow
def test_two_clean_sets_of_the_same_lifter_show_no_real_change() -> None:
    changes = compare_to_baseline(_json("deadlift_side_good_tbyc1.mp4"), _json("deadlift_side_unknown_tbya1.mp4"))
    assert len(changes) >= 10
    assert [c.label for c in changes if c.verdict != "no real change"] == []
