"""Single-leg phase, sway and test–retest reliability on UI-PRMD motion capture, independent of the camera.

The truth side of :mod:`eval.evaluate_uiprmd_balance`. Landmarks are the
body-frame joint centres of :func:`eval.uiprmd.load_recording` (forward, up,
left; metres). The single-leg phase is read from the moving foot's height in
3D with the thresholds the core reads it with in the picture
(:data:`movequal.core.balance.LIFT_ON` / ``LIFT_OFF``, in leg lengths), and sway
is measured on the same landmarks (hip-centre and shoulder mid-points) after
the same low-pass (:data:`movequal.core.sway.SWAY_CUTOFF_HZ`), along the
body's mediolateral or anteroposterior axis.

:func:`icc_a1` is the intraclass correlation ICC(2,1) (Shrout & Fleiss 1979,
Psychol Bull 86:420-428; ICC(A,1) of McGraw & Wong 1996, Psychol Methods
1:30-46) with McGraw & Wong's F-based 95 % interval, the standard error of
measurement and the minimum detectable change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from movequal.core.balance import LIFT_OFF, LIFT_ON
from movequal.core.butterworth import filter_butterworth
from movequal.core.filtering import interpolate_gaps
from movequal.core.kinematics import compute_joint_angle
from movequal.core.runs import find_runs
from movequal.core.sway import SWAY_CUTOFF_HZ, Sway
from movequal.pose.skeleton import LANDMARK_INDEX as IDX

FloatArray = NDArray[np.float64]
BodyAxis = Literal["mediolateral", "anteroposterior"]
AXIS_COLUMN: dict[BodyAxis, int] = {"mediolateral": 2, "anteroposterior": 0}
"""Column of the body frame (forward, up, left) each horizontal axis is read from."""
UP = 1
FLOOR_PERCENTILE = 5.0
"""A foot's floor level: this percentile of its lowest point's height over the file (it stands for most of it)."""
MAX_GAP_S = 0.5


@dataclass(frozen=True)
class Phase:
    """The single-leg phase of one file: foot-off and touch-down of the moving foot (s)."""

    start: float
    end: float
    start_censored: bool
    """The foot was already off the floor in the first frame: ``start`` is the file's start."""
    end_censored: bool
    runs: int
    """Single-leg runs found in the file (one expected); the longest is the phase."""

    @property
    def duration_s(self) -> float:
        """Foot-off to touch-down."""
        return self.end - self.start


def foot_lift(points: FloatArray, side: str, leg: float) -> FloatArray:
    """Lowest of ankle, heel and toe above that foot's floor level (:data:`FLOOR_PERCENTILE`), leg lengths."""
    feet = points[:, [IDX[f"{side}_ankle"], IDX[f"{side}_heel"], IDX[f"{side}_foot_index"]], UP]
    lowest = np.nanmin(feet, axis=1)
    return np.asarray((lowest - np.nanpercentile(lowest, FLOOR_PERCENTILE)) / leg)


def hysteresis(signal: FloatArray, on: float, off: float) -> NDArray[np.bool_]:
    """Return True from where ``signal`` reaches ``on`` until it falls below ``off`` (NaN keeps the state)."""
    out = np.zeros(len(signal), dtype=bool)
    state = False
    for k, value in enumerate(signal):
        if np.isfinite(value):
            state = bool(value >= (off if state else on))
        out[k] = state
    return out


def crossing(signal: FloatArray, t: FloatArray, k: int, level: float) -> float:
    """Time where ``signal`` crosses ``level`` between frames ``k`` and ``k + 1``, linearly interpolated."""
    a, b = signal[k], signal[k + 1]
    if not (np.isfinite(a) and np.isfinite(b)) or a == b:
        return float(t[k + 1])
    return float(t[k] + np.clip((level - a) / (b - a), 0.0, 1.0) * (t[k + 1] - t[k]))


def find_phase(points: FloatArray, t: FloatArray, moving: str, leg: float) -> Phase | None:
    """Single-leg phase: the moving foot above :data:`LIFT_ON` (hysteresis to ``LIFT_OFF``), the other one down.

    Foot-off is the moving foot's last rise through ``LIFT_OFF`` before it
    reached ``LIFT_ON``, touch-down its fall back through ``LIFT_OFF``, both
    interpolated between frames. None when the foot never leaves the floor.
    """
    stance = "left" if moving == "right" else "right"
    lift = foot_lift(points, moving, leg)
    up = hysteresis(lift, LIFT_ON, LIFT_OFF) & ~(foot_lift(points, stance, leg) >= LIFT_ON)
    runs = find_runs(up)
    if not runs:
        return None
    first, last = max(runs, key=lambda run: run[1] - run[0])
    k = first
    while k > 0 and lift[k - 1] >= LIFT_OFF:
        k -= 1
    start = crossing(lift, t, k - 1, LIFT_OFF) if k > 0 else float(t[0])
    end = crossing(lift, t, last, LIFT_OFF) if last + 1 < len(t) else float(t[-1])
    return Phase(start, end, k == 0, last + 1 >= len(t), len(runs))


