"""Per-repetition metrics, the inputs of every compensation rule.

One pure function, :func:`compute_rep_metrics`, turns the kinematic series of
a rep into named numbers. The same function serves whole recordings and live
sessions (which call it on each rep as it completes). A metric that cannot be
measured from the clip's view is NaN, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, View
from movequal.core.compensations.forward_reach_metrics import compute_reach_distance
from movequal.core.compensations.frontal_metrics import compute_frontal_metrics, compute_rep_yaw
from movequal.core.compensations.phase_speeds import PhaseSpeeds, compute_phase_speeds, compute_rep_sparc
from movequal.core.compensations.reach_metrics import NOT_REACH, compute_reach_metrics
from movequal.core.compensations.series_stats import median_around, peak_of
from movequal.core.frame_rate import compute_frame_rate, compute_frames
from movequal.core.kinematics import Kinematics
from movequal.core.movement_registry import get_profile
from movequal.core.reps import Phases, RepWindow
from movequal.core.smoothness import (
    compute_relative_phase,
    count_velocity_peaks,
)
from movequal.core.spine import compute_chord_angle_for_length

FloatArray = NDArray[np.float64]
NAN = float("nan")
PEAK_PROMINENCE = 0.3
"""A speed peak counts when it stands out by 30 % of the phase's top speed (jitter stays below)."""
FOOT_SEEN = 0.9
"""Median visibility the near foot's heel and toe need over a rep for its heel rise to be read.

*From data, checked leaving one clip source out*: on the side-view development clips, feet hidden
behind a barbell's plate have a median visibility of 0.67-0.85 over the rep and read heel rises of
0.13-0.17 leg lengths on clean lifts, while feet in view read 0.91-0.99; 0.9 separates the two
groups with any one source left out (docs/SCORING.md, "Heel rise from the near foot")."""
BACK_BEND_HALF_S = 0.1
"""The back outline's bend is read as the median over this long either side of the bottom (three frames at
30 frames/s; in seconds, so a 60 frames/s clip is read over the same moment, not half of it)."""
HIPS_MARK = 0.75
"""Hips-rise-first is read when the hips have risen this fraction of their way back up."""


@dataclass(frozen=True)
class RepMetrics:
    """Metrics of one rep (degrees, seconds, leg lengths; NaN = not measurable here)."""

    number: int
    start: int
    bottom: int
    end: int
    depth: float
    duration_s: float
    descent_s: float
    hold_s: float
    ascent_s: float
    peak_knee_flexion: float
    peak_hip_flexion: float
    peak_trunk_inclination: float
    trunk_minus_tibia: float
    posterior_hip_shift: float
    hip_share: float
    peak_heel_height: float
    peak_valgus: float
    lateral_shift: float
    pelvic_obliquity: float
    knee_symmetry_index: float
    knee_difference: float
    peak_speed: float
    sparc: float
    velocity_peaks: int
    relative_phase: float
    hips_rise_first: float
    back_bend: float = NAN
    """Bend of the back's outline at the bottom (deg, from the segmentation mask; + = rounded)."""
    peak_thigh_inclination: float = NAN
    """Deepest thigh (knee→hip line) from vertical over the rep (deg; 90 = thigh level, more = hip below knee)."""
    used_3d: bool = False
    """True when the sagittal angles came from the 3D landmarks (oblique or frontal view)."""
    peak_arm_elevation: float = NAN
    """Reaches: highest upper arm against the trunk line (deg; 180 = straight overhead)."""
    trunk_extension: float = NAN
    """Reaches: largest backward tilt of the trunk against the rep's start (deg; side views)."""
    lateral_trunk_lean: float = NAN
    """Reaches: largest sideways trunk lean against the rep's start (deg; front view)."""
    reach_distance: float = NAN
    """Forward reaches: the hand's travel from the start position to the furthest point (leg lengths; side view)."""
    range_seen: bool = True
    """False when the recording began mid-rep, so the rep's range is not known (a pull already off the floor)."""
    body_yaw: float = NAN
    """The body's turn from the camera at the rep's standing reference (deg; 0 = square on, 90 = side on)."""

    @property
    def frames(self) -> tuple[int, int]:
        """Inclusive frame range of the rep."""
        return (self.start, self.end)


