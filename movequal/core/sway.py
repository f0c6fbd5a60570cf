"""Postural sway over a balance hold: path, range and mean speed of the pelvis and the shoulders, arm excursions.

Measured in the picture's horizontal axis, in leg lengths (see :func:`compute_sway`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.core.butterworth import filter_butterworth
from movequal.core.filtering import compute_sampling_rate, interpolate_gaps
from movequal.core.views import View
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
SwayAxis = Literal["mediolateral", "anteroposterior", "mixed"]
MAX_GAP_S = 0.5
"""Gaps in the hips' or shoulders' track up to this long are bridged."""


@dataclass(frozen=True)
class SwayWindow:
    """Which part of a stance sway is measured over.

    Parameters
    ----------
    settle_s : float
        Left out after foot-off: the weight's transfer onto the stance foot
        settles first.
    end_trim_s : float
        Left out before a touch-down or a step, when the foot is already moving.
    min_s : float
        Shortest window measured (a hold of ``settle_s + end_trim_s + min_s``
        at least).
    """

    settle_s: float
    end_trim_s: float
    min_s: float


HOLD_WINDOW = SwayWindow(settle_s=1.0, end_trim_s=0.5, min_s=2.0)
"""A balance test's hold: the settled stance between the transfer and the touch-down."""
PHASE_WINDOW = SwayWindow(settle_s=0.0, end_trim_s=0.0, min_s=0.3)
"""The single-leg phase of another task (a hurdle step, a leg raise): all of it, transfer included."""
SWAY_CUTOFF_HZ = 2.0
"""Low-pass cut-off for the sway signals (4th-order, zero lag).

Notes
-----
The body's centre of mass sways slowly: in quiet and single-leg stance its
power lies below about 1-2 Hz (Winter 1995, Gait Posture 3:193-214, the body
as an inverted pendulum that low-pass filters the centre of pressure). Above
that the pose model's jitter dominates, and a path length summed over jitter
grows without bound, so it is cut off.
"""


@dataclass(frozen=True)
class Sway:
    """Sway of the pelvis and the shoulders over one measurement window (leg lengths, seconds).

    ``axis`` is the horizontal direction the picture shows: side to side from
    the front or the back, forwards and backwards from the side, a blend of
    both from an oblique view.
    """

    axis: SwayAxis
    start: float
    end: float
    pelvis_path: float
    pelvis_range: float
    shoulders_path: float
    shoulders_range: float
    arm_excursion: float

    @property
    def duration_s(self) -> float:
        """Length of the measurement window."""
        return self.end - self.start

    @property
    def pelvis_velocity(self) -> float:
        """Mean speed of the pelvis along ``axis`` (leg lengths per second)."""
        return self.pelvis_path / self.duration_s

    @property
    def shoulders_velocity(self) -> float:
        """Mean speed of the shoulders along ``axis`` (leg lengths per second)."""
        return self.shoulders_path / self.duration_s


def sway_axis(view: View) -> SwayAxis:
    """Return the horizontal direction of sway the camera sees from ``view``."""
    if view == "frontal":
        return "mediolateral"
    return "anteroposterior" if view in ("sagittal-left", "sagittal-right") else "mixed"


def _smoothed(values: FloatArray, t: FloatArray, fps: float) -> FloatArray:
    bridged = interpolate_gaps(values, t, MAX_GAP_S)
    return filter_butterworth(bridged, fps, SWAY_CUTOFF_HZ, timestamps=t, max_gap_s=MAX_GAP_S)


def _midpoint_x(px: FloatArray, names: tuple[str, str]) -> FloatArray:
    pair = px[:, [IDX[names[0]], IDX[names[1]]], 0]
    both = np.isfinite(pair).all(axis=1)
    x = np.full(len(px), np.nan)
    x[both] = pair[both].mean(axis=1)
    return x


MAX_JITTER_SHARE = 0.5
"""Above this share of jitter in the path's frame-to-frame variance, the path is not measurable."""


def estimate_jitter(raw: FloatArray) -> float:
    """Return the standard deviation of frame-to-frame jitter in a slowly moving track (robust, same units).

    Notes
    -----
    From the second differences: white jitter of SD σ gives second
    differences of SD σ√6, while a sway below 2 Hz filmed at 25 frames/s or
    more barely has any. The median absolute deviation keeps a few
    mistracked frames out.
    """
    second = np.diff(raw, 2)
    second = second[np.isfinite(second)]
    if len(second) < 10:
        return float("nan")
    return float(1.4826 * np.median(np.abs(second - np.median(second))) / np.sqrt(6.0))


