"""Joint angles, offsets and their velocities from a filtered :class:`PoseSequence`.

Image-plane metrics are computed in pixels (normalised x and y multiplied by
frame width and height). Image y points down; "up" means towards the top of
the frame. 3D metrics (suffix ``_3d``) use the model's world landmarks in
metres and are view-independent. Each metric declares the camera views where
it is valid in :data:`METRICS`; outside them a report must say "not measurable
from this view" rather than show the number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import View
from movequal.core.sides import choose_near_side, compute_midpoint
from movequal.core.velocity import compute_velocities
from movequal.core.views import ANY_VIEW, FRONTAL, SAGITTAL, VERTICAL_ONLY, compute_facing, compute_world_yaw
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
SIDES = ("left", "right")


@dataclass(frozen=True)
class MetricSpec:
    """What a kinematic series means and where it can be trusted."""

    unit: str
    views: frozenset[View]
    description: str


def _paired(base: str, unit: str, views: frozenset[View], description: str) -> dict[str, MetricSpec]:
    return {f"{base}_{side}": MetricSpec(unit, views, f"{description} ({side})") for side in SIDES}


METRICS: dict[str, MetricSpec] = {
    "trunk_inclination": MetricSpec("deg", SAGITTAL, "hip→shoulder line from vertical, side view"),
    "trunk_inclination_3d": MetricSpec("deg", ANY_VIEW, "hip→shoulder line from vertical, 3D"),
    "body_yaw": MetricSpec("deg", ANY_VIEW, "the body turned from the camera: 0 = front or back on, 90 = side on, 3D"),
    **_paired("hip_flexion", "deg", SAGITTAL, "180° minus the trunk–thigh angle, side view"),
    **_paired("hip_flexion_3d", "deg", ANY_VIEW, "180° minus the trunk–thigh angle, 3D"),
    **_paired("knee_flexion", "deg", SAGITTAL, "180° minus the thigh–shank angle, side view"),
    **_paired("knee_flexion_3d", "deg", ANY_VIEW, "180° minus the thigh–shank angle, 3D"),
    **_paired("tibia_inclination", "deg", SAGITTAL, "ankle→knee line from vertical"),
    **_paired("thigh_inclination", "deg", SAGITTAL, "knee→hip line from vertical"),
    **_paired("thigh_inclination_3d", "deg", ANY_VIEW, "knee→hip line from vertical, 3D"),
    "trunk_pitch": MetricSpec("deg", SAGITTAL, "hip→shoulder line from vertical, + = forward, - = back"),
    **_paired("arm_elevation_3d", "deg", ANY_VIEW, "upper arm against the shoulder→hip line, 3D (hanging ≈ 9)"),
    "trunk_length": MetricSpec("ratio", SAGITTAL, "hip→shoulder distance over its upright length"),
    "back_bend": MetricSpec("deg", SAGITTAL, "bend of the back's outline between hip and shoulder, + = rounded"),
    **_paired("ankle_dorsiflexion", "deg", SAGITTAL, "shank to foot angle minus 90°"),
    **_paired("heel_height", "leg", SAGITTAL, "heel rise above its flat-foot level"),
    **_paired("foot_visibility", "ratio", SAGITTAL, "the lower of the heel's and toe's visibility (0-1)"),
    "posterior_hip_shift": MetricSpec("leg", SAGITTAL, "hips behind the ankles"),
    "hand_reach": MetricSpec("leg", SAGITTAL, "the more forward wrist ahead of the ankles, along the facing direction"),
    **_paired("knee_fppa", "deg", FRONTAL, "frontal plane projection angle, + = valgus"),
    "pelvic_obliquity": MetricSpec("deg", FRONTAL, "hip line from horizontal, + = left hip higher"),
    "shoulder_tilt": MetricSpec("deg", FRONTAL, "shoulder line from horizontal, + = left higher"),
    "lateral_hip_shift": MetricSpec("leg", FRONTAL, "hips beside the ankles, + = towards the left"),
    "trunk_lateral_lean": MetricSpec("deg", FRONTAL, "trunk from vertical in the image, + = towards the left"),
    "hip_height": MetricSpec("ratio", VERTICAL_ONLY, "hips above the ankles over standing leg length"),
}
"""Every series :func:`compute_kinematics` returns, besides the ``*_velocity`` series."""

VELOCITY_OF = (
    "trunk_inclination",
    "trunk_inclination_3d",
    "hip_flexion_left",
    "hip_flexion_right",
    "knee_flexion_left",
    "knee_flexion_right",
    "knee_flexion_3d_left",
    "knee_flexion_3d_right",
    "arm_elevation_3d_left",
    "arm_elevation_3d_right",
    "hip_height",
)
"""Series whose time derivative is also returned, as ``<name>_velocity`` (unit per second)."""

SERIES_UNITS: dict[str, str] = {name: spec.unit for name, spec in METRICS.items()} | {
    f"{name}_velocity": f"{METRICS[name].unit}/s" for name in VELOCITY_OF
}
"""Unit of every series a :class:`Kinematics` holds, velocities included (offline and live alike)."""


@dataclass(frozen=True)
class BodyReference:
    """Clip-level constants the per-frame metrics are normalised by.

    Computed from the whole clip offline (:func:`compute_body_reference`) or
    from a calibration window when scoring live, so that every frame is
    measured against the same yardstick.
    """

    leg_length_px: float
    """Median thigh + shank length in pixels (the normaliser of offsets)."""
    near_side: str | None = None
    """``"left"`` or ``"right"`` when one side is clearly more visible (side views)."""
    heel_baseline: dict[str, float] = field(default_factory=dict)
    """Flat-foot heel-minus-toe height per side, in leg lengths."""
    trunk_length_px: float = float("nan")
    """Upright hip→shoulder distance in pixels (90th percentile over the clip)."""


@dataclass(frozen=True)
class Kinematics:
    """Named per-frame series (T,), their units, and the reference they were measured with."""

    timestamps: FloatArray
    series: dict[str, FloatArray]
    units: dict[str, str]
    reference: BodyReference | None = None

    def valid(self, name: str, view: View) -> bool:
        """Return whether series ``name`` can be read in ``view`` (velocities follow their angle)."""
        spec = METRICS.get(name.removesuffix("_velocity"))
        return spec is not None and view in spec.views

    def angle(self, base: str, view: View, frames: slice = slice(None)) -> FloatArray:
        """Return a sagittal angle as ``view`` allows it: from the image in side views, from 3D elsewhere.

        Parameters
        ----------
        base : str
            ``"trunk_inclination"`` or a paired angle such as ``"knee_flexion"``
            (then the larger of the two sides, frame by frame, ignoring NaN).
        view : View
            The clip's camera view.
        frames : slice
            The frames wanted (slicing first keeps per-rep reads cheap).
        """
        suffix = "" if view in SAGITTAL else "_3d"
        if base == "trunk_inclination":
            return self.series[base + suffix][frames]
        return np.fmax(self.series[f"{base}{suffix}_left"][frames], self.series[f"{base}{suffix}_right"][frames])


def compute_forward_lean(kin: Kinematics, view: View) -> FloatArray:
    """Return the trunk's lean forward from vertical (deg), a lean backwards counting as upright (0).

    Notes
    -----
    From the side the image's trunk pitch is signed by the way the patient
    faces (``trunk_pitch``); elsewhere only the unsigned 3D inclination is
    known. An unsigned angle rises again when the trunk passes vertical and
    leans back: a lifter who leans back at lockout, or a camera rolled by
    10°, made every lockout a small excursion of its own, and a set of ten
    lifts read as nineteen (EVALUATION.md §64).
    """
    if view in SAGITTAL:
        return np.asarray(np.clip(kin.series["trunk_pitch"], 0.0, None))
    return kin.series["trunk_inclination_3d"]


def compute_arm_elevation(kin: Kinematics, frames: slice) -> FloatArray:
    """Return the higher arm's elevation against the shoulder→hip line over ``frames`` (deg, 3D in every view)."""
    return np.fmax(kin.series["arm_elevation_3d_left"][frames], kin.series["arm_elevation_3d_right"][frames])


