"""Angular speed of a rep's driver angle in its two phases, and their smoothness (SPARC).

Split from :mod:`.metrics` so that one rep (:func:`compute_phase_speeds`) and
all reps of a set (:func:`compute_phase_speeds_many`) read the same driver
series the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Movement, View
from movequal.core.kinematics import Kinematics
from movequal.core.movement_registry import get_profile
from movequal.core.reps import RepWindow
from movequal.core.smoothness import compute_sparc_many

FloatArray = NDArray[np.float64]

PhaseSpeeds = tuple[FloatArray, FloatArray, float]
"""Descent and ascent angular velocity of the driver angle, and the frame rate (see :func:`compute_phase_speeds`)."""


def driver_velocity(kin: Kinematics, movement: Movement, view: View, sl: slice = slice(None)) -> FloatArray:
    """Angular velocity of the movement's driver angle over ``sl`` (deg/s).

    The driver angle is the trunk for trunk-driven movements (lifts and
    bends), the arm for reaches, the knee otherwise (the near side in a side
    view, the faster side frame by frame where both are seen alike).
    """
    profile = get_profile(movement)
    if profile.trunk_driven:
        name = "trunk_inclination" if kin.valid("trunk_inclination", view) else "trunk_inclination_3d"
    else:
        joint = "arm_elevation" if profile.arms_driven else "knee_flexion"
        name = f"{joint}_left" if kin.valid(f"{joint}_left", view) else f"{joint}_3d_left"
    velocity = kin.series[f"{name}_velocity"][sl]
    if name.endswith("_left"):
        right = kin.series[f"{name.removesuffix('_left')}_right_velocity"][sl]
        near = kin.reference.near_side if kin.reference is not None else None
        if near == "right":
            velocity = right
        elif near is None:  # both sides seen alike: the faster one, either where the other is missing
            velocity = np.where(np.isnan(velocity) | (np.abs(right) > np.abs(velocity)), right, velocity)
    return velocity


def split_phases(velocity: FloatArray, t: FloatArray, window: RepWindow) -> PhaseSpeeds:
    """Descent and ascent of a rep's driver velocity (``velocity`` and ``t`` over the rep), and its frame rate."""
    fs = (t.size - 1) / max(float(t[-1] - t[0]), 1e-9) if t.size > 1 else 30.0
    if window.reference is not None:  # from the floor: the pull is the ascent, the lowering the descent
        r = window.reference - window.start
        return velocity[r:], velocity[: r + 1], fs
    b = window.bottom - window.start
    return velocity[: b + 1], velocity[b:], fs


def compute_phase_speeds(kin: Kinematics, movement: Movement, view: View, window: RepWindow) -> PhaseSpeeds:
    """Angular velocity of the movement's driver angle in the descent and in the ascent, and the frame rate."""
    sl = slice(window.start, window.end + 1)
    return split_phases(driver_velocity(kin, movement, view, sl), kin.timestamps[sl], window)


def compute_phase_speeds_many(
    kin: Kinematics, movement: Movement, view: View, windows: Sequence[RepWindow]
) -> list[PhaseSpeeds]:
    """:func:`compute_phase_speeds` of every rep, the driver's velocity chosen once for the whole clip.

    The choice between the sides is frame by frame, so choosing over the clip
    and then cutting out each rep gives the same values as per rep.
    """
    velocity, t = driver_velocity(kin, movement, view), kin.timestamps
    return [split_phases(velocity[w.start : w.end + 1], t[w.start : w.end + 1], w) for w in windows]


def compute_rep_sparc(descent: FloatArray, ascent: FloatArray, fs: float) -> float:
    """SPARC of the worse phase.

    Notes
    -----
    Speed falls to zero at the turning point, so a whole rep is two
    sub-movements by construction: smoothness is measured per phase and the
    worse (more negative) phase kept; a phase that cannot be measured is
    ignored.
    """
    values = compute_sparc_many([np.abs(descent), np.abs(ascent)], fs)
    return float(np.fmin(values[0], values[1]))
