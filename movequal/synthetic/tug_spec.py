"""Parameters, phase layout and ground truth of a synthetic timed up-and-go (TUG).

:class:`Tug` checks its values on creation; :meth:`Tug.layout` turns them
into the clip's phase times (:class:`TugLayout`), which both the spec (for
the clip's length) and the generator (:mod:`.tug`) read. :class:`TugTruth`
holds the exact event times the generator planted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.gait import Gait, check

FloatArray = NDArray[np.float64]
TurnDirection = Literal["left", "right"]

RAMP_STEPS = 2.0
"""Gait initiation (speed 0 → steady) and each slowing into a turn last this many mean step times.

Healthy young adults reach their steady walking speed within the first one or
two steps of gait initiation (Jian et al. 1993, Gait Posture 1:9-22); a
slightly slower start suits the older subjects the TUG is meant for.
"""
STOP_STEPS = 1.0
"""After the turn in front of the chair the stepping dies out over this many mean step times."""
MAX_WALK_STEPS = 200
"""Most steps the walk machinery lays out (:class:`Gait` ``steps``), which bounds the walking span."""


@dataclass(frozen=True)
class Tug:
    """A timed up-and-go: sit, stand up, walk, turn, walk back, turn, sit down.

    Parameters
    ----------
    seated_before_s : float
        Seated still before the trunk starts leaning forward (``lean_onset``).
    stand_up_s : float
        Lean onset → upright (hips and knees fully extended). The hips leave
        the seat 35 % of the way through (at the peak of the trunk's lean).
    walk_m : float
        Distance along the initial facing direction from the feet's place at
        the chair to the spot where the subject turns (the test's 3 m line).
    gait : Gait
        The walking: cadence, step length (hence speed), stance fraction,
        arm swing, trunk flexion, lateral lean and limp. ``steps`` is
        ignored (the walk lasts as long as ``walk_m`` needs).
    turn_s : float
        Duration of the 180° turn at the far end.
    sit_turn_s : float
        Duration of the 180° turn in front of the chair.
    sit_down_s : float
        Start of the lowering → hips on the seat.
    seated_after_s : float
        Seated after the hips reach the seat, until the clip ends.
    chair_height_m : float
        Seat height; sets the seated knee flexion (about 94° for 0.45 m and
        a 1.75 m body). :func:`~movequal.synthetic.generate` raises
        ``ValueError`` if the body would need less than 70° or more than
        120° (a 0.45 m chair suits bodies from about 1.3 m up).
    turn_direction : {"left", "right"}
        Both turns go towards this side (the second continues the first).

    Notes
    -----
    Defaults follow a healthy older adult: a sit-to-stand of 1.5–2 s
    (Schenkman et al. 1990, Phys Ther 70:638-648), 180° turns of about 2 s
    (instrumented TUG, Salarian et al. 2010, IEEE TNSRE 18:303-310), and
    with the default gait (1.28 m/s) a test time ``total_s`` of about 14 s,
    in the 10–20 s band Podsiadlo & Richardson (1991, J Am Geriatr Soc
    39:142-148) associate with elderly people independent in basic
    transfers. Between the phases
    the subject accelerates and slows down over ``RAMP_STEPS`` step times,
    so a walk is ``walk_m / speed + RAMP_STEPS * step time`` long.
    """

    seated_before_s: float = 2.0
    stand_up_s: float = 1.6
    walk_m: float = 3.0
    gait: Gait = field(default_factory=Gait)
    turn_s: float = 1.8
    sit_turn_s: float = 1.8
    sit_down_s: float = 1.8
    seated_after_s: float = 1.5
    chair_height_m: float = 0.45
    turn_direction: TurnDirection = "left"

    def __post_init__(self) -> None:
        """Check the ranges."""
        for name in ("seated_before_s", "seated_after_s"):
            value = getattr(self, name)
            check(0.0 <= value <= 60.0, name, "seconds in [0, 60]", value)
        for name in ("stand_up_s", "turn_s", "sit_turn_s", "sit_down_s"):
            value = getattr(self, name)
            check(0.5 <= value <= 10.0, name, "seconds in [0.5, 10]", value)
        check(0.5 <= self.walk_m <= 20.0, "walk_m", "metres in [0.5, 20]", self.walk_m)
        check(isinstance(self.gait, Gait), "gait", "a Gait", self.gait)
        check(0.3 <= self.chair_height_m <= 0.7, "chair_height_m", "metres in [0.3, 0.7]", self.chair_height_m)
        check(self.turn_direction in ("left", "right"), "turn_direction", "'left' or 'right'", self.turn_direction)

    def layout(self, height_m: float) -> TugLayout:
        """Phase times of the test for a body of ``height_m`` (the step length, hence speed, scales with it).

        Raises
        ------
        ValueError
            If the walking span needs more steps than the walk machinery lays out.
        """
        step = self.gait.step_seconds
        speed = self.gait.step_length(height_m) / step
        ramp = min(RAMP_STEPS * step, self.walk_m / speed)
        steady = self.walk_m / speed - ramp
        leg = 2.0 * ramp + steady
        upright = self.seated_before_s + self.stand_up_s
        turn_start = upright + leg
        sit_turn_start = turn_start + self.turn_s + leg
        lowering = sit_turn_start + self.sit_turn_s + STOP_STEPS * step
        steps = math.ceil((lowering - upright) / step) + 2
        check(steps <= MAX_WALK_STEPS, "walk_m", f"a walk of at most {MAX_WALK_STEPS} steps", self.walk_m)
        return TugLayout(
            lean_onset=self.seated_before_s,
            upright=upright,
            turn_start=turn_start,
            turn_end=turn_start + self.turn_s,
            sit_turn_start=sit_turn_start,
            sit_turn_end=sit_turn_start + self.sit_turn_s,
            lowering_onset=lowering,
            seated=lowering + self.sit_down_s,
            end=lowering + self.sit_down_s + self.seated_after_s,
            ramp_s=ramp,
            steady_s=steady,
            speed_m_s=speed,
            step_s=step,
            steps=steps,
        )

    def clip_seconds(self, height_m: float) -> float:
        """Clip duration for a body of ``height_m``: from the first frame to the end of ``seated_after_s``."""
        return self.layout(height_m).end


@dataclass(frozen=True)
class TugLayout:
    """Phase times (seconds from the first frame) and walking constants of one TUG.

    ``ramp_s`` is the duration of each speed change (0 → steady and back),
    ``steady_s`` the time at full speed in each of the two walks, ``steps``
    the steps the walk machinery lays out from ``upright`` on.
    """

    lean_onset: float
    upright: float
    turn_start: float
    turn_end: float
    sit_turn_start: float
    sit_turn_end: float
    lowering_onset: float
    seated: float
    end: float
    ramp_s: float
    steady_s: float
    speed_m_s: float
    step_s: float
    steps: int


@dataclass(frozen=True)
class TugTruth:
    """Exact phase events of a synthetic TUG, in seconds from the first frame (generally between frames).

    Parameters
    ----------
    lean_onset : float
        The trunk starts leaning forward from the seated rest (start of the test).
    seat_off : float
        The hips leave the seat; the trunk's forward lean peaks at this instant.
    upright : float
        Hips and knees reach full extension (end of the stand-up).
    turn_start, turn_end : float
        The pelvis starts and stops yawing through the 180° turn at the far end.
    sit_turn_start, sit_turn_end : float
        The same for the turn in front of the chair.
    lowering_onset : float
        The hips start descending towards the seat (the trunk leans forward with it).
    seated : float
        The hips reach the seat (end of the test).
    total_s : float
        ``seated - lean_onset``.
    heel_strike_s : dict of str to ndarray
        Per side, the times the heel lands after a swing whose height is at
        least half of the steady walk's (walking, slowing down and stepping
        through the turns), ascending.
    speed_m_s : float
        Steady walking speed between the speed ramps.
    walk_m : float
        Distance from the chair's foot position to the far turn.
    turn_direction : str
        Side both turns go towards.
    """

    lean_onset: float
    seat_off: float
    upright: float
    turn_start: float
    turn_end: float
    sit_turn_start: float
    sit_turn_end: float
    lowering_onset: float
    seated: float
    total_s: float
    heel_strike_s: dict[str, FloatArray]
    speed_m_s: float
    walk_m: float
    turn_direction: str