@lru_cache(maxsize=16)
def _increment_gain(fps: float) -> float:
    """Return the SD of one frame's change of low-passed white noise of SD 1 (the filter's own figure)."""
    impulse = np.zeros(int(20 * fps) | 1)
    impulse[len(impulse) // 2] = 1.0
    response = filter_butterworth(impulse, fps, SWAY_CUTOFF_HZ)
    return float(np.sqrt(np.sum(np.diff(response) ** 2)))


def compute_path_without_jitter(raw: FloatArray, smoothed: FloatArray, fps: float) -> float:
    """Return the path of ``smoothed`` (the low-passed ``raw``) less what the jitter left after filtering adds.

    Notes
    -----
    The low-pass leaves part of the pose model's jitter, and a summed path
    counts every wiggle of it: at 2 px of jitter it added 13-19 % to the
    synthetic holds' paths. With the sway's and the jitter's frame-to-frame
    changes independent and roughly normal, the mean absolute change grows
    with the root of the summed variances, so the path is scaled by
    ``sqrt(1 - v_jitter / v_measured)``, where ``v_jitter`` is the jitter's
    variance (:func:`estimate_jitter`) passed through the filter. This assumes
    white jitter; jitter that is correlated from frame to frame is
    underestimated, so the path then stays somewhat long rather than too short.
    When the jitter makes up more than :data:`MAX_JITTER_SHARE` of the
    measured changes' variance, the sway is below what the tracking can tell:
    NaN (not measurable) rather than a path near zero.
    """
    changes = np.diff(smoothed)
    changes = changes[np.isfinite(changes)]
    if len(changes) < 2:
        return float("nan")
    path = float(np.sum(np.abs(changes)))
    jitter = estimate_jitter(raw) * _increment_gain(round(fps, 3))
    measured = float(np.mean(changes**2))
    if not np.isfinite(jitter) or measured <= 0:
        return path
    share = jitter**2 / measured
    if share > MAX_JITTER_SHARE:
        return float("nan")  # the sway's own movement is below what the tracking can tell
    return path * float(np.sqrt(1.0 - share))


def _extent(x: FloatArray) -> float:
    return float(np.nanmax(x) - np.nanmin(x)) if np.isfinite(x).any() else float("nan")


def _mostly_seen(x: FloatArray) -> bool:
    return bool(np.isfinite(x).mean() >= 0.8)


def compute_sway(
    pose: PoseSequence,
    view: View,
    leg_px: float,
    span: tuple[float, float],
    *,
    trim_end: bool = True,
    window: SwayWindow = HOLD_WINDOW,
) -> tuple[Sway | None, str | None]:
    """Measure sway over a hold's ``span`` (start, end in s): path, range and arm excursion in leg lengths.

    Returns
    -------
    tuple of (Sway or None, str or None)
        The sway, or None and the reason it is not measurable.

    Notes
    -----
    ``window`` says what is left out after the start and, when the hold
    ended by a touch-down or a step (``trim_end``), before its end
    (:data:`HOLD_WINDOW` by default). Along the picture's horizontal axis
    only: a single camera does not see depth well enough for the other
    horizontal direction, so a front view gives side-to-side sway, a side view
    forwards-and-backwards sway. Path length is the summed movement of the
    low-passed (:data:`SWAY_CUTOFF_HZ`) midpoint of the hips (pelvis) and of
    the shoulders. The arm excursion is the farthest either (low-passed)
    wrist moved from its median place relative to the pelvis, a sign of the
    arms being used to stay upright. Without the hips for a fifth of the
    window there is no sway; without the shoulders or the wrists only their
    measures are NaN.
    """
    trim = window.end_trim_s if trim_end else 0.0
    lo, hi = span[0] + window.settle_s, span[1] - trim
    if hi - lo < window.min_s:
        return None, f"the hold was too short to measure sway (it needs {window.settle_s + window.min_s + trim:g} s)"
    t = pose.timestamps
    px = pose.image_pixels()
    fps = compute_sampling_rate(pose)
    inside = (t >= lo) & (t <= hi)
    raw_pelvis, raw_shoulders = (
        _midpoint_x(px, ("left_hip", "right_hip")),
        _midpoint_x(px, ("left_shoulder", "right_shoulder")),
    )
    pelvis = _smoothed(raw_pelvis, t, fps)[inside]
    if not _mostly_seen(pelvis):
        return None, "the hips were not seen for much of the hold"
    shoulders = _smoothed(raw_shoulders, t, fps)[inside]
    if not _mostly_seen(shoulders):
        shoulders = np.full_like(shoulders, np.nan)
    return (
        Sway(
            axis=sway_axis(view),
            start=lo,
            end=hi,
            pelvis_path=compute_path_without_jitter(raw_pelvis[inside], pelvis, fps) / leg_px,
            pelvis_range=_extent(pelvis) / leg_px,
            shoulders_path=compute_path_without_jitter(raw_shoulders[inside], shoulders, fps) / leg_px,
            shoulders_range=_extent(shoulders) / leg_px,
            arm_excursion=_arm_excursion(px, t, fps, inside) / leg_px,
        ),
        None,
    )


def _arm_excursion(px: FloatArray, t: FloatArray, fps: float, inside: NDArray[np.bool_]) -> float:
    """Return how far either wrist moved from its median place relative to the hips, pixels (NaN: not seen)."""
    hips = px[:, [IDX["left_hip"], IDX["right_hip"]]].mean(axis=1)
    farthest = float("nan")
    for side in ("left", "right"):
        relative = px[:, IDX[f"{side}_wrist"]] - hips
        wrist = np.stack([_smoothed(relative[:, k], t, fps) for k in (0, 1)], axis=1)[inside]
        seen = np.isfinite(wrist).all(axis=1)
        if seen.mean() < 0.8:
            continue
        reach = float(np.max(np.linalg.norm(wrist[seen] - np.median(wrist[seen], axis=0), axis=1)))
        farthest = reach if not np.isfinite(farthest) else max(farthest, reach)
    return farthest
