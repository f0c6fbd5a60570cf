"""The development clips read the same when another camera would have filmed them (real pose model).

A mirrored picture or a later start must change nothing a clinician reads; a lower frame rate must not
lose a rep to a one-frame landmark blip or read the back over a different stretch of time
(``eval/evaluate_invariance.py`` runs the same checks over every clip and lists what still changes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval.invariance import (
    decimate_pose,
    describe_change,
    hold_pose,
    lose_frames,
    mirror_pose,
    shift_pose,
    summarise,
    zoom_pose,
)
from movequal.core.scoring import assess
from movequal.errors import InputError
from movequal.pose.sequence import PoseSequence
from tests.helpers import SHARED_VIDEOS
from tests.helpers.clip_analyses import analyse_clip

pytestmark = pytest.mark.slow


def _pose(name: str) -> PoseSequence:
    return analyse_clip(SHARED_VIDEOS / name).pose


def _clips() -> list[Path]:
    clips = sorted(p for p in SHARED_VIDEOS.glob("*") if p.suffix in (".mp4", ".mov"))
    assert len(clips) >= 20, f"expected the development clips in {SHARED_VIDEOS}"
    return clips


@pytest.mark.parametrize("clip", _clips(), ids=lambda p: p.stem)
def test_a_mirrored_later_or_smaller_clip_reads_the_same(clip: Path) -> None:
    try:
        pose = analyse_clip(clip).pose
    except InputError as exc:
        assert str(exc), "a clip that cannot be analysed says why"
        return
    before = summarise(assess(pose).assessment)
    assert describe_change(before, summarise(assess(mirror_pose(pose)).assessment)) == ""
    assert describe_change(before, summarise(assess(shift_pose(pose, 7.3)).assessment)) == ""
    assert describe_change(before, summarise(assess(zoom_pose(pose, 0.5)).assessment)) == ""


def test_a_lift_at_half_the_frame_rate_keeps_its_rep() -> None:
    """At 15 frames/s a foot re-found behind the plates for one frame no longer reads as walking off."""
    pose = _pose("deadlift_side_good_bich014.mp4")
    full, half = (assess(p).assessment for p in (pose, decimate_pose(pose, 2)))
    assert full.full_reps == half.full_reps == 1
    assert describe_change(summarise(full), summarise(half)) == ""


@pytest.mark.parametrize("step", [2, 4])
def test_a_60_fps_lift_reads_its_back_the_same_at_30_and_15_fps(step: int) -> None:
    """The back outline is read over the same tenth of a second either side of the bottom at any frame rate."""
    pose = _pose("deadlift_side_bad-roundedback_tbyr1.mp4")
    assert pose.fps >= 50
    full, lower = (assess(p).assessment for p in (pose, decimate_pose(pose, step)))
    assert [f.code for f in full.findings] == ["hip_avoidant_bending"]
    assert describe_change(summarise(full), summarise(lower)) == ""


def test_the_mirror_of_a_mirror_is_the_clip() -> None:
    pose = _pose("squat_side_good_ven.mp4")
    twice = mirror_pose(mirror_pose(pose))
    seen = pose.visibility > 0
    assert np.allclose(twice.image[seen], pose.image[seen]) and np.allclose(twice.world[seen], pose.world[seen])
    assert summarise(assess(twice).assessment) == summarise(assess(pose).assessment)
    assert assess(mirror_pose(pose)).assessment.view != assess(pose).assessment.view  # filmed from the other side


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("deadlift_side_good_bich014.mp4", "start"),  # two seconds set up at the bar before the pull
        ("deadlift_side_good_bich014.mp4", "end"),
        ("deadlift_side_good_tbyc1.mp4", "end"),  # two seconds crouched over the kettlebell just set down
        ("deadlift_side_unknown_tbya1.mp4", "end"),
    ],
)
def test_a_lift_recorded_two_seconds_longer_at_either_end_reads_the_same(name: str, where: str) -> None:
    """A posture held before the first rep or after the last does not change the movement or the reps."""
    pose = _pose(name)
    before, after = (summarise(assess(p).assessment) for p in (pose, hold_pose(pose, 2.0, where)))
    assert before["movement"] == "lift" and before["reps"] >= 1
    assert describe_change(before, after) == ""


def test_a_held_pose_comes_at_the_clips_frame_interval_with_jitter() -> None:
    pose = _pose("squat_side_good_ven.mp4")
    held = hold_pose(pose, 2.0, "end")
    step = float(np.median(np.diff(pose.timestamps)))
    added = len(held) - len(pose)
    assert added == round(2.0 / step) and np.all(np.diff(held.timestamps) > 0)
    assert np.array_equal(held.image[: len(pose)], pose.image)
    tail = held.image[len(pose) :, :, :2]
    assert 0 < np.nanstd(tail - pose.image[-1, :, :2], axis=0).mean() * pose.frame_size[0] < 5.0
    with pytest.raises(ValueError, match="where"):
        hold_pose(pose, 2.0, "middle")


@pytest.mark.parametrize(
    "name",
    [
        "lunge_front_unknown_ven.mp4",  # the back foot looks lifted from the front: a lunge, not a balance hold
        "walk_side_bad-slouch_gait10.mp4",  # a pass of five steps is no evidence of uneven steps
        "squat_side_good_ven.mp4",
    ],
)
def test_a_clip_with_a_tenth_of_its_frames_lost_reads_the_same(name: str) -> None:
    """Frames in which the pose model found nobody change neither the movement nor the findings."""
    pose = _pose(name)
    before, after = (summarise(assess(p).assessment) for p in (pose, lose_frames(pose, 0.1)))
    assert describe_change(before, after) == ""


def test_lost_frames_are_empty_and_spare_the_clips_ends() -> None:
    pose = _pose("squat_side_good_ven.mp4")
    lost = lose_frames(pose, 0.1)
    empty = ~np.isfinite(lost.image[:, :, 0]).any(axis=1) & (lost.visibility.max(axis=1) == 0)
    assert 0.05 < empty.mean() < 0.15 and not empty[0] and not empty[-1]
    assert np.array_equal(lost.timestamps, pose.timestamps) and np.array_equal(lost.image[~empty], pose.image[~empty])
    with pytest.raises(ValueError, match="share"):
        lose_frames(pose, 1.0)


def test_a_lift_set_joined_at_the_bottom_of_a_rep_keeps_the_reading_its_edges_show() -> None:
    """Read from the floor, a set joined at a rep's bottom that ends with the bell set down holds one more cycle.

    Both readings find reps, so the edges decide (standing: the hand count less the rep joined halfway), not
    the larger count.
    """
    pose = _pose("deadlift_oblique_bad-roundedback_tbyr2.mp4")
    full = assess(pose).assessment
    joined = pose[full.reps[0].bottom_frame :]
    cut = assess(joined.with_timestamps(joined.timestamps - joined.timestamps[0])).assessment
    assert full.full_reps == 10 and cut.movement == "lift" and cut.full_reps == 9