def _both(kin: Kinematics, base: str, sl: slice) -> tuple[FloatArray, FloatArray]:
    return kin.series[f"{base}_left"][sl], kin.series[f"{base}_right"][sl]


def select_near_series(kin: Kinematics, base: str, sl: slice) -> FloatArray:
    """Return the near side's series when one side faces the camera, else the larger of the two.

    Notes
    -----
    From the side the far foot is hidden behind the near leg (and any weight),
    and its heel and toe points are guessed: on the development clips a hidden
    far foot read heel rises of 0.12-0.16 leg lengths while the visible foot
    read 0.02-0.05.
    """
    near = kin.reference.near_side if kin.reference is not None else None
    if near in ("left", "right"):
        return kin.series[f"{base}_{near}"][sl]
    return np.fmax(*_both(kin, base, sl))


def _seen_heel_rise(kin: Kinematics, sl: slice) -> float:
    """Peak heel rise of the near foot over the rep; NaN (not measurable) when the foot is not surely seen."""
    seen = select_near_series(kin, "foot_visibility", sl)
    if not (seen.size and np.isfinite(seen).any() and np.nanmedian(seen) >= FOOT_SEEN):
        return NAN
    return peak_of(select_near_series(kin, "heel_height", sl))


def compute_hip_share(trunk_inclination: float, trunk_length: float, start_inclination: float) -> float:
    """Estimate the share of a forward bend produced at the hips.

    Parameters
    ----------
    trunk_inclination, start_inclination : float
        Trunk inclination (deg) at the bottom and at the start of the rep.
    trunk_length : float
        Hip→shoulder distance at the bottom over its length at the start.

    Notes
    -----
    The landmarks have no point on the lumbar spine, so lumbar flexion is
    inferred from the shortening of the hip→shoulder chord with the trunk
    model of :mod:`movequal.core.spine`: the shortening gives the lumbar bend, and
    the bend gives how far it leaned the chord. The rest of the inclination
    came from the hips. Shoulder protraction and turning towards the camera
    also shorten the chord; where the shortening is more than any bend of the
    spine could explain, the estimate is NaN (not measured) rather than a
    false 0 %.
    """
    bend = trunk_inclination - start_inclination
    if not (np.isfinite(bend) and np.isfinite(trunk_length)) or bend < 10.0:
        return NAN
    spine = float(np.degrees(compute_chord_angle_for_length(trunk_length)))
    if not spine <= bend:
        return NAN
    return float(1.0 - spine / bend)


class RepReadings(NamedTuple):
    """Values read off one rep's series that :mod:`.metrics_batch` computes for many reps at once."""

    peak_speed: float
    peak_knee_flexion: float
    peak_hip_flexion: float
    peak_trunk_inclination: float
    peak_thigh_inclination: float
    hips_rise_first: float


def _smoothness(speeds: PhaseSpeeds, sparc: float | None, peaks: int | None) -> tuple[float, int]:
    """SPARC and the most speed peaks in one phase, each computed unless given."""
    descent, ascent, fs = speeds
    if peaks is None:
        peaks = max(
            count_velocity_peaks(descent, fs, PEAK_PROMINENCE), count_velocity_peaks(ascent, fs, PEAK_PROMINENCE)
        )
    return (compute_rep_sparc(descent, ascent, fs) if sparc is None else sparc), peaks