def stance_knee_flexion(points: FloatArray, fps: float, phase: Phase, stance: str) -> float:
    """Median knee flexion of the standing leg over the phase (°, 3D: 180° minus the hip–knee–ankle angle)."""
    t = np.arange(len(points)) / fps
    inside = (t >= phase.start) & (t <= phase.end)
    hip, knee, ankle = (points[inside, IDX[f"{stance}_{j}"]] for j in ("hip", "knee", "ankle"))
    return float(np.nanmedian(180.0 - compute_joint_angle(hip, knee, ankle)))


@dataclass(frozen=True)
class SwayValues:
    """Sway along one axis over one window, leg lengths (the camera's :class:`~movequal.core.sway.Sway` in 3D)."""

    duration_s: float
    pelvis_path: float
    pelvis_range: float
    shoulders_path: float
    shoulders_range: float
    arm_excursion: float

    @classmethod
    def from_sway(cls, sway: Sway, duration_s: float) -> SwayValues:
        """Return the camera's sway (:func:`movequal.core.sway.compute_sway`) over a phase of ``duration_s``."""
        parts = (sway.pelvis_path, sway.pelvis_range, sway.shoulders_path, sway.shoulders_range, sway.arm_excursion)
        return cls(duration_s, *parts)

    @property
    def pelvis_velocity(self) -> float:
        """Mean speed of the pelvis along the axis, leg lengths per second."""
        return self.pelvis_path / self.duration_s

    @property
    def shoulders_velocity(self) -> float:
        """Mean speed of the shoulders along the axis, leg lengths per second."""
        return self.shoulders_path / self.duration_s


@dataclass(frozen=True)
class Measure:
    """A balance measure, its unit, and the direction declared (before computing) to mean "incorrect"."""

    name: str
    label: str
    read: Callable[[SwayValues], float]
    fmt: str
    sway: bool = True
    """A sway measure: its AUC is reported, larger = incorrect (incorrect repetitions sway more)."""


MEASURES = (
    Measure("duration", "single-leg phase duration (s)", lambda s: s.duration_s, ".2f", sway=False),
    Measure("pelvis_velocity", "pelvis mean velocity (leg lengths/s)", lambda s: s.pelvis_velocity, ".3f"),
    Measure("pelvis_range", "pelvis range (leg lengths)", lambda s: s.pelvis_range, ".3f"),
    Measure("shoulders_velocity", "shoulders mean velocity (leg lengths/s)", lambda s: s.shoulders_velocity, ".3f"),
    Measure("arm_excursion", "arm excursion (leg lengths)", lambda s: s.arm_excursion, ".3f"),
)
"""Declared before any AUC was computed: every sway measure larger in incorrect repetitions."""


def _low_passed(points: FloatArray, names: tuple[str, str], column: int, t: FloatArray, fps: float) -> FloatArray:
    mid = 0.5 * (points[:, IDX[names[0]], column] + points[:, IDX[names[1]], column])
    return filter_butterworth(interpolate_gaps(mid, t, MAX_GAP_S), fps, SWAY_CUTOFF_HZ)


def _path_range(x: FloatArray) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return float("nan"), float("nan")
    return float(np.sum(np.abs(np.diff(x)))), float(np.ptp(x))


def arm_excursion(points: FloatArray, column: int) -> float:
    """Farthest either wrist moves from its median place relative to the hip mid-point, in the plane of ``column``.

    The plane is the horizontal axis a camera sees (``column``) and the
    vertical, as :func:`movequal.core.sway.compute_sway` reads it in the picture.
    """
    hips = 0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]])
    farthest = float("nan")
    for side in ("left", "right"):
        wrist = (points[:, IDX[f"{side}_wrist"]] - hips)[:, [column, UP]]
        wrist = wrist[np.isfinite(wrist).all(axis=1)]
        if len(wrist) >= 2:
            farthest = np.fmax(farthest, float(np.max(np.linalg.norm(wrist - np.median(wrist, axis=0), axis=1))))
    return float(farthest)


