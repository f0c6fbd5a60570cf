"""The 30-second chair stand and the five-times sit-to-stand from a seated set's reps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import pytest

from movequal.core.chair_stands import count_thirty_second_stands, five_times_sit_to_stand
from movequal.core.compensations import RepMetrics
from movequal.core.scoring import assess
from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.sequence import PoseSequence
from tests.helpers import shared_clip

FPS = 10.0


@dataclass(frozen=True)
class _Rep:
    """The three frames the chair-stand tests read from a rep."""

    start: int
    bottom: int
    end: int


def _set(cycle_s: float, duration_s: float, seated: float = 0.0, pause: tuple[float, float] | None = None):
    """Stands every ``cycle_s`` from t = 1 s: up over the first half, down over the second (driver ``seated`` → 1).

    Only the cycles the clip holds in full are reps, as the segmentation gives them; ``pause`` = (from, to) keeps
    the patient seated in between and starts the cycles again after it.
    """
    t = np.arange(0.0, duration_s, 1.0 / FPS)
    starts = list(np.arange(1.0, duration_s, cycle_s))
    if pause is not None:
        starts = [s for s in starts if s + cycle_s <= pause[0]] + list(np.arange(pause[1], duration_s, cycle_s))
    rise = np.full(t.size, seated)
    reps = []
    for start in starts:
        inside = (t >= start) & (t < start + cycle_s)
        rise[inside] = seated + (1.0 - seated) * np.sin(np.pi * (t[inside] - start) / cycle_s) ** 2
        if start + cycle_s <= duration_s:
            first = round(start * FPS)
            reps.append(_Rep(first, first + round(cycle_s * FPS / 2), first + round(cycle_s * FPS)))
    return cast(list[RepMetrics], reps), t, rise


def test_stands_within_thirty_seconds_count_and_one_more_than_halfway_up_counts_too() -> None:
    # standing moments at 2.45 + 2.9 k s: 10 by 31 s; the 11th rise began at 30.0 s and is 78 % up at 31 s
    assert count_thirty_second_stands(*_set(cycle_s=2.9, duration_s=40.0)) == 11
    assert count_thirty_second_stands(*_set(cycle_s=2.9, duration_s=31.5)) == 11  # the 11th cut by the clip's end
    assert count_thirty_second_stands(*_set(cycle_s=3.0, duration_s=40.0)) == 10  # the 11th begins at 31 s: 0 % up


def test_halfway_is_measured_from_the_seated_level_the_stand_rose_from() -> None:
    assert count_thirty_second_stands(*_set(cycle_s=2.9, duration_s=31.5, seated=0.6)) == 11  # 0.91: 78 % up
    assert count_thirty_second_stands(*_set(cycle_s=3.0, duration_s=40.0, seated=0.6)) == 10  # 0.6: seated


def test_a_clip_that_is_not_the_test_gives_no_count() -> None:
    assert count_thirty_second_stands(*_set(cycle_s=2.4, duration_s=25.0)) is None  # shorter than 30 s
    assert count_thirty_second_stands(*_set(cycle_s=2.4, duration_s=40.0, pause=(13.0, 25.0))) is None  # a rest
    reps, t, _ = _set(cycle_s=2.4, duration_s=25.0)
    assert count_thirty_second_stands([], t, t) is None
    assert five_times_sit_to_stand(reps, t) == pytest.approx(5 * 2.4, abs=0.11)


@pytest.mark.slow
def test_a_real_chair_stand_set_repeated_past_thirty_seconds() -> None:
    """The real 5-stand clip (REPS.md: standing at about 1.1, 2.9, 4.8, 6.5 and 8.4 s) played four times over."""
    clip = estimate_video(shared_clip("sts_side_unknown_frail.mp4"), EstimatorConfig(model="full"))
    n, step = len(clip), float(np.median(np.diff(clip.timestamps)))
    index = np.tile(np.arange(n), 4)
    tiled = PoseSequence(
        image=clip.image[index],
        visibility=clip.visibility[index],
        world=clip.world[index],
        timestamps=np.arange(4 * n) * step,
        fps=clip.fps,
        frame_size=clip.frame_size,
        source={"file": "four plays of the chair-stand clip"},
    )
    a = assess(tiled).assessment
    assert a.movement == "sit-to-stand" and a.full_reps == 20
    # by hand from REPS.md: 5 stands per 9.53 s play; the fourth play's first stand at 28.6 + 1.1 s is in, its
    # second rise starts at 28.6 + 1.9 s, after the 30 s that began with the first rise at about 0.4 s
    assert a.thirty_second_chair_stand == 16
    assert a.five_times_sit_to_stand_s is not None and 8.0 < a.five_times_sit_to_stand_s < 9.5


@pytest.mark.slow
def test_a_long_standing_pause_in_a_chair_stand_set_is_not_a_timed_up_and_go() -> None:
    """The real chair-stand clip with its first stand held still for 4 s: up long, seated at both ends, no walk."""
    clip = estimate_video(shared_clip("sts_side_unknown_frail.mp4"), EstimatorConfig(model="full"))
    step = float(np.median(np.diff(clip.timestamps)))
    standing = int(np.searchsorted(clip.timestamps, 1.15))  # REPS.md: standing about 0.9-1.4 s
    index = np.concatenate([np.arange(standing), np.full(round(4.0 / step), standing), np.arange(standing, len(clip))])
    held = PoseSequence(
        image=clip.image[index],
        visibility=clip.visibility[index],
        world=clip.world[index],
        timestamps=np.arange(index.size) * step,
        fps=clip.fps,
        frame_size=clip.frame_size,
        source={"file": "chair-stand clip with a 4 s standing hold"},
    )
    a = assess(held).assessment
    assert a.movement == "sit-to-stand" and a.full_reps == 5
    timed = assess(held, "tug").assessment  # asked for explicitly, five stands are not one test
    assert timed.score is None and timed.message is not None and "sat down again" in timed.message