def _recovery_lag(kin: Kinematics, view: View, window: RepWindow) -> float:
    """How much less the trunk has straightened than the hips have risen, when the hips are halfway up.

    0 when hips and trunk recover together; positive when the hips rise first.
    Both are measured from the bottom towards their values at the rep's
    standing reference (the start, or the lockout of a rep from the floor).
    """
    height = kin.series["hip_height"]
    trunk = kin.angle("trunk_inclination", view)
    s, b = window.standing, window.bottom
    rise, straighten = height[s] - height[b], trunk[b] - trunk[s]
    if not (rise > 0 and straighten > 10.0):
        return NAN
    h = (height[b : window.ascent_end + 1] - height[b]) / rise
    halfway = np.flatnonzero(h >= HIPS_MARK)
    if not halfway.size:
        return NAN
    k = (trunk[b] - trunk[b + halfway[0]]) / straighten
    return float(HIPS_MARK - k)


def _read_rep(kin: Kinematics, window: RepWindow, view: View, trunk: FloatArray, speeds: PhaseSpeeds) -> RepReadings:
    """Peaks of one rep's series and its recovery lag (:mod:`.metrics_batch` reads them for many reps at once)."""
    sl = slice(window.start, window.end + 1)
    descent, ascent, _ = speeds
    return RepReadings(
        peak_speed=max(peak_of(np.abs(descent)), peak_of(np.abs(ascent))),
        peak_knee_flexion=peak_of(kin.angle("knee_flexion", view, sl)),
        peak_hip_flexion=peak_of(kin.angle("hip_flexion", view, sl)),
        peak_trunk_inclination=peak_of(trunk),
        peak_thigh_inclination=peak_of(mean_of_sides(kin, "thigh_inclination", view, sl)),
        hips_rise_first=_recovery_lag(kin, view, window),
    )


def _mean_relative_phase(trunk: FloatArray, thigh: FloatArray) -> float:
    """Mean absolute continuous relative phase of trunk and thigh (deg); NaN if either does not move."""
    phase = np.abs(compute_relative_phase(trunk, thigh))
    return float(np.mean(phase[np.isfinite(phase)])) if np.isfinite(phase).any() else NAN


def mean_of_sides(kin: Kinematics, base: str, view: View, sl: slice) -> FloatArray:
    """Mean of the left and right series of a paired angle where both are seen, else the one that is.

    Notes
    -----
    Squat depth is the pelvis's level against the knees: the mean of both thighs
    reads it without letting a sideways pelvic tilt (one hip lower) pass a
    shallow squat as deep.
    """
    suffix = "" if kin.valid(f"{base}_left", view) else "_3d"
    left, right = kin.series[f"{base}{suffix}_left"][sl], kin.series[f"{base}{suffix}_right"][sl]
    both = np.isfinite(left) & np.isfinite(right)
    return np.where(both, 0.5 * (left + right), np.fmax(left, right))


def _ratio(values: FloatArray, at: int, reference: int) -> float:
    return float(values[at] / values[reference]) if values[reference] > 0 else NAN


class _SideMetrics(NamedTuple):
    """The rep metrics read only in a side view (all NaN in other views)."""

    trunk_minus_tibia: float
    posterior_hip_shift: float
    hip_share: float
    peak_heel_height: float
    relative_phase: float
    back_bend: float


_NOT_SIDE = _SideMetrics(NAN, NAN, NAN, NAN, NAN, NAN)


