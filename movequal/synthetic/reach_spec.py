"""Parameters and rep layout of a synthetic overhead reach.

:class:`Reach` checks its values on creation; :meth:`Reach.layout` turns
them and the spec's rep count into the clip's event times
(:class:`ReachLayout`), which both the spec (for the clip's length) and the
generator (:mod:`.reach`) read. The ground truth,
:class:`~movequal.synthetic.reach_truth.ReachTruth`, is in :mod:`.reach_truth`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.gait import check

FloatArray = NDArray[np.float64]
ReachArms = Literal["both", "left", "right"]
ARMS: tuple[str, ...] = ("both", "left", "right")
LIMIT_S = 60.0
"""Longest phase accepted (seconds)."""


@dataclass(frozen=True)
class Reach:
    """An overhead reach: standing still, raise the arm(s) overhead and lower them, ``reps`` times.

    Parameters
    ----------
    arms : {"both", "left", "right"}
        Which arm(s) rise; a single-arm reach leaves the other hanging.
    plane_deg : float
        Plane of elevation, measured about the trunk's long axis from the
        sagittal plane towards the side of the arm: 0 = forward flexion,
        30 = scaption, 90 = abduction (0–90).
    peak_elevation_deg : float
        Elevation of the upper arm at the top of a rep: the 3D angle between
        shoulder → elbow and shoulder → hip of the same side (0–180). A
        hanging arm already reads about 9° (``ReachTruth.rest_elevation_deg``);
        the elevation goes from there to the peak.
    peak_sd_deg : float
        Standard deviation of a rep's peak elevation about
        ``peak_elevation_deg`` (drawn per rep from the spec's ``seed``,
        shared by both arms, cut to 0–180); 0 makes every rep the same.
    elbow_flexion_deg : float
        Elbow flexion at the top, 180 − angle(shoulder, elbow, wrist) (0–90).
    up_s, hold_s, down_s : float
        Durations of the raise, the hold at the top and the lowering.
    rest_s : float
        Standing with the arms hanging before the first rep, between reps
        and after the last.
    back_arch_deg : float
        Planted fault: at the top the trunk (hip mid-point → shoulder
        mid-point) is tilted this much further BACKWARD than standing (a
        lumbar extension; the pelvis slides forward on straight legs so the
        centre of mass stays over the ankles). 0–30.
    side_lean_deg : float
        Planted fault: at the top the trunk is bent sideways in the frontal
        plane by this angle, + away from the raised arm (both arms: +
        towards the subject's left). -30–30.

    Notes
    -----
    Both faults grow in proportion to the arm's elevation (zero at rest,
    full from the moment the arm reaches the top to the moment it leaves
    it). The reach uses none of :class:`~movequal.synthetic.spec.Faults`,
    nor the spec's ``rep_duration_s`` and ``pause_s``: the clip lasts
    :meth:`clip_seconds`.

    Defaults: a forward-overhead reach of both arms to 170° (about the
    normal range of shoulder flexion, 160–180°), elbows nearly straight, a
    rep of 2.9 s with a brief hold at the top.
    """

    arms: ReachArms = "both"
    plane_deg: float = 0.0
    peak_elevation_deg: float = 170.0
    peak_sd_deg: float = 0.0
    elbow_flexion_deg: float = 5.0
    up_s: float = 1.2
    hold_s: float = 0.5
    down_s: float = 1.2
    rest_s: float = 1.0
    back_arch_deg: float = 0.0
    side_lean_deg: float = 0.0

    def __post_init__(self) -> None:
        """Check the ranges."""
        check(self.arms in ARMS, "arms", f"one of {ARMS}", self.arms)
        check(0.0 <= self.plane_deg <= 90.0, "plane_deg", "degrees in [0, 90]", self.plane_deg)
        peak = self.peak_elevation_deg
        check(0.0 <= peak <= 180.0, "peak_elevation_deg", "degrees in [0, 180]", peak)
        check(0.0 <= self.peak_sd_deg <= 15.0, "peak_sd_deg", "degrees in [0, 15]", self.peak_sd_deg)
        elbow = self.elbow_flexion_deg
        check(0.0 <= elbow <= 90.0, "elbow_flexion_deg", "degrees in [0, 90]", elbow)
        for name in ("up_s", "down_s"):
            value = getattr(self, name)
            check(0.2 <= value <= LIMIT_S, name, f"seconds in [0.2, {LIMIT_S:.0f}]", value)
        for name in ("hold_s", "rest_s"):
            value = getattr(self, name)
            check(0.0 <= value <= LIMIT_S, name, f"seconds in [0, {LIMIT_S:.0f}]", value)
        check(0.0 <= self.back_arch_deg <= 30.0, "back_arch_deg", "degrees in [0, 30]", self.back_arch_deg)
        check(abs(self.side_lean_deg) <= 30.0, "side_lean_deg", "degrees in [-30, 30]", self.side_lean_deg)

    @property
    def raised(self) -> tuple[bool, bool]:
        """Whether the left and the right arm rise."""
        return self.arms != "right", self.arms != "left"

    @property
    def lean_sign(self) -> float:
        """Sign turning ``side_lean_deg`` into a lean towards the subject's left (+1, or -1 for the left arm)."""
        return -1.0 if self.arms == "left" else 1.0

    @property
    def rep_seconds(self) -> float:
        """Duration of one rep: raise, hold and lowering."""
        return self.up_s + self.hold_s + self.down_s

    def clip_seconds(self, reps: int) -> float:
        """Clip duration for ``reps`` reps: the reps and ``reps + 1`` rests."""
        return reps * self.rep_seconds + (reps + 1) * self.rest_s

    def layout(self, reps: int) -> ReachLayout:
        """Event times of the clip's ``reps`` reps (seconds from its first frame); see :class:`ReachLayout`."""
        starts = self.rest_s + np.arange(reps, dtype=np.float64) * (self.rep_seconds + self.rest_s)
        arrivals = starts + self.up_s
        departures = arrivals + self.hold_s
        return ReachLayout(
            starts=starts,
            arrivals=arrivals,
            tops=arrivals + 0.5 * self.hold_s,
            departures=departures,
            ends=departures + self.down_s,
            end=self.clip_seconds(reps),
        )


@dataclass(frozen=True)
class ReachLayout:
    """Event times of one reach clip, seconds from the first frame, one value per rep.

    ``starts`` the arm leaves its hanging rest; ``arrivals`` it reaches the
    top; ``tops`` the middle of the hold at the top (the rep's turning
    point); ``departures`` it starts down; ``ends`` it is hanging again.
    ``end`` is the clip's duration.
    """

    starts: FloatArray
    arrivals: FloatArray
    tops: FloatArray
    departures: FloatArray
    ends: FloatArray
    end: float
