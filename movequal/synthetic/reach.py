"""Overhead reach: a standing subject raises the arm(s) overhead and lowers them, with planted trunk faults.

:func:`record_reach` lays out the reps (:meth:`Reach.layout`), plans the
feet, pelvis and trunk (:func:`reach_plan`: feet planted, legs straight, the
trunk arching back and bending sideways in proportion to the arm's
elevation), assembles the 33 landmarks
(:func:`~movequal.synthetic.posture.assemble`), places the arms at exact
elevations against the trunk (:func:`place_arm`) and measures the truth
(:class:`ReachTruth`) on the result; the caller films the body-frame
landmarks. Every step is a function of time, so the truth is measured on the
same landmarks evaluated at the exact event times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.spine import chord_table
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, Body, dot, lumbar_bend_for, place_hands, unit
from movequal.synthetic.motion import min_jerk
from movequal.synthetic.movements import Plan, _feet, _hips_from_chain, _standing_toes, balance_ankle
from movequal.synthetic.posture import assemble
from movequal.synthetic.reach_spec import Reach, ReachLayout
from movequal.synthetic.reach_truth import ReachTruth, reach_angles, rest_elevation
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.truth import truth_angles
from movequal.synthetic.walk import HEAD_GAIN

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ARM_SIDES = (("left", 1.0), ("right", -1.0))
"""Name and sign of the subject's left axis pointing outwards."""
REACH_STREAM = 3
"""Stream number of the per-rep peak draw (``default_rng([seed, stream])``; the balance holds use 1 and 2)."""
REST_ELBOW = np.radians(15.0)
"""Elbow flexion of a hanging arm (as a walking arm's, :data:`movequal.synthetic.posture.ELBOW_SWING`)."""
REST_PLANE = np.pi / 2
"""Plane of elevation of a hanging arm: straight down is lateral of the shoulder → hip line."""
PLANE_SETTLE = 0.25
"""Fraction of the raise by which the plane of elevation has turned from the hanging arm's to the reach's."""


@dataclass(frozen=True)
class ReachRecording:
    """A planned and assembled reach: landmarks (T, 33, 3), its plan, truth series, truth and rep windows."""

    points: FloatArray
    plan: Plan
    angles: dict[str, FloatArray]
    truth: ReachTruth
    windows: list[tuple[int, int, int]]


def draw_peaks(seed: int, reach: Reach, reps: int) -> FloatArray:
    """Per-rep peak elevations (radians), ``peak_elevation_deg`` plus ``peak_sd_deg`` noise, cut to 0–180°."""
    peaks = np.full(reps, reach.peak_elevation_deg)
    if reach.peak_sd_deg > 0:
        peaks = peaks + reach.peak_sd_deg * np.random.default_rng([seed, REACH_STREAM]).standard_normal(reps)
    return np.asarray(np.radians(np.clip(peaks, 0.0, 180.0)))


def arm_progress(t: FloatArray, reach: Reach, reps: int) -> tuple[FloatArray, IntArray]:
    """Progress of the raised arm (0 hanging, 1 at the top; minimum-jerk) and rep index (-1 at rest) at times ``t``."""
    period = reach.rep_seconds + reach.rest_s
    local = t - reach.rest_s
    rep = np.floor(local / period).astype(np.int64)
    within = local - rep * period
    inside = (local >= 0) & (rep < reps) & (within <= reach.rep_seconds)
    up = min_jerk(within / reach.up_s)
    down = min_jerk((within - reach.up_s - reach.hold_s) / reach.down_s)
    return np.where(inside, up - down, 0.0), np.where(inside, rep, -1)


def signed_chord(bend: FloatArray, body: Body) -> FloatArray:
    """Hip-mid → shoulder-mid vector (T, 2: forward, up) of a lumbar arc bent ``bend`` rad (< 0: extended).

    Notes
    -----
    :func:`~movequal.synthetic.body.trunk_chord` covers flexion only; the arc
    of :mod:`movequal.core.spine` is symmetric, so an extension is the
    mirror image of the flexion of the same size.
    """
    lam, angle, length = chord_table()
    size = np.abs(bend)
    theta = np.sign(bend) * np.interp(size, lam, angle)
    chord = np.interp(size, lam, length) * body.height
    return np.stack([chord * np.sin(theta), chord * np.cos(theta)], axis=1)


