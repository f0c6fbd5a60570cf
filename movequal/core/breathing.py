"""Breathing with effort (experimental): the breathing rate during a still period, and possible breath holds.

With each breath the upper rib cage, and with it the shoulder girdle, rises
and falls by a few millimetres. Over a still period (a balance hold, a pause
between sets) :func:`estimate_breathing` reads that rise from the shoulders'
height above the hips in the picture and returns the rate in breaths per
minute, or says why it cannot ("not measurable": the body moved, the window
is too short, the breathing is lost in the pose model's jitter and the
body's sway). :func:`detect_breath_hold` flags a possible breath hold only
where breathing was measurable before and after a stretch without it that
lasts :data:`BREATH_HOLD_S` or more.

Both are experimental measures: validated on synthetic clips only
(``eval/evaluate_breathing_synthetic.py``), never on real video against a
reference, so they inform and do not score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.core.breathing_signal import (
    TrunkSignal,
    breath_envelope,
    compute_spectrum,
    count_peaks,
    count_phase,
    estimate_floor,
    extract_trunk_height,
    find_movement,
    find_peak,
    noise_bandwidth,
    sway_leak,
)
from movequal.core.gait import legs_to_metres
from movequal.core.kinematics import compute_leg_length
from movequal.core.sway import estimate_jitter
from movequal.pose.sequence import PoseSequence

FloatArray = NDArray[np.float64]
RateMethod = Literal["spectrum", "peaks", "phase"]
MIN_WINDOW_S = 8.0
"""Shortest window read at all (seconds)."""
MIN_BREATHS = 3.0
"""A rate needs this many breaths in the window (the rate found times the window's length)."""
MIN_SNR = 15.0
"""The breath's spectral peak must stand this many times above the noise floor at its frequency.

Notes
-----
Over pure noise a periodogram bin is exponentially distributed about the
floor, so the highest of the ~40 independent bins of a 60-s window's band
exceeds ``c`` times the floor with probability about ``40 exp(-c)``: 1e-5
at 15. On 768 synthetic holds without breathing (calibration seeds, apart
from the evaluation's) the highest value was 11.4 and the 99th percentile
8.2; ``eval/evaluate_breathing_synthetic.py`` checks it again on its own seeds.
"""
BREATH_HOLD_S = 10.0
"""Shortest stretch without breathing motion flagged as a possible breath hold (seconds).

Notes
-----
A project choice, not a validated cut-off. Exercise guidance asks patients
not to hold their breath while straining (Williams et al. 2007, Circulation
116:572-584, AHA statement on resistance exercise: exhale during the
exertion, inhale during the relaxation) but gives no duration; a "brief"
Valsalva manoeuvre in the laboratory lasts 2-3 s (Haykowsky et al. 2001,
Chest 119:150-154); sleep medicine scores a stop of breathing as an apnoea
from 10 s (Berry et al. 2012, J Clin Sleep Med 8:597-619). Ten seconds is
thus well beyond a brief brace and matches the one published duration for
absent breathing; it also exceeds a whole breath at the slowest rate read
(6 /min).
"""
PRESENT_OVER_NOISE = 3.0
"""Breathing must stand this far above the noise (envelope RMS) before its absence can be told."""
ABSENT_FRACTION = 0.4
"""Breathing is absent where its envelope falls under this share of its typical level (a fall of 60 %)."""


@dataclass(frozen=True)
class BreathingEstimate:
    """Breathing over one still window: its rate, or why it is not measurable.

    Attributes
    ----------
    start, end : float
        The window (seconds of the clip).
    measurable : bool
        Whether breathing motion was measured; every other field but
        ``reason`` is None when it was not.
    reason : str or None
        Why not measurable ("the body moved: ...", "too short: ...",
        "the breathing motion is within the landmark jitter and sway").
    rate_per_min : float or None
        Breaths per minute.
    amplitude : float or None
        Typical peak-to-peak rise of the shoulders above the hips with a
        breath, in leg lengths (in the picture; see Notes).
    amplitude_mm : float or None
        The same in millimetres when the patient's height was given.
    signal_to_noise : float or None
        The breath's spectral peak over the noise floor at its frequency
        (power ratio; :data:`MIN_SNR` at least when measurable). Also given
        when it was too low, for the record; None when not computed.
    longest_pause_s : float or None
        Longest stretch in the window without breathing motion; None when
        breathing is too close to the noise to tell (:data:`PRESENT_OVER_NOISE`).

    Notes
    -----
    The amplitude is the vertical rise as the camera sees it: a side view
    and a front view see the same rise, but depth sway adds to it and
    perspective shrinks it for a camera well below or above the shoulders.
    """

    start: float
    end: float
    measurable: bool
    reason: str | None = None
    rate_per_min: float | None = None
    amplitude: float | None = None
    amplitude_mm: float | None = None
    signal_to_noise: float | None = None
    longest_pause_s: float | None = None


@dataclass(frozen=True)
class BreathHold:
    """Whether breathing stopped for :data:`BREATH_HOLD_S` or more inside a window where it was measurable.

    ``possible_breath_hold`` is None when that cannot be told (``reason``
    says why); ``pauses`` lists every stretch without breathing motion, as
    (start, end) seconds, with breathing seen before and after it.
    """

    possible_breath_hold: bool | None
    reason: str | None
    pauses: tuple[tuple[float, float], ...]
    estimate: BreathingEstimate


def _not_measurable(start: float, end: float, reason: str) -> BreathingEstimate:
    return BreathingEstimate(start=start, end=end, measurable=False, reason=reason)


@dataclass(frozen=True)
class _Reading:
    """An estimate with the pauses found on the way (None: breathing too faint to tell a pause)."""

    estimate: BreathingEstimate
    pauses: list[tuple[float, float]] | None = None


def estimate_breathing(
    pose: PoseSequence,
    start_s: float,
    end_s: float,
    leg_length_px: float | None = None,
    *,
    height_m: float | None = None,
    method: RateMethod = "phase",
) -> BreathingEstimate:
    """Estimate the breathing rate over a still window of ``pose``, or say why it is not measurable.

    Parameters
    ----------
    pose : PoseSequence
        Raw landmarks (image coordinates are read).
    start_s, end_s : float
        The still window, seconds of the clip: a balance hold after its
        settling (e.g. ``Sway.start`` to ``Sway.end``), a pause.
    leg_length_px : float, optional
        The leg length in pixels; by default measured on the clip
        (:func:`~movequal.core.kinematics.compute_leg_length`).
    height_m : float, optional
        The patient's height, for the amplitude in millimetres.
    method : {"phase", "spectrum", "peaks"}
        How the rate is read once the spectral peak has shown breathing:
        the turn of the band-passed signal's phase (default,
        :func:`count_phase`), the spectral peak itself, or the band-passed
        signal's peaks counted (:func:`count_peaks`); the evaluation compares
        all three on the same clips.

    Returns
    -------
    BreathingEstimate

    Notes
    -----
    The signal is the shoulders' mid-point height above the hips' in the
    picture: the whole body's vertical movement (and a camera's vertical
    shake) cancels, and the hips do not move with breathing. Breathing is
    the highest peak of the window's periodogram in :data:`BAND_HZ`; it
    counts only when it stands :data:`MIN_SNR` above the noise floor (the larger of
    the local spectrum, the jitter and what the sway could leak in:
    :func:`~movequal.core.breathing_signal.estimate_floor`) and the window
    holds :data:`MIN_BREATHS` breaths at that rate. The rate is then counted
    around that peak (``method``). Before any of that the
    body must have kept still
    (:func:`~movequal.core.breathing_signal.find_movement`): a squat at 17
    repetitions a minute is in the band too.
    """
    return _read(pose, (start_s, end_s), leg_length_px, height_m, method).estimate


def _read(
    pose: PoseSequence,
    span: tuple[float, float],
    leg_length_px: float | None,
    height_m: float | None,
    method: RateMethod,
) -> _Reading:
    """Run the checks of :func:`estimate_breathing` on ``span`` (start, end s), then :func:`_read_breathing`."""
    start_s, end_s = span
    if end_s - start_s < MIN_WINDOW_S:
        return _Reading(_not_measurable(start_s, end_s, f"too short: under {MIN_WINDOW_S:g} s"))
    leg = compute_leg_length(pose.image_pixels()) if leg_length_px is None else leg_length_px
    if not (np.isfinite(leg) and leg > 0):
        return _Reading(_not_measurable(start_s, end_s, "the legs were not seen"))
    signal, why = extract_trunk_height(pose, start_s, end_s)
    if signal is None:
        return _Reading(_not_measurable(start_s, end_s, str(why)))
    moved = find_movement(pose, start_s, end_s, leg)
    if moved is not None:
        return _Reading(_not_measurable(start_s, end_s, moved))
    return _read_breathing(signal, leg, height_m, method)


def _read_breathing(signal: TrunkSignal, leg: float, height_m: float | None, method: RateMethod) -> _Reading:
    """Rate, amplitude and pauses of a still window's trunk height (see :func:`estimate_breathing`)."""
    start, end = float(signal.t[0]), float(signal.t[-1])
    spectrum = compute_spectrum(signal.height, signal.fps)
    f0, peak = find_peak(spectrum)
    jitter = estimate_jitter(signal.height)
    white = (jitter if np.isfinite(jitter) else 0.0) ** 2 * spectrum.taper_power
    floor = estimate_floor(spectrum, f0, white, sway_leak(signal, f0))
    snr = peak / floor if floor > 0 else float("inf")
    if not snr >= MIN_SNR:
        reason = "the breathing motion is within the landmark jitter and sway"
        return _Reading(BreathingEstimate(start=start, end=end, measurable=False, reason=reason, signal_to_noise=snr))
    if method != "spectrum":
        f0 = count_peaks(signal, f0) if method == "peaks" else count_phase(signal, f0)
    if f0 * signal.duration_s < MIN_BREATHS:
        reason = f"too short: under {MIN_BREATHS:g} breaths at {60.0 * f0:.0f} /min"
        return _Reading(_not_measurable(start, end, reason))
    envelope = breath_envelope(signal, f0)
    present = estimate_floor(spectrum, f0, white)  # the noise this clip has, not the sway's bound
    noise = float(np.sqrt(present / spectrum.taper_power * 2.0 / signal.fps * noise_bandwidth(f0, signal.fps)))
    level = float(np.sqrt(max(float(np.median(envelope**2)) - noise**2, 0.0)))
    amplitude = 2.0 * np.sqrt(2.0) * level / leg
    millimetres = legs_to_metres(amplitude, height_m)
    pauses = find_pauses(signal.t, envelope, noise, f0)
    estimate = BreathingEstimate(
        start=start,
        end=end,
        measurable=True,
        rate_per_min=60.0 * f0,
        amplitude=amplitude,
        amplitude_mm=None if millimetres is None else 1000.0 * millimetres,
        signal_to_noise=snr,
        longest_pause_s=None if pauses is None else max((b - a for a, b in pauses), default=0.0),
    )
    return _Reading(estimate, pauses)


def find_pauses(t: FloatArray, envelope: FloatArray, noise: float, f0: float) -> list[tuple[float, float]] | None:
    """Return the stretches without breathing motion, (start, end) seconds, breathing seen on both sides.

    Returns None when the breathing's typical envelope is under
    :data:`PRESENT_OVER_NOISE` times the noise: its absence cannot be told.

    Notes
    -----
    The typical level is the envelope's 75th percentile, so a long hold
    does not drag it down; breathing is absent where the envelope falls
    under :data:`ABSENT_FRACTION` of it. The threshold is relative to the
    breathing, not to the noise, because the noise's estimate is
    deliberately high (:func:`~movequal.core.breathing_signal.estimate_floor`):
    a threshold raised with it would cut shallow breaths into pauses; the
    noise only has to stay well under the threshold, which
    :data:`PRESENT_OVER_NOISE` ensures. A moving RMS over one breath ``L``
    crosses the threshold about ``L (1 / 2 - q^2)`` inside a pause with
    sharp edges (``q`` the threshold over the level), so each stretch is
    widened by that much at both ends; stretches less than half a breath
    apart are one pause the noise split. A stretch within half a breath of
    the window's start or end is not a pause: breathing must be seen on both
    sides.
    """
    present = float(np.percentile(envelope, 75))
    if not (noise > 0 and present >= PRESENT_OVER_NOISE * noise):
        return None
    threshold = ABSENT_FRACTION * present
    breath = 1.0 / f0
    widen = breath * (0.5 - ABSENT_FRACTION**2)
    edges = np.diff(np.concatenate([[0], (envelope < threshold).astype(np.int8), [0]]))
    pauses: list[tuple[float, float]] = []
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True):
        lo, hi = float(t[a]) - widen, float(t[b]) + widen
        if pauses and lo - pauses[-1][1] < 0.5 * breath:  # one pause the noise split in two
            lo = pauses.pop()[0]
        pauses.append((lo, hi))
    return [(lo, hi) for lo, hi in pauses if lo > t[0] + 0.5 * breath and hi < t[-1] - 0.5 * breath]


