"""Body dimensions and the geometry that turns joint positions into 33 landmarks.

Coordinates are in the *body frame*, metres: column 0 points where the subject
faces (forward), column 1 up (floor at 0), column 2 towards the subject's left.
This frame is left-handed, so no cross products are used in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.core.spine import chord_table, compute_bend_for_chord_angle
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import NUM_LANDMARKS

FloatArray = NDArray[np.float64]
FWD, UP, LEFT = 0, 1, 2

# Segment lengths as fractions of body height H, from Winter DA, "Biomechanics and Motor
# Control of Human Movement", 4th ed. (2009), ch. 4, Fig. 4.1 (after Drillis & Contini):
# hip→knee 0.245, knee→ankle 0.246, foot 0.152, ankle height 0.039, hip width 0.191,
# shoulder width 0.259, shoulder→elbow 0.186, elbow→wrist 0.146, hand 0.108, hip height
# 0.530, shoulder height 0.818 (so hip→shoulder 0.288). Joint centres sit inside the body
# outline: hip joints ~0.11 H apart, shoulder joints ~0.20 H apart.
THIGH, SHANK, FOOT, ANKLE_H = 0.245, 0.246, 0.152, 0.039
HEEL_BACK = 0.042
"""Heel landmark behind the ankle joint (fraction of H); the toe tip is FOOT - HEEL_BACK ahead."""
HIP_HALF, SHOULDER_HALF = 0.055, 0.100
"""Hip joint → L5/S1, the lumbar arc and L1 → shoulder joint line: 0.288 H in all."""
UPPER_ARM, FOREARM, HAND = 0.186, 0.146, 0.108
NECK_HEAD = 0.115
"""Shoulder mid-point → centre of the head (between the ears)."""

# Segment masses (fraction of body mass) and centre-of-mass positions from the proximal end,
# Winter (2009) Table 4.1 (after Dempster): foot 0.0145, leg 0.0465 (COM 0.433 from the knee),
# thigh 0.100 (0.433 from the hip), head-arms-trunk 0.678 (0.626 of hip→shoulder from the hip).
M_FOOT, M_SHANK, M_THIGH, M_HAT = 0.0145, 0.0465, 0.100, 0.678
C_LIMB, C_HAT = 0.433, 0.626

# Face points in the head frame (forward, up, left), fractions of H.
FACE: dict[str, tuple[float, float, float]] = {
    "nose": (0.058, -0.005, 0.0),
    "left_eye_inner": (0.050, 0.012, 0.009),
    "left_eye": (0.047, 0.013, 0.018),
    "left_eye_outer": (0.042, 0.012, 0.027),
    "left_ear": (0.000, 0.005, 0.042),
    "mouth_left": (0.050, -0.030, 0.014),
}


@dataclass(frozen=True)
class Body:
    """Segment lengths of one subject in metres (fractions from the module constants)."""

    height: float
    thigh: float
    shank: float
    foot: float
    ankle_h: float
    heel_back: float
    hip_half: float
    shoulder_half: float
    upper_arm: float
    forearm: float
    hand: float
    neck_head: float

    @classmethod
    def of_height(cls, height: float) -> Body:
        """Scale Winter's fractions to a body of ``height`` metres."""
        h = height
        return cls(
            height=h,
            thigh=THIGH * h,
            shank=SHANK * h,
            foot=FOOT * h,
            ankle_h=ANKLE_H * h,
            heel_back=HEEL_BACK * h,
            hip_half=HIP_HALF * h,
            shoulder_half=SHOULDER_HALF * h,
            upper_arm=UPPER_ARM * h,
            forearm=FOREARM * h,
            hand=HAND * h,
            neck_head=NECK_HEAD * h,
        )

    @property
    def leg(self) -> float:
        """Thigh + shank, the unit of normalised positions."""
        return self.thigh + self.shank


def unit(v: FloatArray) -> FloatArray:
    """Normalise vectors along the last axis."""
    return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True))


def dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """Row-wise dot product along the last axis, keeping it as a length-1 axis."""
    return np.asarray(np.sum(a * b, axis=-1, keepdims=True))


@dataclass(frozen=True)
class JointCircle:
    """Circle a limb's middle joint can lie on (about the root–end axis), arrays (T, 3) and (T, 1).

    ``point(swivel)`` is the joint turned ``swivel`` radians from the pole
    direction ``n0`` towards ``m0`` (the subject's right).
    """

    centre: FloatArray
    radius: FloatArray
    n0: FloatArray
    m0: FloatArray

    def point(self, swivel: FloatArray | float = 0.0) -> FloatArray:
        """Return the joint position for a swivel angle (radians, scalar or (T,))."""
        psi = np.asarray(swivel, dtype=np.float64)
        if not np.any(psi != 0):
            return np.asarray(self.centre + self.radius * self.n0)
        psi = np.broadcast_to(psi, self.centre.shape[:-1])[..., None]
        return np.asarray(self.centre + self.radius * (np.cos(psi) * self.n0 + np.sin(psi) * self.m0))


