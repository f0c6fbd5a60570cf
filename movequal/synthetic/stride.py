"""Gait events of a straight walk at constant speed, and the pelvis carried over them.

A walk is laid out as a :class:`Schedule` of heel strikes (alternating feet,
footprints one step apart) with the stance events that follow each, and a
:class:`Pelvis` moving forward at the walking speed. The pelvis is placed
from the geometry of the step, so the legs can reach the floor, before the
feet are moved (:mod:`.feet`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.body import FWD, LEFT, UP, Body
from movequal.synthetic.gait import Gait
from movequal.synthetic.motion import min_jerk

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

FOOT_FLAT = 0.12
"""Foot flat, as a fraction of the stance after heel strike."""
HEEL_OFF = 0.72
"""Heel off, in mean step times after heel strike (0.6 of a symmetric stance), at most 0.85 of the stance."""
STRIKE_PITCH = np.radians(-18.0)
"""Foot pitch at heel strike (rad; negative: toes up)."""
STEP_WIDTH = 0.07
"""Distance between the two feet's lines of progression (× H), 0.12 m for 1.75 m."""
EXTRA = 3
"""Heel strikes simulated before the clip's first and after its last."""
BEHIND = 0.38
"""Hip mid-point behind the landing heel at heel strike, in mean step lengths."""
LOW_AT = 0.25
"""The pelvis is lowest this fraction of the way through each double support."""
SWAY = 0.012
"""Amplitude of the pelvis's sideways sway towards the supporting foot (× H)."""
KNEE_STRIKE = np.radians(5.0)
"""Least knee flexion of a leg whose foot is coming down after heel strike (the landing leg's, by default)."""
BOB = 0.017
"""Peak-to-peak vertical bob of the pelvis (× H), 3 cm for 1.75 m."""
SAMPLES = 40
"""Samples per stance on which the pelvis is fitted to the legs."""
KNEE_MID = np.radians(5.0)
"""Least knee flexion of a flat-footed supporting leg before heel off: it limits the pelvis's bob."""


@dataclass(frozen=True)
class Schedule:
    """Heel strikes of both feet in time order and the stance events after each.

    ``strike[k]`` is the time (s) of heel strike ``k`` by foot ``foot[k]`` (0
    left, 1 right; feet alternate) at footprint ``print_x[k]`` (metres along
    the walk, heel contact point); ``flat``, ``heel_off`` and ``toe_off`` are
    the later events of that stance. ``first`` indexes the clip's first heel
    strike; ``EXTRA`` strikes are laid out before it and after the clip.
    """

    strike: FloatArray
    foot: IntArray
    print_x: FloatArray
    flat: FloatArray
    heel_off: FloatArray
    toe_off: FloatArray
    first: int
    speed: float
    step_length: float
    step_width: float
    double_support: float
    swing_out: tuple[float, float] = (0.0, 0.0)


def schedule(gait: Gait, height: float) -> Schedule:
    """Lay out the heel strikes of a walk and the stance events that follow them.

    Notes
    -----
    Strike ``first`` (left foot) is at half a mean step time, at footprint 0.
    Each step's duration and length carry the same limp factor, so every
    footprint is at ``speed * (strike - strike[first])``. A foot leaves the
    floor one double support (``stance_fraction - 0.5`` of the mean stride)
    after the opposite foot lands.
    """
    period, length = gait.step_seconds, gait.step_length(height)
    k = np.arange(-EXTRA, gait.steps + EXTRA + 1)
    foot = (k % 2).astype(np.int64)
    affected = 0 if gait.limp_side == "left" else 1
    factor = np.where(foot == affected, 1.0 + gait.limp / 2.0, 1.0 - gait.limp / 2.0)
    elapsed = np.concatenate([[0.0], np.cumsum(factor[1:] * period)])
    elapsed -= elapsed[EXTRA]
    strike = 0.5 * period + elapsed
    double = (gait.stance_fraction - 0.5) * 2.0 * period
    toe_off = np.append(strike[1:], strike[-1] + period) + double
    stance = toe_off - strike
    return Schedule(
        strike=strike,
        foot=foot,
        print_x=length / period * elapsed,
        flat=strike + FOOT_FLAT * stance,
        heel_off=strike + np.minimum(HEEL_OFF * period, 0.85 * stance),
        toe_off=toe_off,
        first=EXTRA,
        speed=length / period,
        step_length=length,
        step_width=STEP_WIDTH * height,
        double_support=double,
        swing_out=(
            gait.circumduction_m if gait.circumduction_side == "left" else 0.0,
            gait.circumduction_m if gait.circumduction_side == "right" else 0.0,
        ),
    )


def step_phase(t: FloatArray, sch: Schedule) -> FloatArray:
    """Count steps since the clip's first heel strike, piecewise linearly in time (integers at heel strikes)."""
    return np.asarray(np.interp(t, sch.strike, np.arange(len(sch.strike)) - sch.first))


def foot_offsets(pitch: FloatArray, body: Body) -> tuple[FloatArray, FloatArray]:
    """Ankle and toe tip relative to the heel, (..., 2) as (forward, up), for a foot pitch (rad, + heel up)."""
    c, s = np.cos(pitch), np.sin(pitch)
    back, height = body.heel_back, body.ankle_h
    ankle = np.stack([back * c + height * s, height * c - back * s], axis=-1)
    toe = np.stack([body.foot * c, -body.foot * s], axis=-1)
    return ankle, toe