def _side_metrics(kin: Kinematics, window: RepWindow, trunk: FloatArray, trunk_driven: bool) -> _SideMetrics:
    """Trunk against shin, hip travel and share, heel rise, trunk–thigh phase (trunk-driven only), back outline.

    ``trunk`` is the trunk inclination over the rep, as its view allows it.
    """
    sl = slice(window.start, window.end + 1)
    b, s, r = window.bottom, window.start, window.standing
    bottom_trunk = float(trunk[b - s])
    tibia = float(np.fmax(*(v[0] for v in _both(kin, "tibia_inclination", slice(b, b + 1)))))
    thigh = np.fmax(*_both(kin, "thigh_inclination", sl))
    shift = kin.series["posterior_hip_shift"]
    return _SideMetrics(
        trunk_minus_tibia=bottom_trunk - tibia,
        posterior_hip_shift=float(shift[b] - shift[r]),
        hip_share=compute_hip_share(bottom_trunk, _ratio(kin.series["trunk_length"], b, r), float(trunk[r - s])),
        peak_heel_height=_seen_heel_rise(kin, sl),
        relative_phase=_mean_relative_phase(trunk, thigh) if trunk_driven else NAN,
        back_bend=median_around(
            kin.series["back_bend"], b, compute_frames(BACK_BEND_HALF_S, compute_frame_rate(kin.timestamps))
        ),
    )


def compute_rep_metrics(
    kin: Kinematics,
    window: RepWindow,
    *,
    number: int,
    view: View,
    movement: Movement,
    phases: Phases,
    depth: float,
    speeds: PhaseSpeeds | None = None,
    sparc: float | None = None,
    velocity_peaks: int | None = None,
    readings: RepReadings | None = None,
) -> RepMetrics:
    """Measure one repetition; metrics outside their valid view are NaN.

    ``speeds`` (:func:`compute_phase_speeds`), ``sparc``, ``velocity_peaks``
    (the most speed peaks in one phase) and ``readings`` may be passed in by
    callers that computed them for many reps at once
    (:func:`~movequal.core.compensations.metrics_batch.precompute_reps`).
    """
    sagittal = kin.valid("trunk_inclination", view)
    trunk = kin.angle("trunk_inclination", view, slice(window.start, window.end + 1))
    side = _side_metrics(kin, window, trunk, get_profile(movement).trunk_driven) if sagittal else _NOT_SIDE
    phase_speeds = speeds if speeds is not None else compute_phase_speeds(kin, movement, view, window)
    read = readings if readings is not None else _read_rep(kin, window, view, trunk, phase_speeds)
    sparc, velocity_peaks = _smoothness(phase_speeds, sparc, velocity_peaks)
    yaw = compute_rep_yaw(kin, window)
    valgus, lateral, obliquity, si, diff = compute_frontal_metrics(kin, view, window, yaw=yaw)
    driver = get_profile(movement).driver
    reach = compute_reach_metrics(kin, window, view) if driver == "arm-elevation" else NOT_REACH
    forward = driver == "hand-reach" and sagittal
    t = kin.timestamps
    return RepMetrics(
        number=number,
        start=window.start,
        bottom=window.bottom,
        end=window.end,
        depth=depth,
        duration_s=float(t[window.end] - t[window.start]),
        descent_s=phases.descent_s,
        hold_s=phases.hold_s,
        ascent_s=phases.ascent_s,
        peak_knee_flexion=read.peak_knee_flexion,
        peak_hip_flexion=read.peak_hip_flexion,
        peak_trunk_inclination=read.peak_trunk_inclination,
        trunk_minus_tibia=side.trunk_minus_tibia,
        posterior_hip_shift=side.posterior_hip_shift,
        hip_share=side.hip_share,
        peak_heel_height=side.peak_heel_height,
        peak_valgus=valgus,
        lateral_shift=lateral,
        pelvic_obliquity=obliquity,
        knee_symmetry_index=si,
        knee_difference=diff,
        peak_speed=read.peak_speed,
        sparc=sparc,
        velocity_peaks=velocity_peaks,
        relative_phase=side.relative_phase,
        hips_rise_first=read.hips_rise_first,
        back_bend=side.back_bend,
        peak_thigh_inclination=read.peak_thigh_inclination,
        used_3d=not sagittal,
        peak_arm_elevation=reach.peak_arm_elevation,
        trunk_extension=reach.trunk_extension,
        lateral_trunk_lean=reach.lateral_trunk_lean,
        reach_distance=compute_reach_distance(kin, window) if forward else NAN,
        body_yaw=yaw,
    )