def measure_sway(points: FloatArray, fps: float, span: tuple[float, float], leg: float, axis: BodyAxis) -> SwayValues:
    """Sway over ``span`` (s) along ``axis``: the whole file low-passed first, then cut, as the core does."""
    t = np.arange(len(points)) / fps
    column = AXIS_COLUMN[axis]
    pelvis = _low_passed(points, ("left_hip", "right_hip"), column, t, fps)
    shoulders = _low_passed(points, ("left_shoulder", "right_shoulder"), column, t, fps)
    inside = (t >= span[0]) & (t <= span[1])
    p_path, p_range = _path_range(pelvis[inside])
    s_path, s_range = _path_range(shoulders[inside])
    arms = arm_excursion(points[inside], column)
    return SwayValues(span[1] - span[0], p_path / leg, p_range / leg, s_path / leg, s_range / leg, arms / leg)


@dataclass(frozen=True)
class Reliability:
    """ICC(2,1) of an (n subjects × k trials) table, its 95 % interval, SEM and MDC95."""

    n: int
    k: int
    icc: float
    low: float
    high: float
    mean: float
    sd: float
    """Pooled SD of all trials (ddof 1)."""

    @property
    def sem(self) -> float:
        """Standard error of measurement, SD × sqrt(1 − ICC)."""
        return float(self.sd * np.sqrt(1.0 - self.icc))

    @property
    def mdc95(self) -> float:
        """Minimum detectable change at 95 %: 1.96 × sqrt(2) × SEM."""
        return float(1.96 * np.sqrt(2.0) * self.sem)


def icc_a1(table: FloatArray, alpha: float = 0.05) -> Reliability:
    """ICC(2,1): two-way random effects, absolute agreement, single measurement, from the ANOVA mean squares.

    Rows are subjects, columns trials (or raters); the table must be complete.
    The interval is McGraw & Wong's (1996) F-based one for ICC(A,1), with
    Satterthwaite's degrees of freedom for the combined error.
    """
    y = np.asarray(table, dtype=np.float64)
    n, k = y.shape
    grand = y.mean()
    ss_rows = k * np.sum((y.mean(axis=1) - grand) ** 2)
    ss_cols = n * np.sum((y.mean(axis=0) - grand) ** 2)
    ss_err = np.sum((y - grand) ** 2) - ss_rows - ss_cols
    msr, msc, mse = ss_rows / (n - 1), ss_cols / (k - 1), ss_err / ((n - 1) * (k - 1))
    icc = (msr - mse) / (msr + (k - 1) * mse + k / n * (msc - mse))
    a = k * icc / (n * (1.0 - icc))
    b = 1.0 + k * icc * (n - 1) / (n * (1.0 - icc))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    f_low = stats.f.ppf(1.0 - alpha / 2.0, n - 1, v)
    f_high = stats.f.ppf(1.0 - alpha / 2.0, v, n - 1)
    spread = k * msc + (k * n - k - n) * mse
    low = n * (msr - f_low * mse) / (f_low * spread + n * msr)
    high = n * (f_high * msr - mse) / (spread + n * f_high * msr)
    return Reliability(n, k, float(icc), float(low), float(high), float(grand), float(np.std(y, ddof=1)))


def balanced(per_subject: list[list[float]]) -> FloatArray | None:
    """Return an (n × k) table for :func:`icc_a1`: each subject's first k finite trials, k the fewest any has.

    None when a subject has fewer than two.
    """
    finite = [[v for v in values if np.isfinite(v)] for values in per_subject]
    k = min(len(values) for values in finite)
    return np.asarray([values[:k] for values in finite], dtype=np.float64) if k >= 2 else None


def error_cells(errors: list[float]) -> list[str]:
    """Count, median signed error and 95th percentile of the absolute error, as table cells."""
    if not errors:
        return ["0", "—", "—"]
    e = np.asarray(errors, dtype=np.float64)
    return [f"{len(e)}", f"{np.median(e):+.0f}", f"{np.percentile(np.abs(e), 95):.0f}"]


def agreement_cells(values: FloatArray) -> list[str]:
    """Camera vs truth, rows (camera, truth, truth over the camera's window), as table cells.

    n, truth and camera medians, median signed and absolute % error against
    the truth, Spearman ρ, and the % errors against the truth over the
    camera's window. Rows with a NaN are left out.
    """
    values = values[np.isfinite(values).all(axis=1)]
    if len(values) < 3:
        return [f"{len(values)}", *["—"] * 7]
    camera, truth, same = values.T
    error, window_error = 100.0 * (camera - truth) / truth, 100.0 * (camera - same) / same
    rho = float(stats.spearmanr(camera, truth).statistic)
    medians = [f"{np.median(truth):.3f}", f"{np.median(camera):.3f}"]
    errors = [f"{np.median(error):+.0f}", f"{np.median(np.abs(error)):.0f}", f"{rho:.2f}"]
    return [
        f"{len(values)}",
        *medians,
        *errors,
        f"{np.median(window_error):+.0f}",
        f"{np.median(np.abs(window_error)):.0f}",
    ]
