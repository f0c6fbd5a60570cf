"""Walking, measured pass by pass.

Steps, cadence, step and stance time, step length, speed, symmetry,
variability, trunk posture and arm swing, from the gait events of
:mod:`movequal.core.gait_events`.

A *pass* is one bout of walking in one direction (a walkway crossed once). The
turn between two passes, a stop, or a stretch out of view ends a pass; a bout
with fewer than :data:`MIN_PASS_STEPS` steps is not measured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from movequal.core.gait_events import (
    FOOT_SIDES,
    FootTracks,
    GaitEvents,
    compute_foot_tracks,
    detect_gait_events,
    split_bouts,
)
from movequal.core.gait_frontal import measure_frontal
from movequal.core.gait_steps import compute_arm_swings, compute_stance_times, compute_step_lengths
from movequal.core.kinematics import compute_leg_length
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]

MIN_PASS_STEPS = 3
"""A pass needs at least this many steps (four foot contacts) to be measured: with two, a squat's sway or a
weight shift from foot to foot can pass for walking."""
ACROSS_MAX_DEG = 40.0
"""A pass heading within this angle of the picture's plane is read in the image (step length, trunk flexion);
further round, in the world landmarks. The pose model's forward direction reads the side-on passes of the
development clips 8-30° off the picture's plane, and a 45° camera is oblique; 40° lies between (the image
foreshortens a length at 40° by 23 %, which symmetry ratios do not feel)."""
LEG_FRACTION_OF_HEIGHT = 0.491
"""Hip-to-ankle length (thigh 0.245 + leg 0.246) as a fraction of body height (Winter 2009, Fig. 4.1)."""


@dataclass(frozen=True)
class SideGait:
    """One foot's steps in a pass (a step ends when this foot strikes), one value per step; NaN unknown.

    Step lengths are in leg lengths; times in seconds.
    """

    step_times: tuple[float, ...]
    step_lengths: tuple[float, ...]
    stance_times: tuple[float, ...]
    arm_swings: tuple[float, ...]
    """This side's arm swing in each stride of the pass (degrees); empty when the wrist is not seen."""
    swing_arcs: tuple[float, ...] = ()
    """How far this foot arcs outwards in each of its swings (leg lengths,
    :func:`movequal.core.gait_frontal.swing_excursions`); empty unless the pass is seen from the front or back."""

    @property
    def swing_arc(self) -> float:
        """Median outward arc of this foot's swings, leg lengths (NaN when not measurable)."""
        return _median(self.swing_arcs)

    @property
    def arm_swing_deg(self) -> float:
        """Median arm swing over the pass's strides (NaN when not measurable)."""
        return _median(self.arm_swings)

    @property
    def steps(self) -> int:
        """Number of steps that ended with this foot's strike."""
        return len(self.step_times)

    @property
    def step_time_s(self) -> float:
        """Median step time."""
        return _median(self.step_times)

    @property
    def step_length(self) -> float:
        """Median step length in leg lengths."""
        return _median(self.step_lengths)

    @property
    def stance_time_s(self) -> float:
        """Median stance time."""
        return _median(self.stance_times)


@dataclass(frozen=True)
class GaitPass:
    """One pass of walking: timing, distances (in leg lengths) and posture."""

    start_time: float
    end_time: float
    direction: str
    steps: int
    cadence_spm: float
    speed: float
    step_time_cv_pct: float
    trunk_flexion_deg: float
    lateral_lean_deg: float
    sides: dict[str, SideGait] = field(default_factory=dict)
    across: bool = False
    """Whether the pass crosses the picture (a side view): the far arm and the sideways lean are hidden."""
    lean_swings: tuple[float, ...] = ()
    """Range of the trunk's sideways lean in each stride (degrees); empty unless seen from the front or back."""

    @property
    def lean_swing_deg(self) -> float:
        """Median over the strides of the sideways lean's range (NaN when not measurable)."""
        return _median(self.lean_swings)


