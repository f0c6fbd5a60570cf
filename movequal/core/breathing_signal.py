"""The breathing signal of a still period: the shoulders' height above the hips, its spectrum, and the body's stillness.

Low-level steps of :mod:`movequal.core.breathing`: :func:`extract_trunk_height`
cuts one window out of a clip and puts it on an even time grid,
:func:`find_movement` says whether the body stayed still enough for breathing
to be read from it, then :func:`compute_spectrum` / :func:`find_peak` / :func:`estimate_floor` /
:func:`sway_leak` say whether breathing stands above the noise, and
:func:`count_phase` / :func:`count_peaks` / :func:`breath_envelope` count it
and follow its strength through the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, find_peaks, hilbert, sosfiltfilt, sosfreqz

from movequal.core.butterworth import filter_butterworth
from movequal.core.filtering import compute_sampling_rate, interpolate_gaps
from movequal.core.sway import MAX_GAP_S, SWAY_CUTOFF_HZ
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
BAND_HZ = (0.08, 0.75)
"""Respiratory band searched (4.8-45 breaths/min): quiet breathing at 6-30/min with room either side."""
MIN_SEEN = 0.8
"""Shoulders and hips must be seen on this share of the window's frames."""
HIPS_RISE_MAX = 0.03
"""The hips' vertical range (leg lengths, about 2.6 cm) above which the body moved (a bend of the knees, a step).

A still stance moves the hips up and down by a few millimetres only.
"""
TRUNK_RANGE_MAX = 0.03
"""The shoulders' height above the hips may vary this much (leg lengths, about 2.6 cm) before it is not breathing.

About five times the 3-5 mm rise of a quiet breath (De Groote et al. 1997),
room for deep breaths, far below a bend or a shrug.
"""
SHIFT_MAX = 0.15
"""The shoulders' horizontal range (leg lengths, about 13 cm) above which the body moved.

The synthetic single-leg holds' planted sway (10 mm RMS of the centre of
mass fore-aft) moves the shoulders over about 0.07 leg lengths.
"""
ARMS_MAX = 0.06
"""Either wrist's farthest move from its median place relative to the shoulders (leg lengths, about 5 cm)."""
ASSUMED_FOCAL = 0.8
"""Focal length assumed, as a share of the frame's long side (about 64° across it: a phone's main camera).

The synthetic camera's is 1.09 (1400 px for 1280), so the sway floor is
conservative there by (1.09 / 0.8)² = 1.9 in power.
"""
DEPTH_SWAY_RATIO = 1.5
"""The sway towards the camera is taken as up to this many times the sway across the picture (RMS).

Quiet standing sways more fore-aft than side to side, single-leg stance the
reverse (Prieto et al. 1996, IEEE Trans Biomed Eng 43:956-966; Sarabon et
al. 2010, J Sports Sci Med 9:431-438); the synthetic holds' planted sway is
10 mm fore-aft against 8 mm side to side (1.25).
"""
SPREAD = 0.3
"""Breathing's own spread around its rate (share of the frequency) left out of the local floor.

Breath-to-breath variability (a coefficient of variation of about 0.2 for
the rate, Tobin et al. 1988) and a breath hold inside the window (its gap
spreads the peak over about one over the hold's length) widen the peak
beyond the taper's main lobe; a floor taken there counted the breath as noise.
"""
FLOOR_BINS = 8
"""Independent spectral bins the noise floor at the breathing frequency is averaged over."""
PAD = 16
"""Zero-padding factor of the spectrum: a fine frequency grid for the peak's interpolation."""


@dataclass(frozen=True)
class TrunkSignal:
    """The shoulders' height above the hips over one window, on an even time grid.

    ``height`` is in pixels, up positive (it grows as the shoulders rise);
    ``across`` the shoulders' mid-point's horizontal place (pixels), which
    breathing does not move but sway does; ``gain`` how much of a move of
    the shoulders towards the camera shows as a rise (see :func:`estimate_floor`).
    """

    t: FloatArray
    height: FloatArray
    across: FloatArray
    gain: float
    fps: float

    @property
    def duration_s(self) -> float:
        """Length of the window."""
        return float(self.t[-1] - self.t[0]) if len(self.t) > 1 else 0.0


