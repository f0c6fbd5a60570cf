"""Parameters and rep layout of a synthetic forward reach (the Functional Reach Test).

:class:`ForwardReach` checks its values on creation; :meth:`ForwardReach.layout`
turns them and the spec's rep count into the clip's event times
(:class:`ForwardReachLayout`), which both the spec (for the clip's length) and
the generator (:mod:`.forward_reach`) read. The ground truth,
:class:`~movequal.synthetic.forward_reach_truth.ForwardReachTruth`, is in
:mod:`.forward_reach_truth`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.gait import check

FloatArray = NDArray[np.float64]
ForwardReachArms = Literal["right", "left", "both"]
ARMS: tuple[str, ...] = ("right", "left", "both")
LIMIT_S = 60.0
"""Longest phase accepted (seconds)."""
MAX_REACH_M = 0.6
"""Longest planted reach (metres); the reach drawn per rep is cut to ``[0, MAX_REACH_M]``."""


@dataclass(frozen=True)
class ForwardReach:
    """A Functional Reach Test (Duncan et al. 1990), ``reps`` trials with the feet planted.

    Each trial: the arm(s) rise forward from hanging to horizontal (90° of
    shoulder flexion, hand at shoulder height: the *start position*), a
    brief pause there, then the subject reaches forward as far as they can
    with the arm kept horizontal, holds, comes back upright and lowers the
    arm. Rests with the arms hanging come before, between and after the
    trials.

    Parameters
    ----------
    arms : {"right", "left", "both"}
        Which arm(s) reach; a single-arm reach leaves the other hanging.
    reach_m : float
        Planted reach distance (metres, 0–0.6): the forward travel of the
        reaching hand's wrist (both arms: of the two wrists' mid-point) from
        the start position to the furthest point. The ``*_index``
        landmarks travel exactly as far (the hand is carried, not turned).
    reach_sd_m : float
        Standard deviation of a trial's reach about ``reach_m`` (metres,
        0–0.1; drawn per trial from the spec's ``seed``, cut to 0–0.6); 0
        makes every trial the same.
    hip_share : float
        Strategy mix (0–1): the fraction of the reach (after what the planted
        faults contribute) produced by the hip strategy, the trunk flexing at
        the hips while the pelvis moves back and the centre of mass stays
        over the ankles; the rest comes from the ankle strategy, the whole
        body tipping forward about the ankles. The hip strategy stops at
        the trunk 75° forward (about 0.13 body heights of reach, 0.23 m for
        1.75 m); the ankle strategy makes up anything beyond.
    raise_s, reach_s, return_s, lower_s : float
        Durations (seconds, 0.2–60) of raising the arm to the start
        position, reaching to the furthest point, coming back upright to the
        start position and lowering the arm.
    ready_s, hold_s, rest_s : float
        Durations (seconds, 0–60) of the pause at the start position, the
        hold at the furthest point, and the rests with the arms hanging
        (before the first trial, between trials and after the last).
    heel_rise_m : float
        Planted fault (metres, 0–0.08): at the furthest point both heel
        landmarks are this far above the floor; the feet pivot on their toes
        (which stay down), in proportion to the reach's progress.
    step_m : float
        Planted fault (metres, 0–0.4): in trial ``step_rep`` the front foot
        (the reaching side's; both arms: the right) steps forward by this
        much during the second half of the reach, stays there through the
        hold and steps back during the first half of the return (an invalid
        trial). 0 plants no step.
    step_rep : int
        0-based index of the trial that steps (less than the spec's
        ``reps``).
    trunk_rotation_deg : float
        Planted fault (degrees, -30–30): at the furthest point the shoulder
        line is turned about the vertical by this angle against the hip line,
        + bringing the reaching shoulder forward (both arms: the right
        shoulder), in proportion to the reach's progress.

    Notes
    -----
    The planted reach is exact whatever the faults: a heel rise (which moves
    the ankles forward) and a trunk rotation (which moves the reaching
    shoulder forward) are counted first, and the strategies supply the rest.
    A step changes only the legs (the pelvis lowers so the stepping leg
    reaches its foot), not the reach.

    A forward reach uses none of :class:`~movequal.synthetic.spec.Faults`,
    nor the spec's ``rep_duration_s`` and ``pause_s``: the clip lasts
    :meth:`clip_seconds`.
    """

    arms: ForwardReachArms = "right"
    reach_m: float = 0.30
    reach_sd_m: float = 0.0
    hip_share: float = 0.6
    raise_s: float = 1.0
    ready_s: float = 0.5
    reach_s: float = 2.0
    hold_s: float = 1.0
    return_s: float = 1.5
    lower_s: float = 1.0
    rest_s: float = 1.0
    heel_rise_m: float = 0.0
    step_m: float = 0.0
    step_rep: int = 0
    trunk_rotation_deg: float = 0.0

    def __post_init__(self) -> None:
        """Check the ranges."""
        check(self.arms in ARMS, "arms", f"one of {ARMS}", self.arms)
        check(0.0 <= self.reach_m <= MAX_REACH_M, "reach_m", f"metres in [0, {MAX_REACH_M}]", self.reach_m)
        check(0.0 <= self.reach_sd_m <= 0.1, "reach_sd_m", "metres in [0, 0.1]", self.reach_sd_m)
        check(0.0 <= self.hip_share <= 1.0, "hip_share", "a fraction in [0, 1]", self.hip_share)
        for name in ("raise_s", "reach_s", "return_s", "lower_s"):
            value = getattr(self, name)
            check(0.2 <= value <= LIMIT_S, name, f"seconds in [0.2, {LIMIT_S:.0f}]", value)
        for name in ("ready_s", "hold_s", "rest_s"):
            value = getattr(self, name)
            check(0.0 <= value <= LIMIT_S, name, f"seconds in [0, {LIMIT_S:.0f}]", value)
        check(0.0 <= self.heel_rise_m <= 0.08, "heel_rise_m", "metres in [0, 0.08]", self.heel_rise_m)
        check(0.0 <= self.step_m <= 0.4, "step_m", "metres in [0, 0.4]", self.step_m)
        rep = self.step_rep
        is_int = isinstance(rep, int | np.integer) and not isinstance(rep, bool)
        check(is_int and rep >= 0, "step_rep", "a non-negative integer", rep)
        rotation = self.trunk_rotation_deg
        check(abs(rotation) <= 30.0, "trunk_rotation_deg", "degrees in [-30, 30]", rotation)

    @property
    def raised(self) -> tuple[bool, bool]:
        """Whether the left and the right arm reach."""
        return self.arms != "right", self.arms != "left"

    @property
    def side_sign(self) -> float:
        """+1 when the reaching side is the right (or both arms), -1 for the left arm."""
        return -1.0 if self.arms == "left" else 1.0

    @property
    def step_side(self) -> str:
        """The foot that steps when ``step_m > 0``: the reaching side's (both arms: the right)."""
        return "left" if self.arms == "left" else "right"

    @property
    def rep_seconds(self) -> float:
        """Duration of one trial: raise, pause at the start position, reach, hold, return and lowering."""
        return self.raise_s + self.ready_s + self.reach_s + self.hold_s + self.return_s + self.lower_s

    def clip_seconds(self, reps: int) -> float:
        """Clip duration for ``reps`` trials: the trials and ``reps + 1`` rests."""
        return reps * self.rep_seconds + (reps + 1) * self.rest_s

    def layout(self, reps: int) -> ForwardReachLayout:
        """Event times of the clip's ``reps`` trials (seconds from its first frame); see :class:`ForwardReachLayout`.

        Raises
        ------
        ValueError
            If ``step_rep`` is not one of the ``reps`` trials.
        """
        check(self.step_rep < reps, "step_rep", f"a trial index below reps={reps}", self.step_rep)
        starts = self.rest_s + np.arange(reps, dtype=np.float64) * (self.rep_seconds + self.rest_s)
        arm_ups = starts + self.raise_s
        reach_starts = arm_ups + self.ready_s
        arrivals = reach_starts + self.reach_s
        departures = arrivals + self.hold_s
        returns = departures + self.return_s
        return ForwardReachLayout(
            starts=starts,
            arm_ups=arm_ups,
            reach_starts=reach_starts,
            arrivals=arrivals,
            furthest=arrivals + 0.5 * self.hold_s,
            departures=departures,
            returns=returns,
            ends=returns + self.lower_s,
            end=self.clip_seconds(reps),
        )


@dataclass(frozen=True)
class ForwardReachLayout:
    """Event times of one forward-reach clip, seconds from the first frame, one value per trial.

    ``starts`` the arm leaves its hanging rest; ``arm_ups`` it is horizontal
    (the start position reached); ``reach_starts`` the reach begins (the end
    of the pause at the start position); ``arrivals`` the furthest point is
    reached; ``furthest`` the middle of the hold there (the trial's turning
    point); ``departures`` the return begins; ``returns`` the subject is back
    at the start position; ``ends`` the arm is hanging again. ``end`` is the
    clip's duration.
    """

    starts: FloatArray
    arm_ups: FloatArray
    reach_starts: FloatArray
    arrivals: FloatArray
    furthest: FloatArray
    departures: FloatArray
    returns: FloatArray
    ends: FloatArray
    end: float
