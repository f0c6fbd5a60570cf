"""``movequal live``: a camera or a file played as one, through a :class:`~movequal.live.session.LiveSession`.

The loop takes the newest frame from the source (older ones are dropped, so
latency never builds up), runs it through the session, draws the overlay and
shows it in a window and/or writes it to a video. Space pauses, ``s`` saves
the session so far, ``q`` (or Esc) saves and quits. Without a window (CI, a
headless clinic PC) the overlay goes to ``--record``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from movequal.core.assessment import Movement, Report
from movequal.core.dose import SessionDose
from movequal.core.verdict import compute_rep_rating
from movequal.errors import InputError
from movequal.io.capture import FrameSource, camera, paced_file
from movequal.io.encode import H264Writer, even_size
from movequal.io.video import Frame
from movequal.live.session import LiveFrame, LiveSession
from movequal.pipeline import write_report_folder
from movequal.pose.estimation import EstimatorConfig, PoseEstimator
from movequal.pose.model_files import ModelVariant
from movequal.report.annotate import LiveAnnotator
from movequal.report.balance_view import END_TEXT

WINDOW_TITLE = "movequal live"
_KEY_PAUSE, _KEY_SAVE, _KEYS_QUIT = ord(" "), ord("s"), (ord("q"), 27)


@dataclass(frozen=True)
class LiveOptions:
    """What ``movequal live`` was asked to do."""

    camera: int
    source: Path | None
    movement: Movement
    model: ModelVariant
    out_dir: Path
    record: Path | None
    window: bool
    dose: SessionDose | None = None
    """Load, sets × reps, pain and effort entered for the session; saved with its report."""


@dataclass(frozen=True)
class LiveOutcome:
    """How the session went."""

    report: Report
    live_reps: int
    frames: int
    dropped: int


def has_display() -> bool:
    """Tell whether a window can be opened.

    Notes
    -----
    OpenCV's window backend aborts the whole process (it cannot be caught) when
    it finds no X11 or Wayland display, so this is checked first.
    """
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class _Screen:
    """The overlay's destinations: an OpenCV window and/or an H.264 file."""

    def __init__(self, options: LiveOptions, size: tuple[int, int], fps: float) -> None:
        self.window = options.window
        self.writer = H264Writer(options.record, *even_size(*size, None), fps) if options.record else None
        if self.window:
            import cv2

            if not has_display():
                raise InputError("no display for the live window: use --no-window (with --record FILE)")
            cv2.namedWindow(WINDOW_TITLE, cv2.WINDOW_NORMAL)

    def show(self, image: np.ndarray, time_s: float) -> int | None:
        """Show or record one frame; return the key pressed, if any."""
        if self.writer is not None:
            self.writer.write(image[: image.shape[0] // 2 * 2, : image.shape[1] // 2 * 2], time_s)
        if not self.window:
            return None
        import cv2

        cv2.imshow(WINDOW_TITLE, cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        return None if key == 0xFF else key

    def close(self) -> None:
        """Finish the video file and close the window."""
        if self.writer is not None:
            self.writer.close()
        if self.window:
            import cv2

            cv2.destroyWindow(WINDOW_TITLE)


STEPS_PER_LINE = 10
"""A walk is logged every this many steps."""


def _describe(frame: LiveFrame) -> list[str]:
    lines = []
    if frame.rep is not None:
        codes = ", ".join(f.code for f in frame.findings) or "no compensation"
        rating = compute_rep_rating(frame.rep, frame.findings).label
        lines.append(f"rep {frame.rep.number}: score {frame.rep.score:.0f}, {rating} ({codes})")
    if frame.hold is not None and frame.hold.ended_s is not None:
        ended = END_TEXT.get(frame.hold.ended_by or "", frame.hold.ended_by)
        lines.append(f"hold {frame.hold.holds}: {frame.hold.ended_s:.1f} s ({ended})")
    if frame.stopwatch is not None and frame.stopwatch.ended_s is not None:
        lines.append(f"timed up-and-go {frame.stopwatch.trials}: {frame.stopwatch.ended_s:.2f} s")
    gait = frame.gait
    if gait is not None and gait.new_step and gait.steps % STEPS_PER_LINE == 0:
        pace = f"{gait.cadence_per_min:.0f} steps/min" if gait.cadence_per_min is not None else "cadence not yet known"
        lines.append(f"steps {gait.steps}: {pace}")
    if frame.cue is not None:
        lines.append(f"cue: {frame.cue.text}")
    return lines


def run_live(options: LiveOptions, on_event: Callable[[str], Any] = print) -> LiveOutcome:
    """Run a live session until the source ends or the user quits; save it in ``options.out_dir``."""
    source: FrameSource = paced_file(options.source) if options.source else camera(options.camera)
    name = options.source.name if options.source else f"camera {options.camera}"
    with PoseEstimator(EstimatorConfig(model=options.model)) as estimator, source:
        session, screen, annotator = None, None, LiveAnnotator(options.movement)
        paused, frames = False, 0
        try:
            for frame in source:
                if session is None or screen is None:
                    size = (frame.image.shape[1], frame.image.shape[0])
                    session, screen = LiveSession(estimator, options.movement, size), _Screen(options, size, 30.0)
                    on_event(f"live: {name}, {size[0]}×{size[1]}, {options.movement}, model {options.model}")
                if session.full:
                    on_event("the session has reached its length limit; saving it")
                    break
                key = screen.show(_step(session, annotator, frame, paused, on_event), frame.time)
                frames += not paused
                if key == _KEY_PAUSE:
                    paused = not paused
                    on_event("paused" if paused else "resumed")
                elif key == _KEY_SAVE:
                    _save(session, name, options)
                    on_event(f"saved to {options.out_dir}")
                elif key in _KEYS_QUIT:
                    break
        finally:
            if screen is not None:
                screen.close()
    if session is None:
        raise InputError(f"{name}: no frame arrived")
    report = _save(session, name, options)
    return LiveOutcome(report, len(session.reps), frames, source.mailbox.dropped)


def _step(
    session: LiveSession, annotator: LiveAnnotator, frame: Frame, paused: bool, on_event: Callable[[str], Any]
) -> np.ndarray:
    if paused:
        return frame.image
    live = session.process(frame.image, frame.time)
    for line in _describe(live):
        on_event(line)
    return annotator.annotate(frame.image, live)


def _save(session: LiveSession, name: str, options: LiveOptions) -> Report:
    report, result, pose = session.finish(f"live session ({name})")
    if options.dose is not None and not options.dose.is_empty:
        report = report.model_copy(update={"dose": options.dose})
    video = options.record if options.record and options.record.is_file() else None
    write_report_folder(options.out_dir, pose, report, result, video)
    return report