def _midpoint(px: FloatArray, names: tuple[str, str], axis: int) -> FloatArray:
    pair = px[:, [IDX[names[0]], IDX[names[1]]], axis]
    return np.asarray(np.where(np.isfinite(pair).all(axis=1), pair.mean(axis=1), np.nan))


def extract_trunk_height(pose: PoseSequence, start_s: float, end_s: float) -> tuple[TrunkSignal | None, str | None]:
    """Return the shoulders' height above the hips between two times, or None and why not.

    Notes
    -----
    Gaps up to :data:`~movequal.core.sway.MAX_GAP_S` are bridged; longer ones
    (still under a fifth of the window, :data:`MIN_SEEN`) are bridged too,
    linearly, as they only flatten a stretch of the signal. The grid runs at
    the clip's recorded rate, so variable-frame-rate clips are resampled.
    """
    t = pose.timestamps
    inside = (t >= start_s) & (t <= end_s)
    if inside.sum() < 8:
        return None, "the window has too few frames"
    px = pose.image_pixels()
    shoulder_y = _midpoint(px, ("left_shoulder", "right_shoulder"), 1)
    height = interpolate_gaps(_midpoint(px, ("left_hip", "right_hip"), 1) - shoulder_y, t, MAX_GAP_S)[inside]
    across = interpolate_gaps(_midpoint(px, ("left_shoulder", "right_shoulder"), 0), t, MAX_GAP_S)[inside]
    times = t[inside]
    seen = np.isfinite(height) & np.isfinite(across)
    if seen.mean() < MIN_SEEN:
        return None, "the shoulders or the hips were not seen for much of the window"
    fps = compute_sampling_rate(pose)
    grid = times[0] + np.arange(int(np.floor((times[-1] - times[0]) * fps)) + 1) / fps
    above_centre = abs(float(np.nanmedian(shoulder_y[inside])) - 0.5 * pose.frame_size[1])
    gain = above_centre / (ASSUMED_FOCAL * max(pose.frame_size))
    on_grid = [np.interp(grid, times[seen], v[seen]) for v in (height, across)]
    return TrunkSignal(grid, on_grid[0], on_grid[1], gain, fps), None


def _extent(values: FloatArray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.ptp(finite)) if len(finite) else 0.0


def _steady(values: FloatArray, t: FloatArray, fps: float) -> FloatArray:
    """Bridge short gaps and low-pass at the sway's cut-off, as :mod:`movequal.core.sway` does."""
    bridged = interpolate_gaps(values, t, MAX_GAP_S)
    return filter_butterworth(bridged, fps, SWAY_CUTOFF_HZ, timestamps=t, max_gap_s=MAX_GAP_S)


