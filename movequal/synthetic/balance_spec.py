"""Parameters and event layout of a synthetic static balance hold.

:class:`Balance` checks its values on creation; :meth:`Balance.layout` turns
them into the clip's event times (:class:`BalanceLayout`), which both the
spec (for the clip's length) and the generator (:mod:`.balance`) read. The
ground truth, :class:`~movequal.synthetic.balance_truth.BalanceTruth`, is in
:mod:`.balance_truth`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.breathing import Breathing
from movequal.synthetic.gait import check

FloatArray = NDArray[np.float64]
Stance = Literal["single-leg", "tandem"]
HoldEnd = Literal["touch-down", "stance-move", "clip-end"]

WEIGHT_SHIFT_S = 0.5
"""Duration of every weight shift: onto the stance foot before a foot leaves the floor, back after it lands."""
SLIDE_S = 0.3
"""Duration of the single-leg stance foot's sideways slide (``ends_with="stance-move"``)."""
STEP_S = 0.5
"""Duration of a tandem step (foot-off to landing)."""
STEP_HEIGHT = 0.05
"""Peak clearance of a tandem step's foot (metres)."""
QUIET_SWAY = 0.25
"""Sway amplitude with both feet down (quiet stance), as a fraction of the hold's."""
LIMIT_S = 600.0
"""Longest phase accepted (seconds)."""


