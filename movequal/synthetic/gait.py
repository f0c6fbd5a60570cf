"""Parameters and ground truth of a synthetic walk.

Both are frozen dataclasses; :class:`Gait` checks its values on creation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Side = Literal["left", "right"]
FloatArray = NDArray[np.float64]


def check(ok: bool, name: str, expected: str, value: object) -> None:
    """Raise ``ValueError`` naming the parameter, what it should be and what it is, unless ``ok``."""
    if not ok:
        raise ValueError(f"{name}: expected {expected}, got {value!r}")


@dataclass(frozen=True)
class Gait:
    """A straight walk at constant average speed, and the gait faults planted in it.

    Parameters
    ----------
    cadence : float
        Steps per minute (both feet counted), averaged over a stride.
    step_length_m : float or None
        Mean distance along the walk between consecutive footprints (heel
        contact points of opposite feet); ``None`` means ``0.4 * height_m``
        (0.70 m for 1.75 m).
    steps : int
        Steps in the clip: it holds ``steps + 1`` heel strikes, the first by
        the left foot half a step time after the clip starts.
    stance_fraction : float
        Stance time over stride time of a symmetric walk; each of the two
        double supports lasts ``stance_fraction - 0.5`` of the stride.
    arm_swing_deg : float
        Amplitude (±) of the upper arm's fore-aft swing about the vertical.
    arm_swing_left, arm_swing_right : float
        Factors (0–1) on ``arm_swing_deg`` per arm: < 1 plants a reduced arm
        swing on that side.
    trunk_flexion_deg : float
        Forward trunk inclination of the walk; ``Faults.trunk_lean_deg`` adds
        to it (a slouch).
    lateral_lean_deg : float
        Constant sideways trunk lean, positive towards the subject's left.
    lean_sway_deg : float
        Amplitude (±) of a sideways trunk sway towards the supporting foot,
        once per stride, on top of ``lateral_lean_deg``: peak-to-peak
        ``2 * lean_sway_deg`` in every stride (a waddling or Trendelenburg-like
        lean over each stance leg). 0 plants none.
    limp : float
        Step-time asymmetry (0–0.5): the step that ends on the sound foot
        lasts ``1 - limp / 2`` mean step times and is as much shorter, the
        step that ends on the affected foot ``1 + limp / 2``.
    limp_side : {"left", "right"}
        The affected (painful) side, whose stance is the shorter one.
    circumduction_m : float
        How far (metres) the ``circumduction_side`` foot swings out sideways
        at mid-swing, beyond its line of progression: it leaves and lands on
        its footprints as before and follows ``16 s^2 (1 - s)^2`` of this
        outward offset in between (``s`` the fraction of the swing). 0 plants
        none.
    circumduction_side : {"left", "right"}
        The leg that swings out.

    Notes
    -----
    Step length over step time is the same for both steps, so a limp changes
    neither the speed (``step_length * cadence / 60``) nor the stride. The
    double supports keep their duration, so the affected side's single
    support (the sound foot's swing) shrinks by ``limp / 2`` step times.
    """

    cadence: float = 110.0
    step_length_m: float | None = None
    steps: int = 10
    stance_fraction: float = 0.6
    arm_swing_deg: float = 20.0
    arm_swing_left: float = 1.0
    arm_swing_right: float = 1.0
    trunk_flexion_deg: float = 4.0
    lateral_lean_deg: float = 0.0
    limp: float = 0.0
    limp_side: Side = "right"
    lean_sway_deg: float = 0.0
    circumduction_m: float = 0.0
    circumduction_side: Side = "right"

    def __post_init__(self) -> None:
        """Check the ranges."""
        length = self.step_length_m
        check(40.0 <= self.cadence <= 180.0, "cadence", "steps per minute in [40, 180]", self.cadence)
        check(length is None or 0.15 <= length <= 1.0, "step_length_m", "None or metres in [0.15, 1]", length)
        check(2 <= self.steps <= 200, "steps", "an integer in [2, 200]", self.steps)
        fraction = self.stance_fraction
        check(0.52 <= fraction <= 0.7, "stance_fraction", "a value in [0.52, 0.7]", fraction)
        check(0.0 <= self.arm_swing_deg <= 45.0, "arm_swing_deg", "a value in [0, 45]", self.arm_swing_deg)
        for name in ("arm_swing_left", "arm_swing_right"):
            check(0.0 <= getattr(self, name) <= 1.0, name, "a factor in [0, 1]", getattr(self, name))
        flexion = self.trunk_flexion_deg
        check(-10.0 <= flexion <= 30.0, "trunk_flexion_deg", "a value in [-10, 30]", flexion)
        lean = self.lateral_lean_deg
        check(abs(lean) <= 20.0, "lateral_lean_deg", "a value in [-20, 20]", lean)
        check(0.0 <= self.limp <= 0.5, "limp", "a value in [0, 0.5]", self.limp)
        check(self.limp_side in ("left", "right"), "limp_side", "'left' or 'right'", self.limp_side)
        check(0.0 <= self.lean_sway_deg <= 15.0, "lean_sway_deg", "a value in [0, 15]", self.lean_sway_deg)
        circ = self.circumduction_m
        check(0.0 <= circ <= 0.3, "circumduction_m", "metres in [0, 0.3]", circ)
        side = self.circumduction_side
        check(side in ("left", "right"), "circumduction_side", "'left' or 'right'", side)

    @property
    def step_seconds(self) -> float:
        """Mean step time ``60 / cadence``."""
        return 60.0 / self.cadence

    def step_length(self, height_m: float) -> float:
        """Mean step length in metres for a body of ``height_m``."""
        return 0.4 * height_m if self.step_length_m is None else self.step_length_m

    @property
    def clip_seconds(self) -> float:
        """Clip duration: ``steps`` steps and half a mean step time before and after."""
        return (self.steps + 1) * self.step_seconds


@dataclass(frozen=True)
class GaitTruth:
    """Exact gait events and spatio-temporal parameters of a synthetic walk.

    Parameters
    ----------
    heel_strike_s, foot_flat_s, heel_off_s, toe_off_s : dict of str to ndarray
        Per side (``"left"``, ``"right"``), the times in seconds from the first
        frame of every event inside the clip, ascending; exact, so generally
        between frames. Heel strike: the heel lands (start of stance); foot
        flat: the toe lands too; heel off: the heel starts to rise while the
        foot rolls over its toe tip; toe off: the toe tip, the last point in
        contact, leaves the floor (end of stance).
    step_side : tuple of str
        Foot that lands at the end of each step, in time order.
    step_time_s : ndarray
        Time from each heel strike to the next (opposite foot's) one.
    step_length_m : ndarray
        Distance along the walk between the two footprints of each step
        (heel contact points), in metres.
    stance_s : dict of str to ndarray
        Per side, the durations of the stances that lie wholly in the clip.
    speed_m_s, cadence_spm, stride_length_m, step_width_m : float
        Walking speed, mean steps per minute, two-step length and the
        distance between the feet's lines of progression.
    trunk_flexion_deg, lateral_lean_deg : float
        Forward and sideways (+ towards the left) trunk inclinations: the
        means of the (constant) ``trunk_inclination`` and
        ``trunk_lateral_lean`` series.
    arm_swing_deg : dict of str to float
        Per side, the planted peak-to-peak range of ``shoulder_flexion_{side}``
        (``2 * arm_swing_deg * arm_swing_{side}``).
    limp : float
        Planted asymmetry: (long - short) / mean of the two step times.
    limp_side : str
        Affected side: its stance and the step that follows its heel strike
        are the short ones.
    lean_sway_deg : float
        Planted sideways sway amplitude (±, degrees) towards the supporting foot.
    circumduction_m : float
        Planted outward excursion of the ``circumduction_side`` foot at mid-swing.
    circumduction_side : str
        The leg that swings out.
    """

    heel_strike_s: dict[str, FloatArray]
    foot_flat_s: dict[str, FloatArray]
    heel_off_s: dict[str, FloatArray]
    toe_off_s: dict[str, FloatArray]
    step_side: tuple[str, ...]
    step_time_s: FloatArray
    step_length_m: FloatArray
    stance_s: dict[str, FloatArray]
    speed_m_s: float
    cadence_spm: float
    stride_length_m: float
    step_width_m: float
    trunk_flexion_deg: float
    lateral_lean_deg: float
    arm_swing_deg: dict[str, float]
    limp: float
    limp_side: str
    lean_sway_deg: float = 0.0
    circumduction_m: float = 0.0
    circumduction_side: str = "right"
