"""Time base of a synthetic clip and smooth progress profiles of its reps.

A clip is ``pause, rep, pause, rep, ..., rep, pause``. Within a rep the phase
``u`` runs from 0 (start) to 1 (end) with the bottom at ``u = 0.5``. Joint
angles follow *progress* signals in [0, 1] (0 = resting posture, 1 = bottom)
shaped by a minimum-jerk polynomial, so velocity and acceleration are zero at
rest and at the bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.spec import SyntheticSpec

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

HESITATION_DEPTH = 0.95
"""A hesitation slows the movement to 5 % of its speed at the dip's centre."""


@dataclass(frozen=True)
class Timeline:
    """Frame times and where each frame sits in the rep structure.

    ``rep`` is the rep index of each frame (-1 in pauses) and ``u`` its phase
    within that rep (0 in pauses); ``windows`` holds ``(start, bottom, end)``
    frame indices per rep.
    """

    t: FloatArray
    rep: IntArray
    u: FloatArray
    windows: list[tuple[int, int, int]]


def build_timeline(spec: SyntheticSpec) -> Timeline:
    """Lay out ``spec.reps`` reps separated by ``spec.pause_s`` pauses at ``spec.fps``.

    A ``spec.bottom_pause_s`` holds ``u`` at 0.5 (the turning point) for that long in the middle of each rep;
    a rep's bottom frame is then the middle of its pause.
    """
    n = spec.n_frames
    t = np.arange(n, dtype=np.float64) / spec.fps
    moving, held = spec.moving_seconds, spec.bottom_pause_s
    period = spec.rep_seconds + spec.pause_s
    local = t - spec.pause_s
    rep = np.floor(local / period).astype(np.int64)
    within = local - rep * period
    inside = (local >= 0) & (rep < spec.reps) & (within < spec.rep_seconds)
    if held > 0:  # the clock of the movement stops at the turning point while the pause lasts
        within = np.where(within < moving / 2, within, np.maximum(within - held, moving / 2))
    u = np.where(inside, within / moving, 0.0)
    rep = np.where(inside, rep, -1)
    windows = []
    for r in range(spec.reps):
        start = spec.pause_s + r * period
        frames = (round(start * spec.fps), round((start + (moving + held) / 2) * spec.fps))
        end = min(round((start + spec.rep_seconds) * spec.fps), n - 1)
        windows.append((int(frames[0]), int(frames[1]), int(end)))
    return Timeline(t=t, rep=rep, u=u, windows=windows)


def min_jerk(x: FloatArray) -> FloatArray:
    """Minimum-jerk step ``10x³ - 15x⁴ + 6x⁵`` of ``x`` clipped to [0, 1]."""
    x = np.clip(x, 0.0, 1.0)
    return np.asarray(x**3 * (10.0 - 15.0 * x + 6.0 * x**2))


def hesitation_warp(x: FloatArray, count: int) -> FloatArray:
    """Warp a phase ``x`` in [0, 1] so its speed dips ``count`` times.

    Notes
    -----
    The speed of the warped phase is ``1 - 0.95 * sum(bumps)``, raised-cosine
    bumps centred at ``k / (count + 1)``, integrated in closed form and
    rescaled to end at 1. Fed into :func:`min_jerk`, each dip becomes a brief
    near-stop of the joint angles (a stop-start hesitation) without changing
    where the movement starts or ends.
    """
    if count <= 0:
        return x
    half = min(0.1, 0.4 / (count + 1))

    def integral(v: FloatArray | float) -> FloatArray:
        total = np.asarray(v, dtype=np.float64).copy()
        for k in range(1, count + 1):
            z = np.clip((np.asarray(v) - k / (count + 1)) / half, -1.0, 1.0)
            total -= HESITATION_DEPTH * half * (z + 1.0 + np.sin(np.pi * z) / np.pi) / 2.0
        return total

    return np.asarray(integral(x) / integral(1.0))


def half_phases(u: FloatArray, rep: IntArray) -> tuple[FloatArray, FloatArray]:
    """Split the rep phase into descent ``x`` and ascent ``y``, each 0→1 over its half.

    Outside the descent ``x`` is 0 (before) or 1 (after); likewise ``y``.
    In pauses both are 0 and the caller treats the frame as resting.
    """
    inside = rep >= 0
    x = np.where(inside, np.clip(2.0 * u, 0.0, 1.0), 0.0)
    y = np.where(inside, np.clip(2.0 * u - 1.0, 0.0, 1.0), 0.0)
    return x, y


def rep_progress(tl: Timeline, hesitations: int = 0, lead: float = 0.0) -> tuple[FloatArray, FloatArray]:
    """Leg and trunk progress (0 resting, 1 bottom) for a down-and-up movement.

    Parameters
    ----------
    tl : Timeline
        Time base.
    hesitations : int
        Velocity dips in each descent and each ascent (:func:`hesitation_warp`).
    lead : float
        Fraction (0–0.9) of the ascent by which the legs extend ahead of the
        trunk (``faults.hips_rise_first``).

    Returns
    -------
    legs, trunk : ndarray, shape (T,)
        Identical except in the ascent when ``lead`` > 0.
    """
    x, y = half_phases(tl.u, tl.rep)
    x = hesitation_warp(x, hesitations)
    y = hesitation_warp(y, hesitations)
    down = min_jerk(x)
    ascending = tl.u >= 0.5
    legs = np.where(ascending, 1.0 - min_jerk(y / (1.0 - lead)), down)
    trunk = np.where(ascending, 1.0 - min_jerk((y - lead) / (1.0 - lead)), down)
    resting = tl.rep < 0
    return np.where(resting, 0.0, legs), np.where(resting, 0.0, trunk)


def seated_progress(tl: Timeline, spec: SyntheticSpec, dwell: float = 0.08) -> FloatArray:
    """Rise progress of a sit-to-stand rep: 1 standing, 0 seated.

    Notes
    -----
    As in the chair-stand tests (and ``REPS.md``), the subject rests seated
    and a rep goes seated → standing → seated: stand up in the first half,
    stand for ``2 * dwell`` of the rep around ``u = 0.5`` (the rep's turning
    point) and sit down in the second half. Sitting down is the time reverse
    of standing up.
    """
    count = spec.faults.hesitations
    down = hesitation_warp(np.clip(tl.u / (0.5 - dwell), 0.0, 1.0), count)
    up = hesitation_warp(np.clip((tl.u - 0.5 - dwell) / (0.5 - dwell), 0.0, 1.0), count)
    rise = np.where(tl.u < 0.5, down, 1.0 - up)
    return np.where(tl.rep < 0, 0.0, rise)
