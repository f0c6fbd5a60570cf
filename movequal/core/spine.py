"""A geometric model of the trunk in the sagittal plane: pelvis, lumbar arc, thorax.

MediaPipe has landmarks at the hip joints and the shoulders but none on the
spine, so how much of a forward bend happens in the lumbar spine must be
inferred from what the hip→shoulder line does. This model links the two: a
rigid pelvis segment from the hip joints to L5/S1, a lumbar arc of constant
curvature, and a rigid thorax up to the shoulder joints, with lengths as
fractions of body height (Winter, *Biomechanics and Motor Control of Human
Movement*, 4th ed., table 4.1, split at L5/S1 and T12/L1). Bending the arc by
λ turns the thorax by λ but the hip→shoulder chord by only about 0.6 λ, and
shortens the chord (by about 10 % at λ = 60°). The synthetic generator builds
trunks with it, and :func:`movequal.core.compensations.metrics.compute_hip_share`
inverts it.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

PELVIS, LUMBAR, THORAX = 0.060, 0.100, 0.128
"""Segment lengths over body height: hip joints → L5/S1, lumbar arc, T12/L1 → shoulder joints."""
MAX_BEND_RAD = np.radians(170.0)


@cache
def chord_table() -> tuple[FloatArray, FloatArray, FloatArray]:
    """Lumbar bend λ (rad) → chord angle from the pelvis axis (rad) and chord length over height."""
    lam = np.linspace(0.0, MAX_BEND_RAD, 6801)
    with np.errstate(invalid="ignore", divide="ignore"):
        arc_fwd = np.where(lam > 1e-9, LUMBAR * (1 - np.cos(lam)) / lam, 0.0)
        arc_up = np.where(lam > 1e-9, LUMBAR * np.sin(lam) / lam, LUMBAR)
    fwd = arc_fwd + THORAX * np.sin(lam)
    up = PELVIS + arc_up + THORAX * np.cos(lam)
    return lam, np.arctan2(fwd, up), np.hypot(fwd, up)


def compute_bend_for_chord_angle(chord_angle: FloatArray) -> FloatArray:
    """Lumbar bend (rad) that leans the chord ``chord_angle`` (rad) from the pelvis axis.

    Notes
    -----
    Chord angles beyond the table (about 124°, λ = 170°) are clipped.
    """
    lam, angle, _ = chord_table()
    return np.asarray(np.interp(chord_angle, angle, lam))


def compute_chord_angle_for_length(ratio: float) -> float:
    """Chord lean (rad) produced by the lumbar bend that shortens the chord to ``ratio`` of upright.

    Returns NaN when ``ratio`` is shorter than the model can bend to.
    """
    _, angle, length = chord_table()
    relative = length / length[0]
    if not np.isfinite(ratio) or ratio < relative[-1]:
        return float("nan")
    # ``relative`` falls monotonically with λ: interpolate on the reversed arrays.
    return float(np.interp(min(ratio, 1.0), relative[::-1], angle[::-1]))
