"""What every live engine reports per frame, and the calibration window they share.

Each engine in :data:`movequal.live.session.LIVE_TRACKERS` (the repetitions'
:class:`~movequal.live.incremental.IncrementalAssessor`, the balance holds'
:class:`~movequal.live.hold_timer.LiveHoldTimer`, the timed up-and-go's
:class:`~movequal.live.stopwatch.LiveTugStopwatch`, walking's
:class:`~movequal.live.cadence.LiveCadence`) answers each frame with a
:class:`LiveUpdate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from movequal.core.assessment import Finding, Rep
from movequal.report.feedback import LiveGait, LiveHold, LiveStopwatch

CALIBRATION_S = 1.0
"""Standing still this long at the start sets the yardstick (leg length, view, standing height)."""


@dataclass(frozen=True)
class LiveUpdate:
    """What one frame changed."""

    frame: int
    time: float
    calibrating: bool
    depth: float
    """Driver value (0 at rest); NaN while calibrating or when the body is not seen."""
    reps_done: int
    rep: Rep | None = None
    """The rep that has just ended on this frame, scored."""
    findings: list[Finding] = field(default_factory=list)
    """That rep's findings (empty otherwise)."""
    hold: LiveHold | None = None
    """Balance tests: the hold timer (:class:`movequal.live.hold_timer.LiveHoldTimer`)."""
    stopwatch: LiveStopwatch | None = None
    """The timed up-and-go: the stopwatch (:class:`movequal.live.stopwatch.LiveTugStopwatch`)."""
    gait: LiveGait | None = None
    """Walking: steps and cadence (:class:`movequal.live.cadence.LiveCadence`)."""
