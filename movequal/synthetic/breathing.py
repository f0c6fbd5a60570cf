"""Planted breathing: the shoulders' vertical rise with each breath, and breath holds.

:class:`Breathing` describes quiet breathing as a train of breaths, each an
inspiration (a half-cosine rise) and a longer expiration (a half-cosine
fall back to the end-expiratory level), with optional breath-to-breath
variability of duration and depth, and breath holds during which the
breathing stops where it is. :func:`lift_shoulders` adds the rise to the
shoulders and both arms of body-frame landmarks (the arms hang from the
shoulder girdle, so they rise with it); the hips, legs and face stay put.

The balance-hold generator applies it when ``Balance.breathing`` is set
(:func:`movequal.synthetic.balance.record_balance`); with ``None``, the
default, nothing changes. Random draws use ``default_rng([seed,
BREATH_STREAM, k])``, apart from the sway's, the arm bursts' and the camera's
streams, so planting breathing never changes the sway or the noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import UP
from movequal.synthetic.gait import check

FloatArray = NDArray[np.float64]
BREATH_STREAM = 3
"""Stream of the breath-to-breath variability: ``default_rng([seed, BREATH_STREAM, 0])`` the durations, ``..., 1]``
the depths, so each breath's draw is the same whatever the clip's length."""
QUIET_EXCURSION_M = 0.004
"""Default peak-to-peak vertical rise of the upper chest and shoulders with a quiet breath (metres).