def reach(knee: FloatArray | float, body: Body) -> FloatArray:
    """Hip–ankle distance of a leg flexed ``knee`` radians."""
    t, s = body.thigh, body.shank
    return np.asarray(np.sqrt(t**2 + s**2 + 2.0 * t * s * np.cos(knee)))


@dataclass(frozen=True)
class Pelvis:
    """Hip joint centres of a walk: forward at the walking speed, a vertical bob and a sideways sway.

    The hip mid-point is ``behind`` metres behind each footprint when that
    foot lands, at height ``strike`` then; in between it rises by
    ``bob * (cos(2π lowest) - cos(2π (phase - lowest))) / 2`` (``phase``
    from :func:`step_phase`, so the bob is lowest ``lowest`` steps after
    each heel strike and highest half a step later) and sits ``sway *
    sin(π (phase - lowest))`` metres to the left.
    """

    sch: Schedule
    strike: float
    bob: float
    lowest: float
    behind: float
    sway: float
    hip_half: float

    def rise(self, t: FloatArray) -> FloatArray:
        """Height above ``strike`` per metre of bob at times ``t`` (0 at every heel strike)."""
        phase = step_phase(t, self.sch)
        return np.asarray(0.5 * (np.cos(2.0 * np.pi * self.lowest) - np.cos(2.0 * np.pi * (phase - self.lowest))))

    def centre(self, t: FloatArray) -> FloatArray:
        """Hip mid-point (T, 3) at times ``t``."""
        phase = step_phase(t, self.sch)
        out = np.empty((len(t), 3))
        out[:, FWD] = self.sch.speed * (t - self.sch.strike[self.sch.first]) - self.behind
        out[:, UP] = self.strike + self.bob * self.rise(t)
        out[:, LEFT] = self.sway * np.sin(np.pi * (phase - self.lowest))
        return out

    def hip(self, t: FloatArray, side: int) -> FloatArray:
        """Hip joint centre of one side (0 left, 1 right), (T, 3)."""
        out = self.centre(t)
        out[:, LEFT] += self.hip_half if side == 0 else -self.hip_half
        return out


def _stance_ankles(sch: Schedule, side: int, body: Body) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Sample every stance of one foot from heel strike to heel off: times, ankles (N, 3) and least knee flexion."""
    k = np.flatnonzero(sch.foot == side)
    u = np.linspace(0.0, 1.0, SAMPLES)
    t = (sch.strike[k, None] + (sch.heel_off - sch.strike)[k, None] * u).ravel()
    loading = np.clip((t - np.repeat(sch.strike[k], SAMPLES)) / np.repeat(sch.flat[k] - sch.strike[k], SAMPLES), 0, 1)
    pitch = STRIKE_PITCH * (1.0 - min_jerk(loading))
    offset, _ = foot_offsets(pitch, body)
    ankle = np.empty((len(t), 3))
    ankle[:, FWD] = np.repeat(sch.print_x[k], SAMPLES) + offset[:, 0]
    ankle[:, UP], ankle[:, LEFT] = offset[:, 1], (0.5 if side == 0 else -0.5) * sch.step_width
    knee = np.full(len(t), KNEE_MID)
    knee[loading < 1.0] = KNEE_STRIKE
    return t, ankle, knee


def pelvis_for(gait: Gait, sch: Schedule, body: Body) -> Pelvis:
    """Ride the pelvis as high as the legs allow: ``KNEE_STRIKE`` while a foot comes down, ``KNEE_MID`` once flat.

    Notes
    -----
    The bob has a fixed size (``BOB`` peak to peak); its height is the
    highest at which no stance leg, sampled from heel strike to heel off in
    every stance, is straighter than ``KNEE_STRIKE`` while its foot comes
    down or ``KNEE_MID`` once it is flat. With the defaults the binding
    moment is heel strike, the landing leg flexed exactly ``KNEE_STRIKE``;
    shorter or faster-rolling steps, or a limp, lower the whole walk and
    flex the knees more. The foot's roll-off and the swing adapt to the
    pelvis.

    Raises
    ------
    ValueError
        If the steps are too long for the legs: a supporting leg would have
        the hips less than 0.8 leg lengths above its ankle (about 0.68 × H).
    """
    lowest = LOW_AT * sch.double_support / gait.step_seconds
    probe = Pelvis(sch, 0.0, BOB * body.height, lowest, BEHIND * sch.step_length, SWAY * body.height, body.hip_half)
    heights = []
    for side in (0, 1):
        t, ankle, knee = _stance_ankles(sch, side, body)
        inside = t <= sch.strike[-1]  # the phase, hence the bob, is only laid out up to the last strike
        t, ankle, knee = t[inside], ankle[inside], knee[inside]
        rel = probe.hip(t, side) - ankle
        room = reach(knee, body) ** 2 - rel[:, FWD] ** 2 - rel[:, LEFT] ** 2
        if np.any(room < (0.8 * body.leg) ** 2):
            raise ValueError(f"step_length_m: {sch.step_length:.2f} m is too long for legs of {body.leg:.2f} m")
        heights.append(np.sqrt(room) - rel[:, UP])  # hip height allowed, minus the bob's own rise
    return replace(probe, strike=float(np.min(np.concatenate(heights))))