def find_movement(pose: PoseSequence, start_s: float, end_s: float, leg_px: float) -> str | None:
    """Return how the body moved between two times (a reason breathing cannot be read), or None when it stayed still.

    Notes
    -----
    Each track is low-passed at :data:`~movequal.core.sway.SWAY_CUTOFF_HZ`
    first, so the pose model's jitter does not count as movement. The
    checks are the hips' vertical range (:data:`HIPS_RISE_MAX`), the
    shoulders' height above the hips (:data:`TRUNK_RANGE_MAX`), the
    shoulders' horizontal range (:data:`SHIFT_MAX`) and the wrists' moves
    relative to the shoulders (:data:`ARMS_MAX`): a shrug, a lift of the
    arms or a reach moves the shoulder points themselves. A body that keeps
    still but for its sway passes.
    """
    px, t = pose.image_pixels(), pose.timestamps
    fps = compute_sampling_rate(pose)
    inside = (t >= start_s) & (t <= end_s)
    hips = np.stack([_midpoint(px, ("left_hip", "right_hip"), k) for k in (0, 1)], axis=1)
    shoulders = np.stack([_midpoint(px, ("left_shoulder", "right_shoulder"), k) for k in (0, 1)], axis=1)
    hips, shoulders = _steady(hips, t, fps)[inside], _steady(shoulders, t, fps)[inside]
    if _extent(hips[:, 1]) > HIPS_RISE_MAX * leg_px:
        return f"the body moved: the hips rose or dropped by {_extent(hips[:, 1]) / leg_px:.2f} leg lengths"
    if _extent(hips[:, 1] - shoulders[:, 1]) > TRUNK_RANGE_MAX * leg_px:
        return "the body moved: the shoulders rose or dropped relative to the hips (a bend or a shrug)"
    if _extent(shoulders[:, 0]) > SHIFT_MAX * leg_px:
        return f"the body moved: the shoulders shifted by {_extent(shoulders[:, 0]) / leg_px:.2f} leg lengths"
    for side in ("left", "right"):
        wrist = _steady(px[:, IDX[f"{side}_wrist"]] - _midpoint_both(px), t, fps)[inside]
        seen = np.isfinite(wrist).all(axis=1)
        if seen.mean() >= MIN_SEEN:
            reach = np.linalg.norm(wrist[seen] - np.median(wrist[seen], axis=0), axis=1)
            if float(np.max(reach)) > ARMS_MAX * leg_px:
                return f"the arms moved (the {side} wrist by {float(np.max(reach)) / leg_px:.2f} leg lengths)"
    return None


def _midpoint_both(px: FloatArray) -> FloatArray:
    """Return the shoulders' mid-point, x and y, shape (T, 2)."""
    return np.stack([_midpoint(px, ("left_shoulder", "right_shoulder"), k) for k in (0, 1)], axis=1)


@dataclass(frozen=True)
class Spectrum:
    """Periodogram of a Hann-tapered, detrended window, zero-padded :data:`PAD` times.

    ``raw_step`` is the spacing of independent bins (``fps / n``), ``taper_power``
    the sum of the squared taper (white noise of variance σ² has mean power σ² times it).
    """

    freqs: FloatArray
    power: FloatArray
    raw_step: float
    taper_power: float


def compute_spectrum(x: FloatArray, fps: float) -> Spectrum:
    """Return the periodogram of ``x`` sampled at ``fps`` (linear trend removed, Hann taper)."""
    n = len(x)
    k = np.arange(n, dtype=np.float64)
    detrended = x - np.polyval(np.polyfit(k, x, 1), k)
    taper = np.hanning(n)
    size = 1 << int(np.ceil(np.log2(n * PAD)))
    power = np.abs(np.fft.rfft(detrended * taper, size)) ** 2
    freqs = np.asarray(np.fft.rfftfreq(size, 1.0 / fps), dtype=np.float64)
    return Spectrum(freqs, np.asarray(power, dtype=np.float64), fps / n, float(np.sum(taper**2)))


def find_peak(spectrum: Spectrum, band: tuple[float, float] = BAND_HZ) -> tuple[float, float]:
    """Return the frequency (Hz) and power of the highest peak in ``band``, interpolated between grid points.

    Notes
    -----
    A parabola through the log-power of the highest grid point and its two
    neighbours places the peak between them. No check for a harmonic taken
    for the fundamental: a breath's rise and fall are not symmetric, but
    with inspiration over 20-60 % of the breath the second harmonic keeps
    under a third of the fundamental's amplitude (a tenth of its power), and
    a check for a peak at half the frequency found sway there instead.
    """
    freqs, power = spectrum.freqs, spectrum.power
    idx = np.flatnonzero((freqs >= band[0]) & (freqs <= band[1]))
    return _interpolate(freqs, power, int(idx[np.argmax(power[idx])]))