Notes
-----
De Groote et al. 1997 (J Appl Physiol 83:1531-1537; markers on the 3rd and
5th costal cartilages of five seated subjects, ELITE motion analyser) found
the upper rib cage moving mainly cranially and ventrally with tidal
inspiration, by 3-5 mm on average; 4 mm is the middle of that range. Clinical
texts note that the shoulders themselves barely move in quiet breathing, so
planting the rib cage's rise on the shoulder landmarks is an upper bound for
what a pose model's shoulder points could follow.
"""
RISING = ("shoulder", "elbow", "wrist", "pinky", "index", "thumb")
"""Landmarks (each side) lifted by the breathing: the shoulder and the arm hanging from it."""


@dataclass(frozen=True)
class Breathing:
    """Quiet breathing planted on the shoulders.

    Parameters
    ----------
    rate_per_min : float
        Mean breathing rate (breaths per minute) while breathing, 4-60.
    excursion_m : float
        Peak-to-peak vertical rise of the shoulders with a mean breath
        (metres, 0-0.05); see :data:`QUIET_EXCURSION_M`.
    inspiration_fraction : float
        Share of each breath spent breathing in (0.2-0.6); expiration takes
        the rest. Expiration is the longer phase in quiet breathing.
    period_cv, excursion_cv : float
        Breath-to-breath coefficient of variation of the breaths' durations
        and depths (0-0.5, log-normal, mean 1). Tobin et al. 1988 (J Appl
        Physiol 65:309-317; 65 healthy adults, 15 min at rest) measured
        about 0.21 for the frequency and 0.33 for the tidal volume.
    holds : tuple of (float, float)
        Breath holds as ``(start_s, duration_s)`` in clip time, in order and
        not overlapping: the breath stops at whatever phase it had at
        ``start_s`` and goes on from there ``duration_s`` later.

    Notes
    -----
    A breath is ``(1 - cos(pi u / r)) / 2`` over the inspiration (``u`` the
    breath's elapsed fraction, ``r`` the inspiration fraction) and
    ``(1 + cos(pi (u - r) / (1 - r))) / 2`` over the expiration, times the
    breath's depth: smooth at both turns, 0 at end-expiration, so breaths of
    different depths join without a step.
    """

    rate_per_min: float = 12.0
    excursion_m: float = QUIET_EXCURSION_M
    inspiration_fraction: float = 0.4
    period_cv: float = 0.0
    excursion_cv: float = 0.0
    holds: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        """Check the ranges and that the holds are ordered and apart."""
        check(4.0 <= self.rate_per_min <= 60.0, "rate_per_min", "breaths/min in [4, 60]", self.rate_per_min)
        check(0.0 <= self.excursion_m <= 0.05, "excursion_m", "metres in [0, 0.05]", self.excursion_m)
        r = self.inspiration_fraction
        check(0.2 <= r <= 0.6, "inspiration_fraction", "a value in [0.2, 0.6]", r)
        for name in ("period_cv", "excursion_cv"):
            check(0.0 <= getattr(self, name) <= 0.5, name, "a value in [0, 0.5]", getattr(self, name))
        object.__setattr__(self, "holds", tuple((float(a), float(d)) for a, d in self.holds))
        ends = [a + d for a, d in self.holds]
        ordered = all(d > 0 and a >= 0 for a, d in self.holds) and all(
            self.holds[k + 1][0] > ends[k] for k in range(len(self.holds) - 1)
        )
        check(ordered, "holds", "(start_s >= 0, duration_s > 0) pairs in order, not overlapping", self.holds)

    def breathing_time(self, t: FloatArray) -> FloatArray:
        """Return the time spent breathing since 0 at each ``t`` (the clock stops during the holds)."""
        t = np.asarray(t, dtype=np.float64)
        tau = t.copy()
        for start, duration in self.holds:
            tau -= np.clip(t - start, 0.0, duration)
        return tau

    def _cycles(self, span_s: float, seed: int) -> tuple[FloatArray, FloatArray]:
        """Return each breath's start in breathing time and its depth factor, covering ``[0, span_s]``."""
        period = 60.0 / self.rate_per_min
        count = int(np.ceil(span_s / period * 2.0)) + 4
        durations = period * _lognormal(np.random.default_rng([seed, BREATH_STREAM, 0]), self.period_cv, count)
        depths = _lognormal(np.random.default_rng([seed, BREATH_STREAM, 1]), self.excursion_cv, count)
        return np.concatenate([[0.0], np.cumsum(durations)]), depths

    def phase(self, t: FloatArray, seed: int = 0) -> FloatArray:
        """Return the number of breaths taken by each ``t`` (fractional; it stands still during a hold)."""
        tau = self.breathing_time(t)
        starts, _ = self._cycles(float(np.max(tau, initial=0.0)), seed)
        return np.asarray(np.interp(tau, starts, np.arange(len(starts), dtype=np.float64)))

    def rise(self, t: FloatArray, seed: int = 0) -> FloatArray:
        """Return the shoulders' rise above their end-expiratory level at each ``t`` (metres, (T,))."""
        phase = self.phase(t, seed)
        _, depths = self._cycles(float(np.max(self.breathing_time(t), initial=0.0)), seed)
        k = np.floor(phase).astype(np.int64)
        u = phase - k
        r = self.inspiration_fraction
        shape = np.where(
            u < r,
            0.5 * (1.0 - np.cos(np.pi * u / r)),
            0.5 * (1.0 + np.cos(np.pi * (u - r) / (1.0 - r))),
        )
        return np.asarray(self.excursion_m * depths[k] * shape)

    def true_rate(self, start_s: float, end_s: float, seed: int = 0) -> float:
        """Return the breaths per minute of breathing time between two clip times (holds left out).

        Notes
        -----
        Breaths taken over the time spent breathing: with breath-to-breath
        variability this is the window's own mean rate, which can differ
        from ``rate_per_min`` by a few per cent over half a minute.
        """
        ends = np.array([start_s, end_s])
        taken = np.diff(self.phase(ends, seed))[0]
        breathing = np.diff(self.breathing_time(ends))[0]
        return float(60.0 * taken / breathing) if breathing > 0 else float("nan")


def _lognormal(rng: np.random.Generator, cv: float, count: int) -> FloatArray:
    """Draw ``count`` log-normal factors of mean 1 and coefficient of variation ``cv`` (all 1 when 0)."""
    sigma2 = np.log1p(cv**2)
    draws = rng.normal(0.0, 1.0, size=count)
    return np.asarray(np.exp(np.sqrt(sigma2) * draws - 0.5 * sigma2))


def lift_shoulders(points: FloatArray, rise: FloatArray) -> None:
    """Raise the shoulders and both arms of body-frame ``points`` (T, 33, 3) by ``rise`` (T,) metres, in place."""
    for side in ("left", "right"):
        for joint in RISING:
            points[:, IDX[f"{side}_{joint}"], UP] += rise
