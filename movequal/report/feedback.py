"""What one live frame shows the patient: the frame's state, the set-up check and the spoken cue.

These are plain records, shared by the live engine (:mod:`movequal.live.session`), which
fills them, and the drawing code (:mod:`movequal.report.annotate`), which puts them on
screen; neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Finding, Rep, UnjudgedCheck

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Cue:
    """A short spoken and shown instruction, tied to a finding code (or a set-up problem)."""

    code: str
    text: str
    time: float


@dataclass(frozen=True)
class FramingCheck:
    """Whether the camera set-up lets the movement be assessed, and how to fix it if not."""

    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveHold:
    """The live hold timer after one frame of a balance test."""

    stance: str
    """``single-leg`` or ``tandem``."""
    side: str | None
    """The standing foot (single-leg) or the front foot (tandem) of the hold running; None when none is."""
    elapsed_s: float
    """How long the running hold has lasted (0 without one)."""
    holds: int
    """Holds of at least a second completed so far."""
    best_left_s: float | None
    best_right_s: float | None
    ended_s: float | None = None
    """A hold that ended on this frame: its time."""
    ended_by: str | None = None
    """…and how it ended (touch-down, stance-move, lost: out of view, so at least that long)."""


@dataclass(frozen=True)
class LiveStopwatch:
    """The live timed up-and-go stopwatch after one frame."""

    running: bool
    elapsed_s: float
    """The running trial's time so far (0 when none runs)."""
    trials: int
    """Trials timed so far."""
    last_total_s: float | None
    """The last timed trial's total."""
    ended_s: float | None
    """A trial that ended on this frame: its total."""
    seated: bool
    """The patient is seated, ready to start."""
    cutoff_s: float
    """The fall-risk cut-off the total is compared with."""


@dataclass(frozen=True)
class LiveGait:
    """Walking followed live after one frame: steps and cadence."""

    steps: int
    """Heel strikes counted since the session began."""
    bout_steps: int
    """Steps of the current bout (a stop, a turn or losing the walker starts a new one)."""
    cadence_per_min: float | None
    """Steps per minute over the bout's last steps while walking; None before three steps or once stopped."""
    last_cadence_per_min: float | None
    """The last cadence read, kept after the walker stops."""
    last_side: str | None
    """The foot that struck last."""
    walking: bool
    """A step landed within the last 1.5 s."""
    new_step: bool = False
    """A step was counted on this frame."""


@dataclass(frozen=True)
class LiveFrame:
    """What one processed frame tells the screen."""

    time: float
    landmarks: FloatArray | None
    """(33, 3): normalised x, y and visibility; ``None`` when nobody was found."""
    calibrating: bool
    depth: float
    reps: int
    rep: Rep | None
    findings: list[Finding]
    cue: Cue | None
    framing: FramingCheck
    hold: LiveHold | None = None
    """Balance tests: the hold timer (None for repetition tasks)."""
    stopwatch: LiveStopwatch | None = None
    """The timed up-and-go: the stopwatch (None otherwise)."""
    gait: LiveGait | None = None
    """Walking: steps and cadence (None otherwise)."""
    not_judged: list[UnjudgedCheck] = field(default_factory=list)
    """With a scored rep: the checks of the movement the session's view cannot make."""