def _interpolate(freqs: FloatArray, power: FloatArray, k: int) -> tuple[float, float]:
    if k <= 0 or k >= len(freqs) - 1:
        return float(freqs[k]), float(power[k])
    a, b, c = np.log(np.maximum(power[k - 1 : k + 2], 1e-300))
    bend = a - 2.0 * b + c
    shift = 0.0 if bend >= 0 else float(np.clip(0.5 * (a - c) / bend, -0.5, 0.5))
    step = float(freqs[1] - freqs[0])
    return float(freqs[k] + shift * step), float(np.exp(b - 0.25 * (a - c) * shift))


def estimate_floor(spectrum: Spectrum, f0: float, white: float, sway: float = 0.0) -> float:
    """Return the noise's power at ``f0``: the largest of the local floor, white jitter and the sway's leak.

    Parameters
    ----------
    spectrum : Spectrum
        The window's periodogram.
    f0 : float
        The breathing frequency found (Hz).
    white : float
        The power white jitter of the measured size would have
        (:func:`~movequal.core.sway.estimate_jitter` squared times the taper's power).
    sway : float
        The power at ``f0`` that depth sway could add (:func:`sway_leak`).

    Notes
    -----
    The local floor is the mean of the :data:`FLOOR_BINS` independent bins
    (spaced ``fps / n``) nearest to ``f0`` in log-frequency, between 0.03 and
    1.5 Hz, leaving out the breath and its second harmonic: two bins either
    side (the Hann taper's main lobe) or :data:`SPREAD` of the frequency,
    whichever is wider. A global power law was
    tried and dropped: the spectrum's fall above the sway band pulled it far
    too high at slow rates. Infinite (not measurable) when fewer bins remain.
    """
    step = spectrum.raw_step
    stride = max(1, round(step / float(spectrum.freqs[1] - spectrum.freqs[0])))
    freqs, power = spectrum.freqs[::stride], spectrum.power[::stride]
    keep = (freqs >= 0.03) & (freqs <= 1.5)
    lobe = max(2.0 * step, SPREAD * f0)
    for harmonic in (1.0, 2.0):
        keep &= np.abs(freqs - harmonic * f0) > lobe
    if keep.sum() < FLOOR_BINS:
        return float("inf")  # too few bins to tell breathing from what surrounds it
    nearest = np.argsort(np.abs(np.log(freqs[keep] / f0)))[:FLOOR_BINS]
    return max(float(np.mean(power[keep][nearest])), white, sway)


def sway_leak(signal: TrunkSignal, f0: float) -> float:
    """Return the power at ``f0`` that the shoulders' sway towards the camera could show as a rise.

    Notes
    -----
    A point ``Y`` above the camera's axis at depth ``Z`` is seen ``f Y / Z``
    from the picture's centre, so a move ``dZ`` towards the camera shows as
    a rise of ``(f Y / Z) dZ / Z``: in pixels, the move as it would look
    across the picture times ``gain`` (the shoulders' distance from the
    picture's centre over the focal length). With the camera at hip height
    the synthetic single-leg holds' sway shows as 2-3 px of rise and fall,
    as much as a quiet breath. The depth sway itself is not seen, but the
    sway across the picture is: its power near ``f0`` (the mean of the five
    independent bins centred there) times ``(gain * DEPTH_SWAY_RATIO)²``
    bounds the leak. The picture's centre stands for the camera's axis and
    :data:`ASSUMED_FOCAL` for its focal length.
    """
    spectrum = compute_spectrum(signal.across, signal.fps)
    near = np.abs(spectrum.freqs - f0) <= 2.0 * spectrum.raw_step
    stride = max(1, round(spectrum.raw_step / float(spectrum.freqs[1] - spectrum.freqs[0])))
    bins = spectrum.power[::stride][near[::stride]]
    level = float(np.mean(bins)) if len(bins) else 0.0
    return level * (signal.gain * DEPTH_SWAY_RATIO) ** 2


