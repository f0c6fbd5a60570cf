"""The live step counter and cadence on synthetic walks with exact heel strikes, and its rules on made-up signals."""

from __future__ import annotations

import numpy as np
import pytest

from eval.evaluate_live_gait import stream
from movequal.core.gait_events import MIN_EVENT_PROMINENCE
from movequal.live.cadence import LiveCadence, _Peak
from movequal.live.session import LIVE_TRACKERS
from movequal.synthetic import Camera, Gait, SyntheticSpec, generate


@pytest.mark.parametrize("view", ["sagittal-left", "sagittal-right", "frontal", "oblique"])
@pytest.mark.parametrize("cadence", [85.0, 115.0])
def test_live_steps_land_on_the_true_heel_strikes_and_the_cadence_is_within_two_percent(
    view: str, cadence: float
) -> None:
    spec = SyntheticSpec(movement="walk", camera=Camera(view=view), noise_px=2.0, gait=Gait(cadence=cadence))  # type: ignore[arg-type]
    pose, truth = generate(spec)
    assert truth.gait is not None
    strikes = np.sort(np.concatenate([truth.gait.heel_strike_s[s] for s in ("left", "right")]))
    live = stream(pose)
    assert abs(len(live.steps) - strikes.size) <= 1
    errors = [float(np.min(np.abs(strikes - t))) for t in live.steps]
    assert np.median(errors) <= 0.02 and max(errors) <= 0.05, errors  # the offline anchor: step time within 0.02 s
    assert live.bout_cadences and abs(live.bout_cadences[-1][1] - truth.gait.cadence_spm) <= 0.02 * cadence


def test_a_stop_ends_the_bout_and_the_cadence_is_kept_as_the_last_one() -> None:
    pose, _ = generate(SyntheticSpec(movement="walk", camera=Camera(view="frontal"), gait=Gait(cadence=100.0)))
    live = LiveCadence("walk", pose.fps, pose.frame_size)
    frames = range(len(pose))
    updates = [live.update(pose.image[i], pose.visibility[i], pose.world[i], float(pose.timestamps[i])) for i in frames]
    end = pose.timestamps[-1]
    standing = [
        live.update(pose.image[-1], pose.visibility[-1], pose.world[-1], end + k / pose.fps) for k in range(1, 90)
    ]
    gait = standing[-1].gait
    assert gait is not None and not gait.walking and gait.cadence_per_min is None
    assert gait.last_cadence_per_min == pytest.approx(100.0, rel=0.02) and gait.steps == updates[-1].reps_done


def test_the_peak_follower_needs_a_rise_and_a_fall_and_a_seen_heel() -> None:
    follower = _Peak(MIN_EVENT_PROMINENCE)
    signal = [0.3, 0.25, 0.2, 0.1, 0.0, 0.1, 0.2, 0.25, 0.2, 0.1, 0.0]  # starts high: no strike at the edge
    peaks = [follower.update(v, float(t), True) for t, v in enumerate(signal)]
    assert [p for p in peaks if p is not None] == [7.0]  # the maximum, reported once the heel is 0.1 back
    hidden = _Peak(MIN_EVENT_PROMINENCE)
    assert all(hidden.update(v, float(t), False) is None for t, v in enumerate(signal))  # the heel was not seen
    assert LIVE_TRACKERS["locomotion"] is LiveCadence
