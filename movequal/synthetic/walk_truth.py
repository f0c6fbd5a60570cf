"""Ground truth of a synthetic walk: exact gait events, step parameters and the walk-only angle series.

Definitions (degrees):

- ``shoulder_flexion_{side}``: angle of the upper arm (shoulder → elbow) from
  the trunk line (shoulder mid-point → hip mid-point), sagittal plane, +
  when the elbow is in front of the trunk line.
- ``trunk_lateral_lean``: hip mid-point → shoulder mid-point line from
  vertical in the frontal plane, + towards the subject's left.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic.body import FWD, LEFT, UP
from movequal.synthetic.gait import GaitTruth
from movequal.synthetic.spec import SyntheticSpec
from movequal.synthetic.stride import Schedule

FloatArray = NDArray[np.float64]
SIDES = ("left", "right")


def _from_down(v: FloatArray) -> FloatArray:
    """Angle (rad) of body-frame vectors (T, 3) from straight down in the sagittal plane, + forward."""
    return np.asarray(np.arctan2(v[:, FWD], -v[:, UP]))


def walk_angles(points: FloatArray) -> dict[str, FloatArray]:
    """Walk-only truth series from noise-free body-frame landmarks (T, 33, 3); see the module docstring."""
    hip_mid = 0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]])
    shoulder_mid = 0.5 * (points[:, IDX["left_shoulder"]] + points[:, IDX["right_shoulder"]])
    trunk = shoulder_mid - hip_mid
    out = {"trunk_lateral_lean": np.degrees(np.arctan2(trunk[:, LEFT], trunk[:, UP]))}
    for side in SIDES:
        arm = points[:, IDX[f"{side}_elbow"]] - points[:, IDX[f"{side}_shoulder"]]
        out[f"shoulder_flexion_{side}"] = np.degrees(_from_down(arm) - _from_down(-trunk))
    return {name: np.asarray(values, dtype=np.float64) for name, values in out.items()}


def _per_side(times: FloatArray, foot: NDArray[np.int64], inside: NDArray[np.bool_]) -> dict[str, FloatArray]:
    return {side: np.asarray(times[inside & (foot == s)], dtype=np.float64) for s, side in enumerate(SIDES)}


def gait_truth(sch: Schedule, spec: SyntheticSpec, angles: dict[str, FloatArray], end_s: float) -> GaitTruth:
    """Collect the gait events and step parameters that fall in the clip ``[0, end_s]`` seconds.

    Notes
    -----
    Events come straight from the schedule, not from frames, so they are
    exact and generally fall between frames. A step is counted when both
    of its heel strikes are in the clip, a stance when its heel strike and
    toe off are. ``arm_swing_deg`` is the planted peak-to-peak swing; the
    frame-sampled ``shoulder_flexion`` series can fall a little short of it
    because its extremes are at heel strikes.
    """
    gait = spec.gait

    def within(times: FloatArray) -> NDArray[np.bool_]:
        return np.asarray((times >= 0.0) & (times <= end_s))

    landed = within(sch.strike)
    step = landed & np.roll(landed, 1)
    step[0] = False
    whole = landed & within(sch.toe_off)
    swing = {"left": gait.arm_swing_left, "right": gait.arm_swing_right}
    return GaitTruth(
        heel_strike_s=_per_side(sch.strike, sch.foot, landed),
        foot_flat_s=_per_side(sch.flat, sch.foot, within(sch.flat)),
        heel_off_s=_per_side(sch.heel_off, sch.foot, within(sch.heel_off)),
        toe_off_s=_per_side(sch.toe_off, sch.foot, within(sch.toe_off)),
        step_side=tuple(SIDES[f] for f in sch.foot[step]),
        step_time_s=np.diff(sch.strike)[step[1:]],
        step_length_m=np.diff(sch.print_x)[step[1:]],
        stance_s=_per_side(sch.toe_off - sch.strike, sch.foot, whole),
        speed_m_s=sch.speed,
        cadence_spm=gait.cadence,
        stride_length_m=2.0 * sch.step_length,
        step_width_m=sch.step_width,
        trunk_flexion_deg=float(np.mean(angles["trunk_inclination"])),
        lateral_lean_deg=float(np.mean(angles["trunk_lateral_lean"])),
        arm_swing_deg={side: 2.0 * gait.arm_swing_deg * factor for side, factor in swing.items()},
        limp=gait.limp,
        limp_side=gait.limp_side,
        lean_sway_deg=gait.lean_sway_deg,
        circumduction_m=gait.circumduction_m,
        circumduction_side=gait.circumduction_side,
    )