def reach_plan(progress: FloatArray, reach: Reach, body: Body) -> tuple[Plan, FloatArray]:
    """Feet, hips and trunk of a reach at arm ``progress`` (T,); return the plan and its trunk chord (T, 2).

    Notes
    -----
    The trunk arches back by ``back_arch_deg * progress`` by extending the
    lumbar spine (the pelvis stays level) and leans sideways by
    ``side_lean_deg * progress``. The lean tilts the sagittal chord out of
    the sagittal plane, whose projection then reads ``atan(tan(pitch) /
    cos(lean))``; the pitch is pre-compensated so the projected tilt is the
    planted arch exactly. The legs stay straight and the feet flat; the
    shanks incline forward so the centre of mass (arms lumped into the
    trunk) stays over the ankles, which slides the pelvis forward.
    """
    n = len(progress)
    arch = np.radians(reach.back_arch_deg) * progress
    lean = np.radians(reach.side_lean_deg * reach.lean_sign) * progress
    pitch = -np.arctan(np.tan(arch) * np.cos(lean))
    bend = np.sign(pitch) * lumbar_bend_for(np.abs(pitch))
    chord = signed_chord(bend, body)
    toe = _standing_toes(n, body)
    ankle, heel = _feet(toe, np.zeros((n, 2)), body)
    theta = balance_ankle(np.zeros(n), chord[:, 0], np.zeros(n), body)
    hip = _hips_from_chain(ankle, np.zeros((n, 2)), theta, np.zeros(n), body)
    flat = np.zeros(n)
    plan = Plan(ankle, heel, toe, hip, np.zeros((n, 2)), flat, bend, "hang", flat, HEAD_GAIN, lean=lean)
    return plan, chord


