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


def _set(cycle_s: float, duration_s: float) -> tuple[list[RepMetrics], np.ndarray, np.ndarray]:
    """Stands every ``cycle_s`` from t = 1 s: rise over the first half, sit over the second (0 seated, 1 standing)."""
    t = np.arange(0.0, duration_s, 1.0 / FPS)
    phase = np.clip((t - 1.0) / cycle_s, 0.0, None)
    rise = np.where(t >= 1.0, np.sin(np.pi * (phase % 1.0)) ** 2, 0.0)
    reps = []
    for k in range(int((duration_s - 1.0) // cycle_s)):
        start = round((1.0 + k * cycle_s) * FPS)
        reps.append(_Rep(start, start + round(cycle_s * FPS / 2), start + round(cycle_s * FPS)))
    return cast(list[RepMetrics], reps), t, rise


def test_stands_within_thirty_seconds_count_and_a_stand_more_than_halfway_up_counts_too() -> None:
    reps, t, rise = _set(cycle_s=2.9, duration_s=40.0)
    # standing moments at 2.45 + 2.9 k s: 10 by 31 s; the 11th rise began at 30.0 s and is 78 % up at 31 s: counted
    assert count_thirty_second_stands(reps, t, rise) == 11
    reps, t, rise = _set(cycle_s=3.0, duration_s=40.0)  # 10 by 31 s; the 11th begins at 31 s (0 % up): not counted
    assert count_thirty_second_stands(reps, t, rise) == 10


def test_a_clip_shorter_than_the_test_gives_no_count() -> None:
    reps, t, rise = _set(cycle_s=2.4, duration_s=25.0)
    assert count_thirty_second_stands(reps, t, rise) is None
    assert count_thirty_second_stands([], t, rise) is None
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
    start = a.reps[0].start_time
    by_hand = sum(r.bottom_time <= start + 30.0 for r in a.reps)  # the fourth play's second rise begins after 30 s
    assert a.thirty_second_chair_stand == by_hand == 16
    assert a.five_times_sit_to_stand_s is not None and 8.0 < a.five_times_sit_to_stand_s < 9.5
