"""Reps as people do them: lifts whose reps start and end on the floor (floor → lockout → floor, measured
against the lockout), and a set that ends partway up its last rep."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from movequal.core.rep_counter import RepCounter
from movequal.core.reps import RepWindow, Segmentation, compute_phases, segment_reps
from movequal.core.rest import infer_rest, other_rest
from movequal.core.scoring import AssessmentResult, assess
from movequal.core.segmentation import from_bottom_rest
from movequal.pose.sequence import PoseSequence
from movequal.synthetic import Camera, SyntheticSpec, generate


def _floor_set(view: str) -> tuple[AssessmentResult, PoseSequence]:
    """A 4-rep synthetic lift and the same set cut to begin and end at the bottom (3 floor reps)."""
    pose, _ = generate(SyntheticSpec(movement="lift", reps=4, camera=Camera(view=view), seed=1))
    full = assess(pose, "lift")
    bottoms = [rep.bottom_frame for rep in full.assessment.reps]
    assert len(bottoms) == 4
    cut = pose[bottoms[0] : bottoms[-1] + 1]  # floor, lockout, floor, lockout, floor, lockout, floor
    return full, cut.with_timestamps(cut.timestamps - cut.timestamps[0])


@pytest.mark.parametrize("view", ["oblique", "frontal"])
def test_a_lift_set_on_the_floor_counts_each_pull_and_measures_it_like_a_standing_rep(view: str) -> None:
    full, cut = _floor_set(view)
    result = assess(cut, "lift", rest="bottom")
    reps, metrics = result.assessment.reps, result.rep_metrics
    assert len(reps) == 3 and result.assessment.partial_reps == 0
    trunk = result.kinematics.angle("trunk_inclination", result.assessment.view)
    for rep, m in zip(reps, metrics, strict=True):
        lockout = m.start + int(np.nanargmin(trunk[m.start : m.end + 1]))
        assert trunk[rep.bottom_frame] > trunk[lockout] + 30.0  # the bottom is on the floor, not at the lockout
        assert abs(trunk[rep.start_frame] - trunk[rep.bottom_frame]) < 5.0  # and the rep starts there
        assert trunk[rep.end_frame] > trunk[lockout] + 30.0  # and ends back on the floor
    # The same pulls and lowerings as the standing reading of the full set: angles, tempo, recovery.
    for m, standing in zip(metrics, full.rep_metrics[1:], strict=False):
        assert m.peak_trunk_inclination == pytest.approx(standing.peak_trunk_inclination, abs=2.0)
        assert m.ascent_s == pytest.approx(standing.ascent_s, abs=0.1)  # the pull from the floor
        assert m.descent_s == pytest.approx(standing.descent_s, abs=0.1)  # the lowering
        assert m.hips_rise_first == pytest.approx(standing.hips_rise_first, abs=0.05)
        assert m.depth == pytest.approx(standing.depth, abs=0.03)


def test_a_lift_set_that_begins_and_ends_on_the_floor_is_read_from_the_floor() -> None:
    full, cut = _floor_set("oblique")
    inferred = assess(cut, "lift")
    assert infer_rest(inferred.kinematics, "lift", inferred.assessment.view) == "bottom"
    assert infer_rest(full.kinematics, "lift", full.assessment.view) == "standing"  # an ordinary set
    assert inferred.assessment == assess(cut, "lift", rest="bottom").assessment
    assert len(assess(cut, "lift", rest="standing").assessment.reps) == 2  # lockout → floor → lockout: one pull fewer


def test_one_pull_from_the_floor_whose_lowering_is_lost_keeps_its_rep() -> None:
    """A single floor → lockout → floor pull whose lowering leaves the view reads standing by its edges.

    Its last tenth is the lockout and the start of the lowering, so the edges say the set stands; read
    standing it has no full rep. Read from the floor it has its pull, and that reading is kept.
    """
    pose, _ = generate(SyntheticSpec(movement="lift", reps=4, camera=Camera(view="sagittal-left"), seed=1))
    bottoms = [rep.bottom_frame for rep in assess(pose, "lift").assessment.reps]
    one = pose[bottoms[0] : bottoms[1] + 1]
    visibility = one.visibility.copy()
    visibility[int(0.85 * len(one)) :] = 0.0  # the lowering goes behind the plates
    one = replace(one.with_timestamps(one.timestamps - one.timestamps[0]), visibility=visibility)
    result = assess(one, "lift")
    assert infer_rest(result.kinematics, "lift", result.assessment.view) == "standing"
    assert len(assess(one, "lift", rest="standing").assessment.reps) == 0
    (rep,) = result.assessment.reps
    trunk = result.kinematics.angle("trunk_inclination", result.assessment.view)
    assert trunk[rep.bottom_frame] > float(np.nanmin(trunk)) + 30.0  # the rep's bottom is on the floor
    assert result.assessment == assess(one, "lift", rest="bottom").assessment


def test_a_lift_set_keeps_the_rest_its_edges_show_when_both_readings_find_reps() -> None:
    """Joined at the bottom of a rep, a set reads one more floor-to-floor cycle: the edges decide, not the count."""
    assert other_rest("lift", "standing", 0) == "bottom" and other_rest("bend", "bottom", 0) == "standing"
    assert other_rest("lift", "standing", 9) is None  # its edges found the set's reps: they decide
    assert other_rest("sit-to-stand", "seated", 4) == "standing"  # always tried, kept with more reps
    assert other_rest("sit-to-stand", "standing", 0) == "seated"
    assert other_rest("squat", "standing", 0) is None  # rests standing only


def test_only_lifts_and_bends_can_rest_on_the_floor() -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=3, camera=Camera(view="sagittal-left"), seed=2))
    ordinary = assess(pose, "squat").assessment
    assert assess(pose, "squat", rest="bottom").assessment == ordinary


def test_an_ordinary_rep_keeps_its_start_as_the_standing_reference() -> None:
    window = RepWindow(10, 40, 70)
    assert window.standing == 10 and window.ascent_end == 70 and window.reference is None
    floor = RepWindow(10, 12, 70, reference=40)
    assert floor.standing == 40 and floor.ascent_end == 40


def test_phases_of_a_floor_rep_put_the_pull_in_the_ascent() -> None:
    t = np.arange(0, 3.0, 1 / 30)
    pull, lower = 0.6, 1.2  # s: a quick pull, a slow lowering, a 0.4 s hold at lockout in between
    lockout = np.clip(np.minimum(t / pull, (pull + 0.4 + lower - t) / lower), 0.0, 1.0)
    depth = 0.9 - 0.8 * lockout  # trunk driver: high on the floor, low at lockout
    turned = 0.9 - depth
    segmentation = from_bottom_rest(segment_reps(turned, t), depth)
    (rep,) = segmentation.reps
    assert rep.reference is not None and depth[rep.reference] == pytest.approx(0.1)
    phases = compute_phases(depth, t, rep)
    assert phases.ascent_s == pytest.approx(pull * 0.9, abs=0.1)
    assert phases.descent_s == pytest.approx(lower * 0.9, abs=0.1)
    assert phases.hold_s == pytest.approx(0.4 + 0.1 * (pull + lower), abs=0.1)


def test_from_bottom_rest_without_a_signal_changes_nothing() -> None:
    segmentation = Segmentation([RepWindow(1, 2, 3)], [5])
    assert from_bottom_rest(segmentation, np.full(10, np.nan)) is segmentation


@pytest.mark.parametrize("view", ["frontal", "sagittal-left"])
def test_a_set_that_ends_halfway_up_its_last_rep_gives_a_partial(view: str) -> None:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=3, camera=Camera(view=view), seed=4))
    full = assess(pose, "squat")
    last, height = full.assessment.reps[-1], full.kinematics.series["hip_height"]
    b, e = last.bottom_frame, last.end_frame
    halfway = b + int(np.argmax(height[b : e + 1] >= (height[b] + height[e]) / 2))
    cut = assess(pose[: halfway + 1], "squat").assessment
    assert len(full.assessment.reps) == 3
    assert (len(cut.reps), cut.partial_reps) == (2, 1)


def test_only_a_last_rep_cut_while_still_short_of_rest_is_partial() -> None:
    t = np.arange(0, 4.0, 1 / 30)
    dips = np.clip(1.0 - np.abs((t % 2.0) - 1.0) / 0.6, 0.0, None)  # bottoms at 1 s and 3 s, back at rest by 3.6 s
    settled = np.maximum(dips, np.where(t > 3.0, 0.35, 0.0))  # the last return stops 35 % short of rest
    assert len(segment_reps(settled, t).reps) == 2
    halfway = t <= 3.3  # the clip ends halfway back, still moving
    cut = segment_reps(dips[halfway], t[halfway])
    assert len(cut.reps) == 1 and len(cut.partial_bottoms) == 1
    counter = RepCounter()  # live: a rep is reported only once 65 % of the way back, so it agrees here
    assert sum(counter.update(float(d)) is not None for d in dips[halfway]) == 1
    nearly = t <= 3.5  # still moving, but back within a quarter of the excursion
    assert len(segment_reps(dips[nearly], t[nearly]).reps) == 2


def _dips(depths: list[float], fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Squat-like dips of the given depths, 2 s each, from rest (0) back to rest."""
    t = np.arange(0, 2.0 * len(depths), 1 / fps)
    phase = (t % 2.0) / 2.0
    shape = np.clip(np.sin(np.pi * np.clip((phase - 0.15) / 0.7, 0, 1)), 0, None)
    return t, np.asarray(depths)[(t // 2.0).astype(int)] * shape


def test_a_shallow_rep_in_place_counts_but_a_step_or_an_unfinished_return_does_not() -> None:
    t, depth = _dips([1.0, 1.0, 0.35, 1.0])  # the third dip is a third of the others: under the 40 % floor
    planted = np.zeros((t.size, 2, 2))
    assert len(segment_reps(depth, t).reps) == 3  # without the feet: the old rule, a partial
    shallow = segment_reps(depth, t, planted)
    assert len(shallow.reps) == 4 and shallow.partial_bottoms == []
    stepping = planted.copy()
    stepping[(t > 4.0) & (t < 6.0), 0, 0] = np.linspace(0.0, 0.3, int(np.sum((t > 4.0) & (t < 6.0))))
    moved = segment_reps(depth, t, stepping)  # one ankle moves 0.3 leg lengths during the small dip: a step
    assert len(moved.reps) == 3 and len(moved.partial_bottoms) == 1
    # The small dip comes back only halfway and the next rep starts from there: no return to rest.
    unfinished = np.where((t > 5.0) & (t < 6.4), np.maximum(depth, 0.12), depth)
    stuck = segment_reps(unfinished, t, planted)
    assert len(stuck.reps) == 3 and len(stuck.partial_bottoms) == 1  # seen (prominence 0.23), not counted