def joint_circle(root: FloatArray, end: FloatArray, upper: float, lower: float, pole: FloatArray) -> JointCircle:
    """Where the middle joint of a two-segment limb (knee, elbow) can be, for (T, 3) end points.

    Parameters
    ----------
    root, end : ndarray
        Hip and ankle (or shoulder and wrist).
    upper, lower : float
        Lengths root→joint and joint→end.
    pole : ndarray, shape (T, 3) or (3,)
        Direction the joint bends towards (forward for a knee).

    Notes
    -----
    Lengths are exact while the end is within reach; beyond it the joint lies
    on the straight line (radius 0).
    """
    axis = end - root
    dist = np.clip(np.linalg.norm(axis, axis=-1, keepdims=True), abs(upper - lower) + 1e-9, upper + lower)
    a = axis / dist
    along = (upper**2 - lower**2 + dist**2) / (2.0 * dist)
    radius = np.sqrt(np.clip(upper**2 - along**2, 0.0, None))
    pole = np.broadcast_to(pole, a.shape)
    n0 = unit(pole - dot(pole, a) * a)
    right = np.zeros_like(a)
    right[..., LEFT] = -1.0
    m0 = unit(right - dot(right, a) * a - dot(right, n0) * n0)
    return JointCircle(centre=root + along * a, radius=radius, n0=n0, m0=m0)


def two_link(root: FloatArray, end: FloatArray, upper: float, lower: float, pole: FloatArray) -> FloatArray:
    """Return the middle joint of a two-segment limb bent towards ``pole`` (see :func:`joint_circle`)."""
    return joint_circle(root, end, upper, lower, pole).point()


def foot_points(toe: FloatArray, pitch: FloatArray, body: Body) -> tuple[FloatArray, FloatArray]:
    """Ankle and heel of a foot pivoting on its toe tip, shapes (T, 3).

    ``pitch`` (radians, (T,)) raises the heel: the heel landmark rises by
    ``foot * sin(pitch)``. With ``pitch == 0`` heel and toe are on the floor.
    """
    c, s = np.cos(pitch), np.sin(pitch)
    to_ankle, height = body.foot - body.heel_back, body.ankle_h
    ankle, heel = toe.copy(), toe.copy()
    ankle[:, FWD] += -to_ankle * c + height * s
    ankle[:, UP] += to_ankle * s + height * c
    heel[:, FWD] += -body.foot * c
    heel[:, UP] += body.foot * s
    return ankle, heel


def lumbar_bend_for(chord_angle: FloatArray) -> FloatArray:
    """Lumbar arc bend (radians) whose hip→shoulder chord leans ``chord_angle`` from the pelvis axis.

    Notes
    -----
    See :mod:`movequal.core.spine` for the trunk model shared with the scoring core.
    """
    return compute_bend_for_chord_angle(chord_angle)


def trunk_chord(pelvis_tilt: FloatArray, bend: FloatArray, body: Body) -> FloatArray:
    """Hip-mid → shoulder-mid vector in the sagittal plane, (T, 2) as (forward, up) metres."""
    lam, angle, length = chord_table()
    theta = pelvis_tilt + np.interp(bend, lam, angle)
    chord = np.interp(bend, lam, length) * body.height
    return np.stack([chord * np.sin(theta), chord * np.cos(theta)], axis=1)


def place_face(points: FloatArray, shoulder_mid: FloatArray, head_angle: FloatArray, body: Body) -> None:
    """Write the 11 face landmarks into ``points`` (T, 33, 3); ``head_angle`` tips the head forward (rad)."""
    up = np.stack([np.sin(head_angle), np.cos(head_angle)], axis=1)
    fwd = np.stack([np.cos(head_angle), -np.sin(head_angle)], axis=1)
    centre = shoulder_mid.copy()
    centre[:, :2] += body.neck_head * up
    for name, (f, u, side) in FACE.items():
        for mirror, label in ((1.0, name), (-1.0, name.replace("left", "right"))):
            p = centre.copy()
            p[:, :2] += body.height * (f * fwd + u * up)
            p[:, LEFT] += mirror * side * body.height
            points[:, IDX[label]] = p


def place_hands(points: FloatArray, side: str, elbow: FloatArray, wrist: FloatArray, body: Body) -> None:
    """Write wrist, pinky, index and thumb of one side; the hand continues the forearm, thumb forwards or up."""
    d = unit(wrist - elbow)
    fwd = np.zeros_like(d)
    fwd[:, FWD] = 1.0
    up = np.zeros_like(d)
    up[:, UP] = 1.0
    across = fwd - dot(fwd, d) * d
    alt = up - dot(up, d) * d
    across = unit(np.where(np.linalg.norm(across, axis=1, keepdims=True) > 0.3, across, alt))
    hand = body.hand
    points[:, IDX[f"{side}_elbow"]] = elbow
    points[:, IDX[f"{side}_wrist"]] = wrist
    points[:, IDX[f"{side}_index"]] = wrist + hand * (0.45 * d + 0.15 * across)
    points[:, IDX[f"{side}_pinky"]] = wrist + hand * (0.42 * d - 0.20 * across)
    points[:, IDX[f"{side}_thumb"]] = wrist + hand * (0.25 * d + 0.30 * across)


def empty_points(n: int) -> FloatArray:
    """Return a (n, 33, 3) array of NaN to fill."""
    return np.full((n, NUM_LANDMARKS, 3), np.nan)