_SMALL_REDUCE = 1024
"""Arrays up to this many values are summed with one ``np.add.reduce`` call."""


def _sum_last(values: FloatArray) -> FloatArray:
    """Sum over the last axis, component by component: a reduction over a short strided axis is several times slower.

    The components are added left to right, as ``np.add.reduce`` adds so few, so the sums are the same. A
    small array (one live frame) is reduced directly: there the ufunc call, not the stride, is the cost.
    """
    if values.size <= _SMALL_REDUCE:
        return np.asarray(np.add.reduce(values, axis=-1))
    total = values[..., 0].copy()
    for k in range(1, values.shape[-1]):
        total += values[..., k]
    return total


def _angle_between(u: FloatArray, v: FloatArray) -> FloatArray:
    """Angle (deg) between vectors along the last axis: ``np.sum``/``norm``/``clip``'s ufuncs, without wrappers."""
    dot = _sum_last(u * v)
    norm = np.sqrt(_sum_last(u * u)) * np.sqrt(_sum_last(v * v))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.degrees(np.arccos(np.minimum(np.maximum(dot / norm, -1.0), 1.0))))


def compute_joint_angle(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Angle ABC at ``b`` in degrees for (T, D) point arrays (180 = straight)."""
    return _angle_between(a - b, c - b)


def compute_inclination(lower: FloatArray, upper: FloatArray, up: tuple[float, ...] = (0.0, -1.0)) -> FloatArray:
    """Angle of the segment lower→upper from vertical in degrees (0 = upright).

    ``up`` is the upward direction: image y points down, so the default is
    ``(0, -1)``; for MediaPipe world landmarks (y down) use ``(0, -1, 0)``.
    """
    return _angle_between(upper - lower, np.broadcast_to(np.asarray(up), upper.shape))


FPPA_MIN_SEGMENT = 0.3
"""Thigh and shank must each show 0.3 leg lengths (≈ 60 % of their own) for the FPPA to be read."""


def compute_leg_series(points: FloatArray, side: str) -> FloatArray:
    """Thigh + shank length of one leg on every frame of (T, 33, D) points (NaN where a joint is missing)."""
    hip, knee, ankle = (points[:, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
    thigh, shank = hip - knee, knee - ankle
    return np.asarray(np.sqrt(_sum_last(thigh * thigh)) + np.sqrt(_sum_last(shank * shank)))


def compute_leg_length(px: FloatArray) -> float:
    """Median thigh + shank length over both legs and all frames (NaN when never seen)."""
    values = np.concatenate([compute_leg_series(px, side) for side in SIDES])
    return float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")


def _heel_rise(px: FloatArray, side: str, leg: float) -> FloatArray:
    """Heel above the toes in leg lengths (image y points down)."""
    return np.asarray((px[:, IDX[f"{side}_foot_index"], 1] - px[:, IDX[f"{side}_heel"], 1]) / leg)


def compute_body_reference(pose: PoseSequence, moving: slice | BoolArray = slice(None)) -> BodyReference:
    """Measure the clip-level yardstick: leg length, near side and flat-foot heel level.

    Parameters
    ----------
    pose : PoseSequence
        The (filtered) landmarks.
    moving : slice or ndarray of bool
        A set's excursions (:func:`~movequal.core.view_frames.find_set_frames`):
        the near side is the side seen better over them.

    Notes
    -----
    The flat-foot heel level is the 20th percentile of the heel-over-toe
    height: the foot is flat for most of any squat or lift, so a rise above
    that level is a heel lift, whatever the camera's tilt. The near side is
    chosen over the set's excursions: ten seconds of waiting turned the other
    way before an oblique set tipped the vote over the whole clip, and with it
    every hip-height reading.
    """
    px = pose.image_pixels()
    leg = compute_leg_length(px)
    baseline = {}
    for side in SIDES:
        rise = _heel_rise(px, side, leg)
        baseline[side] = float(np.nanpercentile(rise, 20)) if np.isfinite(rise).any() else 0.0
    near = choose_near_side(pose.visibility, moving)
    shoulders = compute_midpoint(px, "left_shoulder", "right_shoulder", near)
    trunk = np.linalg.norm(shoulders - compute_midpoint(px, "left_hip", "right_hip", near), axis=1)
    upright = float(np.nanpercentile(trunk, 90)) if np.isfinite(trunk).any() else float("nan")
    return BodyReference(leg_length_px=leg, near_side=near, heel_baseline=baseline, trunk_length_px=upright)


def compute_kinematics(
    pose: PoseSequence, reference: BodyReference | None = None, view: View | None = None
) -> Kinematics:
    """Compute every series of :data:`METRICS` plus velocities for a (filtered) sequence.

    Parameters
    ----------
    pose : PoseSequence
        Landmarks, ideally filtered (:func:`movequal.core.filtering.filter_pose`).
    reference : BodyReference, optional
        Yardstick to measure with; computed from ``pose`` itself when omitted
        (offline). Live scoring passes the one from its calibration window.
    view : View, optional
        When given, image series that are not valid in this view are not
        computed but NaN (the live path saves the time; offline, every series
        is computed so the exports show them all).

    Returns
    -------
    Kinematics
        Series of shape (T,), NaN where a landmark they need is missing.
    """
    ref = reference or compute_body_reference(pose)
    px = pose.image_pixels()
    series = _world_series(pose.world) | _hip_height(px, ref)
    for family, views in ((_sagittal_series, SAGITTAL), (_frontal_series, FRONTAL)):
        if view is None or view in views:
            series |= family(px, ref)
    if view is None or view in SAGITTAL:
        series |= _foot_visibility(pose.visibility)
    if view is None or view not in SAGITTAL:
        series |= _world_thighs(pose.world)
    nan = np.full(len(pose), np.nan)
    series |= {name: nan for name in METRICS if name not in series}
    series["back_bend"] = pose.back_bend
    velocities = compute_velocities(series, pose.timestamps, VELOCITY_OF)
    return Kinematics(pose.timestamps, series | velocities, dict(SERIES_UNITS), ref)


def _sagittal_series(px: FloatArray, ref: BodyReference) -> dict[str, FloatArray]:
    hips = compute_midpoint(px, "left_hip", "right_hip", ref.near_side)
    shoulders = compute_midpoint(px, "left_shoulder", "right_shoulder", ref.near_side)
    ankles = compute_midpoint(px, "left_ankle", "right_ankle", ref.near_side)
    facing = compute_facing(px)
    trunk = shoulders - hips
    out = {
        "trunk_inclination": compute_inclination(hips, shoulders),
        "trunk_pitch": np.asarray(np.degrees(np.arctan2(facing * trunk[:, 0], -trunk[:, 1]))),
        "trunk_length": np.asarray(np.linalg.norm(trunk, axis=1) / ref.trunk_length_px),
    }
    for side in SIDES:
        sh, hip, knee, ankle, heel, toe = (
            px[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")
        )
        out[f"hip_flexion_{side}"] = 180.0 - compute_joint_angle(sh, hip, knee)
        out[f"knee_flexion_{side}"] = 180.0 - compute_joint_angle(hip, knee, ankle)
        out[f"tibia_inclination_{side}"] = compute_inclination(ankle, knee)
        out[f"thigh_inclination_{side}"] = compute_inclination(knee, hip)
        out[f"ankle_dorsiflexion_{side}"] = 90.0 - _angle_between(knee - ankle, toe - heel)
        rise = _heel_rise(px, side, ref.leg_length_px)
        out[f"heel_height_{side}"] = rise - ref.heel_baseline.get(side, 0.0)
    out["posterior_hip_shift"] = np.asarray(-facing * (hips[:, 0] - ankles[:, 0]) / ref.leg_length_px)
    wrists = px[:, [IDX["left_wrist"], IDX["right_wrist"]], 0]
    out["hand_reach"] = np.fmax.reduce(facing * (wrists - ankles[:, :1]), axis=1) / ref.leg_length_px
    return out


def _signed_tilt(px: FloatArray, left: str, right: str) -> FloatArray:
    """Angle of the right→left line from horizontal, + when the left point is higher."""
    d = px[:, IDX[left]] - px[:, IDX[right]]
    return np.asarray(np.degrees(np.arctan2(-d[:, 1], np.abs(d[:, 0]))))


def _frontal_series(px: FloatArray, ref: BodyReference) -> dict[str, FloatArray]:
    # The subject's left in the image: the direction from the right hip to the left hip.
    lateral = np.sign(px[:, IDX["left_hip"], 0] - px[:, IDX["right_hip"], 0])
    hips = compute_midpoint(px, "left_hip", "right_hip")
    shoulders = compute_midpoint(px, "left_shoulder", "right_shoulder")
    ankles = compute_midpoint(px, "left_ankle", "right_ankle")
    lean = np.degrees(np.arctan2(lateral * (shoulders[:, 0] - hips[:, 0]), hips[:, 1] - shoulders[:, 1]))
    out = {
        "pelvic_obliquity": _signed_tilt(px, "left_hip", "right_hip"),
        "shoulder_tilt": _signed_tilt(px, "left_shoulder", "right_shoulder"),
        "lateral_hip_shift": np.asarray(lateral * (hips[:, 0] - ankles[:, 0]) / ref.leg_length_px),
        "trunk_lateral_lean": np.asarray(lean),
    }
    for side, outward in (("left", 1.0), ("right", -1.0)):
        hip, knee, ankle = (px[:, IDX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        deviation = 180.0 - compute_joint_angle(hip, knee, ankle)
        # Where the knee sits against the hip–ankle line: towards the midline is valgus (+).
        along = ankle - hip
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.sum((knee - hip) * along, axis=1) / np.sum(along * along, axis=1)
        offset = (knee - (hip + t[:, None] * along))[:, 0] * lateral * outward
        fppa = np.where(offset < 0, deviation, -deviation)
        # A thigh or shank pointing at the camera (deep squat, a lunge's back leg) is foreshortened and
        # its projection angle meaningless: keep frames where both show at least 60 % of their length.
        shortest = np.fmin(np.linalg.norm(knee - hip, axis=1), np.linalg.norm(ankle - knee, axis=1))
        out[f"knee_fppa_{side}"] = np.asarray(np.where(shortest >= FPPA_MIN_SEGMENT * ref.leg_length_px, fppa, np.nan))
    return out


def _world_series(world: FloatArray) -> dict[str, FloatArray]:
    up = (0.0, -1.0, 0.0)
    hips = compute_midpoint(world, "left_hip", "right_hip")
    shoulders = compute_midpoint(world, "left_shoulder", "right_shoulder")
    out = {"trunk_inclination_3d": compute_inclination(hips, shoulders, up), "body_yaw": compute_world_yaw(world)}
    for side in SIDES:
        sh, hip, knee, ankle, elbow = (
            world[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle", "elbow")
        )
        out[f"arm_elevation_3d_{side}"] = compute_joint_angle(elbow, sh, hip)
        out[f"hip_flexion_3d_{side}"] = 180.0 - compute_joint_angle(sh, hip, knee)
        out[f"knee_flexion_3d_{side}"] = 180.0 - compute_joint_angle(hip, knee, ankle)
    return out


def _world_thighs(world: FloatArray) -> dict[str, FloatArray]:
    """Thigh inclination from the 3D landmarks, both sides in one call (used outside side views)."""
    knees = world[:, [IDX[f"{side}_knee"] for side in SIDES]]
    hips = world[:, [IDX[f"{side}_hip"] for side in SIDES]]
    angles = compute_inclination(knees, hips, (0.0, -1.0, 0.0))
    return {f"thigh_inclination_3d_{side}": np.ascontiguousarray(angles[:, i]) for i, side in enumerate(SIDES)}


def _foot_visibility(visibility: FloatArray) -> dict[str, FloatArray]:
    """Return the lower of the heel's and the toe's visibility per frame and side: how surely the foot is seen."""
    return {
        f"foot_visibility_{side}": np.asarray(
            np.fmin(visibility[:, IDX[f"{side}_heel"]], visibility[:, IDX[f"{side}_foot_index"]]), dtype=np.float64
        )
        for side in SIDES
    }


def _hip_height(px: FloatArray, ref: BodyReference) -> dict[str, FloatArray]:
    hips = compute_midpoint(px, "left_hip", "right_hip", ref.near_side)
    ankles = compute_midpoint(px, "left_ankle", "right_ankle", ref.near_side)
    return {"hip_height": np.asarray((ankles[:, 1] - hips[:, 1]) / ref.leg_length_px)}