def band_filter(f0: float, fps: float, edges: tuple[float, float] = (0.6, 1.6)) -> NDArray[np.float64]:
    """Second-order Butterworth band-pass around the breathing frequency, ``edges`` times it (0.6 to 1.6 by default)."""
    low, high = max(edges[0] * f0, 0.02), min(edges[1] * f0, 0.45 * fps)
    return np.asarray(butter(2, [low, high], btype="bandpass", fs=fps, output="sos"))


def noise_bandwidth(f0: float, fps: float) -> float:
    """Return the equivalent noise bandwidth (Hz) of :func:`band_filter` applied forwards and backwards."""
    freqs, response = sosfreqz(band_filter(f0, fps), worN=8192, fs=fps)
    return float(np.sum(np.abs(response) ** 4) * (freqs[1] - freqs[0]))


def breath_envelope(signal: TrunkSignal, f0: float) -> FloatArray:
    """Return the RMS of the breathing band (:func:`band_filter`) over one breath around each grid point (pixels)."""
    x = signal.height - np.polyval(np.polyfit(signal.t, signal.height, 1), signal.t)
    narrow = sosfiltfilt(band_filter(f0, signal.fps), x)
    width = max(3, round(signal.fps / f0))
    return np.asarray(np.sqrt(uniform_filter1d(narrow**2, width, mode="nearest")))


def count_peaks(signal: TrunkSignal, f0: float) -> float:
    """Return the rate (Hz) from the band-passed signal's peaks: peaks less one over the time between the outer two.

    Notes
    -----
    Peaks closer than 0.6 breaths at ``f0`` (the spectrum's rate) are not
    counted twice. Falls back to ``f0`` with fewer than two peaks.
    """
    x = signal.height - np.polyval(np.polyfit(signal.t, signal.height, 1), signal.t)
    narrow = sosfiltfilt(band_filter(f0, signal.fps), x)
    peaks, _ = find_peaks(narrow, distance=max(1, round(0.6 * signal.fps / f0)))
    if len(peaks) < 2:
        return f0
    return float((len(peaks) - 1) / (signal.t[peaks[-1]] - signal.t[peaks[0]]))


PHASE_BAND = (0.65, 1.35)
"""Band of :func:`count_phase`, times the rate: symmetric, so noise in it does not pull the phase's slope either way."""


def count_phase(signal: TrunkSignal, f0: float) -> float:
    """Return the rate (Hz) as the slope of the band-passed signal's unwrapped phase: breaths, fractions included.

    Notes
    -----
    The phase of the analytic signal (Hilbert transform) of the band around
    the rate (:data:`PHASE_BAND`) turns once a breath, so the turn between
    the window's ends (each the mean over half a breath, the outer half
    breath left out for the filter's edges) over the time between them is
    the number of breaths per second, partial breaths included. Not a
    least-squares slope: that weights the window's middle, the count weights
    every second alike. A count, unlike the spectral peak, which over breaths of
    varying length marks the strongest periodicity rather than their mean
    (3 /min too high at 30 /min on a synthetic natural pattern). The band is
    centred on ``f0`` first, then once more on the slope found: noise in a
    band centred off the rate pulls the slope towards the band's centre.
    """
    x = signal.height - np.polyval(np.polyfit(signal.t, signal.height, 1), signal.t)
    t, rate = signal.t, f0
    for _ in range(2):
        phase = np.unwrap(np.angle(hilbert(sosfiltfilt(band_filter(rate, signal.fps, PHASE_BAND), x))))
        half = 0.5 / rate
        first = (t >= t[0] + half) & (t < t[0] + 2.0 * half)
        last = (t > t[-1] - 2.0 * half) & (t <= t[-1] - half)
        if first.sum() < 2 or last.sum() < 2 or t[-1] - t[0] < 6.0 * half:
            return f0
        turned = float(np.mean(phase[last]) - np.mean(phase[first]))
        rate = turned / (2.0 * np.pi * float(np.mean(t[last]) - np.mean(t[first])))
    return rate