@dataclass(frozen=True)
class GaitAnalysis:
    """Every measured pass of a clip, the events they came from, and why nothing was measured if so."""

    passes: tuple[GaitPass, ...]
    events: GaitEvents
    leg_length_m: float
    reason: str | None = None


def _direction(forward: FloatArray) -> str:
    """Where the walker heads in the picture: world x is image-right, world z away from the camera."""
    x, z = float(forward[0]), float(forward[2])
    if abs(x) >= abs(z):
        return "towards image right" if x > 0 else "towards image left"
    return "away from the camera" if z > 0 else "towards the camera"


def _side_events(events: GaitEvents) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Each foot's strike times and toe-off times, in time order."""
    strike_sides, off_sides = np.asarray(events.strike_sides), np.asarray(events.off_sides)
    return {s: (events.strike_times[strike_sides == s], events.off_times[off_sides == s]) for s in FOOT_SIDES}


def pass_heading(tracks: FootTracks, frames: slice) -> FloatArray:
    """Median forward direction over a pass's frames (world, horizontal)."""
    forward = tracks.forward[frames]
    return np.array([_finite_median(forward[:, j]) for j in range(3)])


def _finite_median(values: FloatArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _median(values: tuple[float, ...] | list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return float(np.median(finite)) if finite else float("nan")


def compute_image_trunk_flexion(pose: PoseSequence, heading: float) -> FloatArray:
    """Return the forward lean of the hip-to-shoulder line from the image's vertical, in degrees.

    ``heading`` is +1 for a walker heading towards image right, -1 towards image left.
    """
    return _image_trunk_flexion(pose.image_pixels(), heading)


def _image_trunk_flexion(px: FloatArray, heading: float) -> FloatArray:
    trunk = (px[:, IDX["left_shoulder"]] + px[:, IDX["right_shoulder"]]) / 2 - (
        px[:, IDX["left_hip"]] + px[:, IDX["right_hip"]]
    ) / 2
    return np.asarray(np.degrees(np.arctan2(heading * trunk[:, 0], -trunk[:, 1])))


def _frames_between(pose: PoseSequence, start: float, end: float) -> slice:
    t = pose.timestamps
    return slice(int(np.searchsorted(t, start)), int(np.searchsorted(t, end, side="right")))


def measure_pass(
    pose: PoseSequence, tracks: FootTracks, events: GaitEvents, strikes: slice, leg_px: float | None = None
) -> GaitPass:
    """Measure the pass made of the heel strikes ``strikes`` (indices into ``events``).

    ``leg_px`` is the clip's leg length in pixels (:func:`compute_leg_length` of the image landmarks), measured
    here when not given.

    Notes
    -----
    Neither lean of the trunk is read from the world landmarks: the model's depth guess tilts the trunk. The
    sideways lean read 10-12° on front-oblique development passes whose image shows 1-3°, so it is read in the
    image of front and rear views only (:mod:`movequal.core.gait_frontal`). The forward lean of people standing
    upright read from -8° to +20° on the development clips filmed from the front (the top of the trunk placed
    nearer the camera, whichever way the person faced; ``eval/evaluate_world_tilt.py``), so a pass towards or
    away from the camera leaves it not measurable (NaN); a pass across the picture reads it in the image.
    """
    times = events.strike_times[strikes]
    frames = _frames_between(pose, float(times[0]), float(times[-1]))
    step_times = np.diff(times)
    heading = pass_heading(tracks, frames)
    direction = _direction(heading)
    sideways = bool(abs(heading[2]) < np.sin(np.radians(ACROSS_MAX_DEG)) * np.hypot(heading[0], heading[2]))
    if sideways and leg_px is None:
        leg_px = compute_leg_length(pose.image_pixels())
    strike_frames = events.strike_frames[strikes]
    # A step ends at each strike after the first, with the foot that strikes.
    lengths = compute_step_lengths(pose, tracks, strike_frames[1:], sideways, leg_px)
    step_sides = np.asarray(events.strike_sides[strikes][1:])
    own = _side_events(events)
    strides = list(zip(strike_frames[:-2].tolist(), strike_frames[2:].tolist(), strict=True))
    frontal = measure_frontal(pose, tracks, events, frames, strides)
    # Across the picture the image reads the trunk's forward lean directly; towards or away from the camera it is
    # not measurable (Notes).
    flexion = (
        _image_trunk_flexion(pose.image_pixels()[frames], 1.0 if direction.endswith("right") else -1.0)
        if sideways
        else np.full(frames.stop - frames.start, np.nan)
    )
    duration = float(times[-1] - times[0])
    mine = {s: step_sides == s for s in FOOT_SIDES}
    all_lengths = np.concatenate([lengths[mine[s]] for s in FOOT_SIDES])
    sides = {
        s: SideGait(
            step_times=tuple(step_times[mine[s]].tolist()),
            step_lengths=tuple(lengths[mine[s]].tolist()),
            stance_times=tuple(compute_stance_times(times[1:][mine[s]], *own[s]).tolist()),
            arm_swings=compute_arm_swings(pose, tracks.forward, s, strides),
            swing_arcs=frontal.excursions[s],
        )
        for s in FOOT_SIDES
    }
    return GaitPass(
        start_time=float(times[0]),
        end_time=float(times[-1]),
        direction=direction,
        steps=len(step_times),
        cadence_spm=60.0 * len(step_times) / duration,
        speed=float(np.nansum(all_lengths) / duration),
        step_time_cv_pct=(
            float(100 * np.std(step_times, ddof=1) / np.mean(step_times)) if len(step_times) >= 4 else float("nan")
        ),
        trunk_flexion_deg=_finite_median(flexion),
        lateral_lean_deg=frontal.lean_deg,  # NaN unless seen from the front or the back
        sides=sides,
        across=sideways,
        lean_swings=frontal.lean_swings,
    )


def _no_walking_reason(events: GaitEvents) -> str:
    if events.strike_times.size == 0:
        return "the feet never step forward and back in view: no foot contact was found"
    return (
        f"only {events.strike_times.size} foot contact(s) were found, never {MIN_PASS_STEPS + 1} in a row "
        "in one direction: the person never takes two full steps in view"
    )


def locate_passes(pose: PoseSequence) -> tuple[FootTracks, GaitEvents, list[slice]]:
    """Return the foot tracks, the gait events and the passes (heel-strike runs of :data:`MIN_PASS_STEPS` or more)."""
    tracks = compute_foot_tracks(pose)
    events = detect_gait_events(pose, tracks)
    bouts = split_bouts(events.strike_frames, events.strike_times, tracks.forward)
    return tracks, events, [b for b in bouts if b.stop - b.start >= MIN_PASS_STEPS + 1]


def frames_of(pose: PoseSequence, events: GaitEvents, strikes: slice) -> slice:
    """Return the frames from a pass's first heel strike to its last."""
    times = events.strike_times[strikes]
    return _frames_between(pose, float(times[0]), float(times[-1]))


def analyse_gait(pose: PoseSequence) -> GaitAnalysis:
    """Find the walking passes of a clip and measure each.

    Parameters
    ----------
    pose : PoseSequence
        Landmarks with world coordinates (the pose model's output, filtered or not).

    Returns
    -------
    GaitAnalysis
        ``passes`` empty, with ``reason`` saying why, when no pass of at
        least :data:`MIN_PASS_STEPS` steps is in view.
    """
    tracks, events, bouts = locate_passes(pose)
    leg_px = compute_leg_length(pose.image_pixels()) if bouts else None
    passes = tuple(measure_pass(pose, tracks, events, b, leg_px) for b in bouts)
    reason = None if passes else _no_walking_reason(events)
    return GaitAnalysis(passes, events, tracks.leg_length_m, reason)


def legs_to_metres(value: float, height_m: float | None) -> float | None:
    """Convert a distance in leg lengths to metres for a person of ``height_m`` (None without a height)."""
    return None if height_m is None else value * LEG_FRACTION_OF_HEIGHT * height_m