@dataclass(frozen=True)
class Balance:
    """A static balance hold: single-leg stance or tandem stance.

    Parameters
    ----------
    stance : {"single-leg", "tandem"}
        Single-leg stance (one foot lifted) or tandem stance (feet on one
        line, the front heel touching the back toe).
    side : {"left", "right"}
        Single-leg: the foot that is LIFTED (the subject stands on the
        other). Tandem: the foot placed in FRONT.
    quiet_before_s : float
        Single-leg: quiet stance on both feet (hip-width apart) before
        foot-off, at least ``WEIGHT_SHIFT_S``. Ignored by tandem stance: its
        clip starts in the tandem position and the hold runs from time 0.
    lift_s : float
        Foot-off → lifted foot at full height (minimum-jerk); lowering it
        back to the floor takes as long.
    hold_s : float
        Single-leg: foot-off → end of the hold (touch-down, or the start of
        the stance foot's move; with ``"clip-end"`` the clip ends there).
        Tandem: time 0 → a foot leaves the tandem position (or the clip
        ends).
    ends_with : {"touch-down", "stance-move", "clip-end"}
        How the hold ends. Single-leg: ``"touch-down"`` the lifted foot is
        lowered (over ``lift_s``) and lands at ``foot_off + hold_s``;
        ``"stance-move"`` the stance foot slides sideways by
        ``stance_move_m`` (over ``SLIDE_S``) from ``foot_off + hold_s``
        while the lifted foot stays up, then the lifted foot is lowered
        beside it; ``"clip-end"`` the clip ends during the hold (a censored
        hold). Tandem: ``"touch-down"`` the front foot steps back beside
        the back foot, hip-width apart (a completed hold); ``"stance-move"``
        the back foot steps out sideways by ``stance_move_m`` (a loss of
        balance); each step takes ``STEP_S``.
    after_s : float
        Both feet down after the last foot lands, until the clip ends (at
        least ``WEIGHT_SHIFT_S``; ignored with ``"clip-end"``).
    lift_height_m : float
        Height of the lifted foot's lowest point (its toe tip) above the
        floor at full lift. The knee flexes to lift it and the hip flexes
        ``LIFT_HIP_DEG`` (:mod:`.balance`).
    stance_move_m : float
        Sideways distance of the stance-move, + outwards (away from the
        other foot), - inwards; at least 0.02 m either way.
    sway_ml_m, sway_ap_m : float
        RMS (about the mean, over the hold) of the planted sway of the
        body's centre of mass, mediolateral and anteroposterior.
    arm_excursion_m : float
        Peak displacement of a wrist from its resting place (relative to
        its shoulder) during the arm-abduction bursts of the hold; 0 keeps
        the arms hanging still at the sides.
    weight_shift_m : float or None
        Single-leg: sideways pelvis (mid-hip) shift towards the stance foot
        before foot-off; ``None`` computes the shift that puts the centre of
        mass over the stance ankle (about 0.10 m for a 1.75 m body).
    breathing : Breathing or None
        Breathing planted on the shoulders over the whole clip
        (:mod:`.breathing`); ``None``, the default, plants none and leaves
        every output as it was.

    Notes
    -----
    The sway is band-limited (0.1–1.5 Hz) noise drawn from the spec's
    ``seed``; the body sways as an inverted pendulum about the stance
    ankle(s), so the stance feet stay planted (see :mod:`.balance_sway`).
    With both feet down the sway is ``QUIET_SWAY`` of the hold's. Every
    foot leaving the floor is preceded by a ``WEIGHT_SHIFT_S`` weight shift
    onto the stance foot; after the last landing the weight shifts back to
    the middle of the feet.

    Defaults. The sway amplitudes (8 mm ML, 10 mm AP) were set in the design
    brief, not fitted to one study; they are of the order of single-leg
    centre-of-pressure sway in healthy young adults: a few millimetres RMS
    in quiet bipedal stance (Prieto et al. 1996, IEEE Trans Biomed Eng
    43:956-966), growing as the base of support shrinks through tandem to
    single-leg stance (Sarabon et al. 2010, J Sports Sci Med 9:431-438);
    tandem stance keeps the same defaults. The centre of mass sways less than
    the centre of pressure and mostly below 1 Hz (inverted-pendulum model,
    Winter 1995, Gait Posture 3:193-214), hence the 0.1–1.5 Hz band. A 15 s
    hold with the lifted foot well clear of the floor (knee flexed, thigh
    near vertical, arms by the sides) follows common one-leg stance
    protocols; steadiness settles within its first 5 s (Jonsson et al. 2004,
    Clin Biomech 19:688-694), which the generator does not model. The weight shift needed before foot-off follows
    from Winter's segment masses (Biomechanics and Motor Control of Human
    Movement, 4th ed., 2009, Table 4.1): the lifted leg (16 % of body mass)
    hangs on the far side of the stance foot, so the pelvis ends slightly
    beyond the stance ankle, about 1.07 hip half-widths from the midline
    (0.10 m for 1.75 m, more than the 0.08 m of the brief, because the
    model's ankles are 0.19 m apart).
    """

    stance: Stance = "single-leg"
    side: Literal["left", "right"] = "left"
    quiet_before_s: float = 2.0
    lift_s: float = 0.4
    hold_s: float = 15.0
    ends_with: HoldEnd = "touch-down"
    after_s: float = 2.0
    lift_height_m: float = 0.15
    stance_move_m: float = 0.10
    sway_ml_m: float = 0.008
    sway_ap_m: float = 0.010
    arm_excursion_m: float = 0.0
    weight_shift_m: float | None = None
    breathing: Breathing | None = None

    def __post_init__(self) -> None:
        """Check the ranges and that the phases fit in the hold."""
        check(self.stance in ("single-leg", "tandem"), "stance", "'single-leg' or 'tandem'", self.stance)
        check(self.side in ("left", "right"), "side", "'left' or 'right'", self.side)
        ends = ("touch-down", "stance-move", "clip-end")
        check(self.ends_with in ends, "ends_with", f"one of {ends}", self.ends_with)
        low = WEIGHT_SHIFT_S if self.stance == "single-leg" else 0.0
        quiet = self.quiet_before_s
        check(low <= quiet <= LIMIT_S, "quiet_before_s", f"seconds in [{low}, {LIMIT_S:.0f}]", quiet)
        check(0.1 <= self.lift_s <= 3.0, "lift_s", "seconds in [0.1, 3]", self.lift_s)
        shortest = self.shortest_hold
        check(shortest <= self.hold_s <= LIMIT_S, "hold_s", f"seconds in [{shortest:g}, {LIMIT_S:.0f}]", self.hold_s)
        after = self.after_s
        check(WEIGHT_SHIFT_S <= after <= LIMIT_S, "after_s", f"seconds in [{WEIGHT_SHIFT_S}, {LIMIT_S:.0f}]", after)
        height = self.lift_height_m
        check(0.03 <= height <= 0.4, "lift_height_m", "metres in [0.03, 0.4]", height)
        move = self.stance_move_m
        check(0.02 <= abs(move) <= 0.4, "stance_move_m", "metres with 0.02 <= |value| <= 0.4", move)
        for name in ("sway_ml_m", "sway_ap_m"):
            check(0.0 <= getattr(self, name) <= 0.05, name, "metres in [0, 0.05]", getattr(self, name))
        arm = self.arm_excursion_m
        check(0.0 <= arm <= 0.6, "arm_excursion_m", "metres in [0, 0.6]", arm)
        shift = self.weight_shift_m
        check(shift is None or 0.0 <= shift <= 0.25, "weight_shift_m", "None or metres in [0, 0.25]", shift)
        breath = self.breathing
        check(breath is None or isinstance(breath, Breathing), "breathing", "None or a Breathing", breath)

    @property
    def shortest_hold(self) -> float:
        """Shortest ``hold_s`` the layout fits in: lift and lowering, a lift, a pre-step shift, or 0.5 s."""
        if self.stance == "single-leg":
            return 2.0 * self.lift_s if self.ends_with == "touch-down" else self.lift_s
        return 2.0 * WEIGHT_SHIFT_S if self.ends_with != "clip-end" else 0.5

    def layout(self) -> BalanceLayout:
        """Event times of the clip (seconds from its first frame); see :class:`BalanceLayout`."""
        if self.stance == "tandem":
            return self._tandem_layout()
        foot_off = self.quiet_before_s
        hold_end = foot_off + self.hold_s
        lay = BalanceLayout(
            hold_start=foot_off,
            hold_end=hold_end,
            censored=self.ends_with == "clip-end",
            end=hold_end,
            shift_start=foot_off - WEIGHT_SHIFT_S,
            sway_end=hold_end,
        )
        if self.ends_with == "clip-end":
            return lay
        if self.ends_with == "touch-down":
            touch = hold_end
            return replace(lay, lower_start=touch - self.lift_s, touch_down=touch, end=touch + self.after_s)
        touch = hold_end + SLIDE_S + self.lift_s
        return replace(
            lay,
            move_start=hold_end,
            move_end=hold_end + SLIDE_S,
            lower_start=hold_end + SLIDE_S,
            touch_down=touch,
            end=touch + self.after_s,
        )

    def _tandem_layout(self) -> BalanceLayout:
        hold_end = self.hold_s
        if self.ends_with == "clip-end":
            return BalanceLayout(hold_start=0.0, hold_end=hold_end, censored=True, end=hold_end, sway_end=hold_end)
        land = hold_end + STEP_S
        return BalanceLayout(
            hold_start=0.0,
            hold_end=hold_end,
            censored=False,
            end=land + self.after_s,
            shift_start=hold_end - WEIGHT_SHIFT_S,
            sway_end=hold_end - WEIGHT_SHIFT_S,
            move_start=hold_end,
            move_end=land,
            touch_down=land,
        )

    @property
    def clip_seconds(self) -> float:
        """Clip duration: the layout's ``end``."""
        return self.layout().end


@dataclass(frozen=True)
class BalanceLayout:
    """Event times of one balance clip, seconds from the first frame.

    ``hold_start`` is foot-off (single-leg) or 0 (tandem); ``hold_end`` the
    hold's end (the clip's end when ``censored``). ``shift_start`` starts
    the weight shift onto the stance foot (it lasts ``WEIGHT_SHIFT_S``);
    ``move_start``/``move_end`` bound the stance foot's slide (single-leg)
    or the tandem step; ``lower_start``/``touch_down`` the lifted foot's
    lowering (single-leg; tandem: ``touch_down`` is the step's landing).
    ``sway_end`` ends the window ``[hold_start, sway_end]`` in which the
    pelvis moves by the planted sway alone.
    """

    hold_start: float
    hold_end: float
    censored: bool
    end: float
    sway_end: float
    shift_start: float | None = None
    move_start: float | None = None
    move_end: float | None = None
    lower_start: float | None = None
    touch_down: float | None = None
