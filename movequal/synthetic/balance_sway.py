"""Planted postural sway and arm-abduction bursts of a balance hold, drawn from the spec's seed.

The sway is a sum of sinusoids, one at a random frequency in each of
``SWAY_COMPONENTS`` log-spaced bands of ``SWAY_BAND`` (so every seed has the
same spectral shape), with random phases and Rayleigh-distributed
amplitudes. It is a function of time (the same seed gives the same sway at
any frame rate), scaled so its RMS about the mean over the hold's sway
window is exactly the spec's amplitude. The arm bursts are raised-cosine
bumps of the wrists' excursion.

Both draw from ``numpy.random.default_rng([seed, stream])`` with their own
stream number, apart from the camera's ``default_rng(seed)``, so changing
the image noise or dropout never changes the body's movement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.balance_spec import QUIET_SWAY, WEIGHT_SHIFT_S, Balance, BalanceLayout
from movequal.synthetic.motion import min_jerk

FloatArray = NDArray[np.float64]

SWAY_BAND = (0.1, 1.5)
"""Frequencies (Hz) of the sway's components: one per log-spaced band, so with amplitudes ∝ f^-1/2 it falls as f^-2."""
SWAY_COMPONENTS = 40
"""Sinusoids per axis."""
SWAY_STREAM, ARM_STREAM = 1, 2
"""Stream numbers of the sway and arm-burst generators (``default_rng([seed, stream])``)."""
GRID_HZ = 200.0
"""Sampling rate of the grid the sway's RMS is normalised on."""
BURST_EVERY_S = 4.0
"""One arm burst per this many seconds of the sway window (at least one)."""
BURST_S = (0.6, 1.2)
"""Range of a burst's duration (s)."""


@dataclass(frozen=True)
class Sway:
    """Band-limited sway, (ML, AP) on axis 0 of every array: ``value(t)`` gives (T, 2) metres."""

    freq: FloatArray
    amp: FloatArray
    phase: FloatArray
    mean: FloatArray
    envelope_on: float
    envelope_off: float | None

    def raw(self, t: FloatArray) -> FloatArray:
        """Return the scaled sum of sinusoids at times ``t`` (T, 2), mean not removed and no envelope."""
        arg = 2.0 * np.pi * self.freq[None] * np.asarray(t)[:, None, None] + self.phase[None]
        return np.asarray(np.sum(self.amp[None] * np.sin(arg), axis=-1))

    def envelope(self, t: FloatArray) -> FloatArray:
        """Amplitude factor (T,): ``QUIET_SWAY`` on both feet, 1 in the hold, min-jerk ramps of ``WEIGHT_SHIFT_S``.

        Notes
        -----
        The ramp up ends at the hold's start (during the weight shift before
        foot-off); the ramp down starts at the hold's end (none for a
        censored hold).
        """
        ramp = min_jerk((t - self.envelope_on + WEIGHT_SHIFT_S) / WEIGHT_SHIFT_S)
        if self.envelope_off is not None:
            ramp = ramp - min_jerk((t - self.envelope_off) / WEIGHT_SHIFT_S)
        return np.asarray(QUIET_SWAY + (1.0 - QUIET_SWAY) * ramp)

    def value(self, t: FloatArray) -> FloatArray:
        """Planted centre-of-mass sway (T, 2) as (ML, AP) metres: mean-free over the sway window, times the envelope."""
        return np.asarray((self.raw(t) - self.mean[None]) * self.envelope(t)[:, None])


def draw_sway(seed: int, balance: Balance, lay: BalanceLayout) -> Sway:
    """Draw the sway of one clip and scale it to ``balance.sway_ml_m`` / ``sway_ap_m`` RMS over the sway window."""
    rng = np.random.default_rng([seed, SWAY_STREAM])
    low, high = SWAY_BAND
    shape = (2, SWAY_COMPONENTS)
    strata = (np.arange(SWAY_COMPONENTS)[None] + rng.uniform(size=shape)) / SWAY_COMPONENTS
    freq = low * (high / low) ** strata
    amp = rng.rayleigh(1.0, size=shape) / np.sqrt(freq)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=shape)
    off = None if lay.censored else lay.hold_end
    unit = Sway(freq, amp, phase, np.zeros(2), lay.hold_start, off)
    span = lay.sway_end - lay.hold_start
    grid = lay.hold_start + np.linspace(0.0, span, max(round(span * GRID_HZ), 2) + 1)
    samples = unit.raw(grid)
    rms = samples.std(axis=0)
    target = np.array([balance.sway_ml_m, balance.sway_ap_m])
    scale = np.where(rms > 0.0, target / np.where(rms > 0.0, rms, 1.0), 0.0)
    return Sway(freq, amp * scale[:, None], phase, samples.mean(axis=0) * scale, lay.hold_start, off)


def arm_bursts(seed: int, balance: Balance, lay: BalanceLayout, t: FloatArray) -> FloatArray:
    """Wrist excursions (T, 2) in metres, left then right: bursts in the sway window peaking at ``arm_excursion_m``.

    Notes
    -----
    One burst per ``BURST_EVERY_S`` of the window (at least one), each a
    raised-cosine bump of 0.6–1.2 s on the left arm, the right or both; the
    first reaches ``arm_excursion_m``, the others 40–100 % of it.
    Overlapping bursts of one arm take the larger excursion, so the peak is
    never exceeded.
    """
    out = np.zeros((len(t), 2))
    peak = balance.arm_excursion_m
    if peak <= 0.0:
        return out
    rng = np.random.default_rng([seed, ARM_STREAM])
    start, span = lay.hold_start, lay.sway_end - lay.hold_start
    count = max(1, round(span / BURST_EVERY_S))
    duration = np.minimum(rng.uniform(*BURST_S, size=count), span)
    begin = start + rng.uniform(0.0, 1.0, size=count) * (span - duration)
    level = rng.uniform(0.4, 1.0, size=count)
    level[0] = 1.0
    arms = rng.integers(0, 3, size=count)
    for b in range(count):
        x = np.clip((t - begin[b]) / duration[b], 0.0, 1.0)
        bump = peak * level[b] * np.sin(np.pi * x) ** 2
        for s in (0, 1):
            if arms[b] in (s, 2):
                out[:, s] = np.maximum(out[:, s], bump)
    return out