def detect_breath_hold(
    pose: PoseSequence,
    start_s: float,
    end_s: float,
    leg_length_px: float | None = None,
    *,
    min_hold_s: float = BREATH_HOLD_S,
) -> BreathHold:
    """Judge whether breathing stopped for ``min_hold_s`` or more during a still window (experimental).

    Returns
    -------
    BreathHold
        ``possible_breath_hold`` True only when breathing was measurable
        over the window, stood :data:`PRESENT_OVER_NOISE` above the noise,
        and a stretch without it of ``min_hold_s`` or more had breathing on
        both sides; False when none did; None (not measurable) otherwise.

    Notes
    -----
    Never a finding without evidence: a window whose breathing cannot be
    measured, or whose breathing is too faint for its absence to be told,
    gives None, not False and not True. The threshold is a project choice
    (:data:`BREATH_HOLD_S`). A hold long against the window lowers the
    spectral peak too, so a window should give breathing at least as long
    as the hold it is to find.
    """
    reading = _read(pose, (start_s, end_s), leg_length_px, None, "phase")
    estimate = reading.estimate
    if not estimate.measurable:
        return BreathHold(None, estimate.reason, (), estimate)
    if reading.pauses is None:
        return BreathHold(None, "the breathing motion is too close to the noise to tell a pause", (), estimate)
    found = any(b - a >= min_hold_s for a, b in reading.pauses)
    return BreathHold(found, None, tuple(reading.pauses), estimate)