def arm_frame(points: FloatArray, side: str, outward: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Trunk axes at one shoulder, each (T, 3): down its side line, forward, outward.

    ``down`` points from the shoulder to the hip of the same side; the
    outward axis is the shoulder line made perpendicular to it, the forward
    axis the body frame's forward made perpendicular to both (the trunk
    never twists, so it follows the trunk's arch and lean).
    """
    shoulder, hip = points[:, IDX[f"{side}_shoulder"]], points[:, IDX[f"{side}_hip"]]
    down = unit(hip - shoulder)
    across = points[:, IDX["left_shoulder"]] - points[:, IDX["right_shoulder"]]
    lateral = unit(across - dot(across, down) * down)
    fwd = np.zeros_like(down)
    fwd[:, FWD] = 1.0
    forward = unit(fwd - dot(fwd, down) * down - dot(fwd, lateral) * lateral)
    return down, forward, outward * lateral


def arm_schedule(
    progress: FloatArray, peak: FloatArray, reach: Reach, rest: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Elevation, plane of elevation and elbow flexion (radians, each (T,)) of an arm at ``progress``.

    The elevation goes linearly in ``progress`` from ``rest`` to ``peak``,
    the elbow from ``REST_ELBOW`` to ``reach.elbow_flexion_deg``; the plane
    turns from the hanging arm's to ``reach.plane_deg`` over the first
    ``PLANE_SETTLE`` of the raise (and back over the last of the lowering).
    """
    plane = np.radians(reach.plane_deg)
    elevation = rest + (peak - rest) * progress
    planes = plane + (REST_PLANE - plane) * (1.0 - min_jerk(progress / PLANE_SETTLE))
    elbow = REST_ELBOW + (np.radians(reach.elbow_flexion_deg) - REST_ELBOW) * progress
    return np.asarray(elevation), np.asarray(planes), np.asarray(elbow)


def place_arm(
    points: FloatArray, side: str, outward: float, angles: tuple[FloatArray, FloatArray, FloatArray], body: Body
) -> None:
    """Write one arm into ``points`` at ``angles`` = (elevation, plane, elbow flexion), radians (T,) each.

    Notes
    -----
    The upper arm is turned ``elevation`` from the shoulder → hip line
    towards the direction ``plane`` from the trunk's forward axis towards
    its outward axis, so ``arm_elevation`` reads ``elevation`` exactly. The
    forearm bends ``elbow`` towards where the upper arm's front would face
    had it been raised forward (forward when hanging, up when horizontal,
    back overhead), so ``elbow_flexion`` reads ``elbow`` exactly.
    """
    down, forward, out = arm_frame(points, side, outward)
    e, p, phi = (np.asarray(a)[:, None] for a in angles)
    upper = np.cos(e) * down + np.sin(e) * (np.cos(p) * forward + np.sin(p) * out)
    bend = -np.sin(e) * down + np.cos(e) * forward
    pole = unit(bend - dot(bend, upper) * upper)
    elbow = points[:, IDX[f"{side}_shoulder"]] + body.upper_arm * upper
    wrist = elbow + body.forearm * (np.cos(phi) * upper + np.sin(phi) * pole)
    place_hands(points, side, elbow, wrist, body)


def reach_points(t: FloatArray, spec: SyntheticSpec, peaks: FloatArray, body: Body) -> tuple[FloatArray, Plan]:
    """Body-frame landmarks (T, 33, 3) and plan of ``spec``'s reach at times ``t``, for per-rep ``peaks`` (rad)."""
    reach = spec.resolved_reach
    progress, rep = arm_progress(t, reach, spec.reps)
    plan, chord = reach_plan(progress, reach, body)
    points = assemble(plan, body, chord=chord)
    peak = peaks[np.clip(rep, 0, None)]
    rest = rest_elevation(body)
    for (side, outward), raised in zip(ARM_SIDES, reach.raised, strict=True):
        level = progress if raised else np.zeros_like(progress)
        place_arm(points, side, outward, arm_schedule(level, peak, reach, rest), body)
    return points, plan


def measure_truth(spec: SyntheticSpec, peaks: FloatArray, lay: ReachLayout, body: Body) -> ReachTruth:
    """Measure the truth (definitions in :class:`ReachTruth`) on the landmarks at the exact event times."""
    reach = spec.resolved_reach
    start = reach_angles(reach_points(lay.starts, spec, peaks, body)[0])
    top = reach_angles(reach_points(lay.tops, spec, peaks, body)[0])
    nan = np.full(spec.reps, np.nan)
    raised = zip(ARM_SIDES, reach.raised, strict=True)
    left, right = (top[f"arm_elevation_{side}"] if up else nan for (side, _), up in raised)
    return ReachTruth(
        arms=reach.arms,
        plane_deg=reach.plane_deg,
        reps=spec.reps,
        starts=lay.starts,
        arrivals=lay.arrivals,
        tops=lay.tops,
        departures=lay.departures,
        ends=lay.ends,
        peak_elevation_left_deg=left,
        peak_elevation_right_deg=right,
        trunk_extension_deg=start["trunk_pitch"] - top["trunk_pitch"],
        lateral_lean_deg=reach.lean_sign * (top["trunk_lateral_lean"] - start["trunk_lateral_lean"]),
        rest_elevation_deg=float(np.degrees(rest_elevation(body))),
    )


def record_reach(spec: SyntheticSpec, body: Body) -> ReachRecording:
    """Plan, assemble and measure ``spec``'s overhead reach at its frame times.

    Notes
    -----
    The truth series are :func:`~movequal.synthetic.truth.truth_angles` and
    :func:`~movequal.synthetic.reach_truth.reach_angles`, except that
    ``lumbar_flexion`` is ``trunk_pitch - pelvis_tilt``, signed (negative
    when the back arches), rather than the unsigned inclination's.
    """
    reach = spec.resolved_reach
    peaks = draw_peaks(spec.seed, reach, spec.reps)
    t = np.arange(spec.n_frames, dtype=np.float64) / spec.fps
    points, plan = reach_points(t, spec, peaks, body)
    angles = truth_angles(points, plan.pelvis_tilt, plan.bend, body) | reach_angles(points)
    angles["lumbar_flexion"] = angles["trunk_pitch"] - angles["pelvis_tilt"]
    lay = reach.layout(spec.reps)
    last = spec.n_frames - 1
    windows = [
        (round(a * spec.fps), round(b * spec.fps), min(round(c * spec.fps), last))
        for a, b, c in zip(lay.starts, lay.tops, lay.ends, strict=True)
    ]
    truth = measure_truth(spec, peaks, lay, body)
    return ReachRecording(points=points, plan=plan, angles=angles, truth=truth, windows=windows)
