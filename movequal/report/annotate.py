"""Frame overlays: skeleton, key angles, reps, findings and live cues.

:class:`FrameAnnotator` draws on one RGB frame at a time (its one method,
:meth:`FrameAnnotator.annotate`), reading the filtered landmarks, the angle
series and the assessment computed beforehand. :class:`LiveAnnotator` draws
what a live session knows on the frame it has just processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from movequal.core.assessment import Assessment, Finding
from movequal.core.kinematics import Kinematics
from movequal.core.views import SAGITTAL
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import FACE_LANDMARKS, SKELETON_EDGES
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.report.feedback import Cue, LiveFrame

Image = NDArray[np.uint8]

_BONE = (80, 220, 255)
_JOINT = (255, 255, 255)
_ALERT = (255, 80, 60)
_PANEL = (20, 24, 32)
_TEXT = (245, 245, 245)
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_SEVERITY_COLOUR = {"mild": (255, 200, 60), "moderate": (255, 140, 40), "severe": (255, 60, 60)}
_FINDING_JOINTS = {
    "shallow_depth": ("left_knee", "right_knee", "left_hip", "right_hip"),
    "trunk_lean": ("left_shoulder", "right_shoulder", "left_hip", "right_hip"),
    "hip_avoidant_bending": ("left_hip", "right_hip", "left_shoulder", "right_shoulder"),
    "knee_valgus": ("left_knee", "right_knee"),
    "heel_lift": ("left_heel", "right_heel"),
    "asymmetry": ("left_hip", "right_hip"),
    "lateral_shift": ("left_hip", "right_hip"),
    "knee_dominant": ("left_knee", "right_knee"),
    "hips_rise_first": ("left_hip", "right_hip"),
}


@dataclass(frozen=True)
class FrameAnnotator:
    """Draw the analysis over video frames.

    Parameters
    ----------
    pose : PoseSequence
        Filtered landmarks, one row per source frame.
    kinematics : Kinematics
        Angle series on the same frames.
    assessment : Assessment
        Reps and findings (with frame ranges) to show.
    blur_faces : bool
        Blur the face region on every frame (for videos shared outside the clinic).
    """

    pose: PoseSequence
    kinematics: Kinematics
    assessment: Assessment
    blur_faces: bool = False

    def annotate(self, image: Image, frame_index: int) -> Image:
        """Return a new frame with the overlay for source frame ``frame_index``."""
        out = image.copy()
        height, width = out.shape[:2]
        scale = max(width, height) / 720.0
        if 0 <= frame_index < len(self.pose):
            points = self.pose.image[frame_index, :, :2] * np.array([width, height])
            if self.blur_faces:
                _blur_face(out, points)
            active = self._active_findings(frame_index)
            _draw_skeleton(out, points, scale, _alert_joints(active))
            self._draw_angles(out, points, frame_index, scale)
            self._draw_panel(out, frame_index, active, scale)
        return out

    def _active_findings(self, frame_index: int) -> list[Finding]:
        return [f for f in self.assessment.findings if any(a <= frame_index <= b for a, b in f.frames)]

    def _draw_angles(self, out: Image, points: NDArray[np.float64], i: int, scale: float) -> None:
        s = self.kinematics.series
        visible = (
            "left"
            if self.pose.visibility[i, IDX["left_knee"]] >= self.pose.visibility[i, IDX["right_knee"]]
            else "right"
        )
        # Image angles from the side; elsewhere the 3D ones (image angles are not valid there).
        d3 = "" if self.assessment.view in SAGITTAL else "_3d"
        # (series, joint, label, side of the joint the label goes on: +1 right, -1 left)
        labels = [
            (f"trunk_inclination{d3}", f"{visible}_shoulder", "trunk", 1),
            (f"hip_flexion{d3}_{visible}", f"{visible}_hip", "hip", -1),
            (f"knee_flexion{d3}_{visible}", f"{visible}_knee", "knee", 1),
        ]
        for series, joint, name, side in labels:
            if series not in s:
                continue
            value, at = s[series][i], points[IDX[joint]]
            if np.isfinite(value) and np.isfinite(at).all():
                _label(out, f"{name} {value:.0f}", (int(at[0]), int(at[1])), scale, side)

    def _draw_panel(self, out: Image, i: int, active: list[Finding], scale: float) -> None:
        reps = self.assessment.reps
        done = sum(1 for r in reps if r.end_frame <= i)
        current = next((r for r in reps if r.start_frame <= i < r.end_frame), None)
        lines = [f"{self.assessment.movement}  reps {done}/{len(reps)}"]
        if current is not None:
            lines[0] += f"  (rep {current.number}: score {current.score:.0f})"
        elif done:
            last = reps[done - 1]
            lines[0] += f"  last rep score {last.score:.0f}"
        pad, line_h = int(8 * scale), int(26 * scale)
        cv2.rectangle(out, (0, 0), (out.shape[1], pad * 2 + line_h * (1 + len(active))), _PANEL, -1)
        _text(out, lines[0], (pad, pad + int(19 * scale)), 0.6 * scale, _TEXT)
        for k, finding in enumerate(active, start=1):
            colour = _SEVERITY_COLOUR[finding.severity]
            _text(
                out, f"{finding.title}: {finding.cue}", (pad, pad + int(19 * scale) + k * line_h), 0.5 * scale, colour
            )


CUE_SHOWN_S = 4.0
"""How long a live cue stays on screen."""


@dataclass
class LiveAnnotator:
    """Draw a live session's state on the frame just processed: skeleton, rep counter, last score, cue.

    The annotator remembers the last rep and the current cue between frames.
    """

    movement: str
    last_rep: str = ""
    cue: Cue | None = None
    alert: set[int] = field(default_factory=set)

    def annotate(self, image: Image, frame: LiveFrame) -> Image:
        """Return a new frame with the live overlay for ``frame``."""
        out = image.copy()
        height, width = out.shape[:2]
        scale = max(width, height) / 720.0
        if frame.rep is not None:
            self.last_rep = f"last rep {frame.rep.score:.0f}/100"
            self.alert = _alert_joints(frame.findings)
        if frame.cue is not None:
            self.cue = frame.cue
        if frame.landmarks is not None:
            points = np.where(frame.landmarks[:, 2:3] >= 0.5, frame.landmarks[:, :2], np.nan) * np.array(
                [width, height]
            )
            _draw_skeleton(out, points, scale, self.alert)
        pad, line_h = int(8 * scale), int(26 * scale)
        lines = [self._headline(frame)]
        if frame.calibrating or not frame.framing.ok:
            lines += list(frame.framing.problems) or ["Hold still: checking your position"]
        cv2.rectangle(out, (0, 0), (width, pad * 2 + line_h * len(lines)), _PANEL, -1)
        for k, line in enumerate(lines):
            colour = _TEXT if k == 0 else _SEVERITY_COLOUR["mild"]
            _text(out, line, (pad, pad + int(19 * scale) + k * line_h), (0.6 if k == 0 else 0.5) * scale, colour)
        if self.cue is not None and frame.time - self.cue.time < CUE_SHOWN_S:
            top = height - pad * 2 - line_h
            cv2.rectangle(out, (0, top), (width, height), _PANEL, -1)
            _text(out, self.cue.text, (pad, height - pad - int(6 * scale)), 0.6 * scale, _SEVERITY_COLOUR["moderate"])
        return out

    def _headline(self, frame: LiveFrame) -> str:
        """Return the overlay's first line: reps and the last rep's score, the hold timer, the stopwatch or steps."""
        if frame.hold is not None:
            hold = frame.hold
            hint = "feet one in front of the other" if hold.stance == "tandem" else "lift a foot to start"
            running = f"holding {hold.elapsed_s:.1f} s, {hold.side}" if hold.side else hint
            best = "  ".join(f"{s} {v:.1f} s" for s, v in (("L", hold.best_left_s), ("R", hold.best_right_s)) if v)
            return f"{self.movement}  {running}  {('best ' + best) if best else ''}".rstrip()
        if frame.stopwatch is not None:
            watch = frame.stopwatch
            waiting = "stand up when ready" if watch.seated else "sit down"
            shown = f"{watch.elapsed_s:.1f} s" if watch.running else waiting
            last = f"  last {watch.last_total_s:.1f} s" if watch.last_total_s is not None else ""
            return f"{self.movement}  {shown}{last}"
        if frame.gait is not None:
            cadence = frame.gait.cadence_per_min
            pace = f"  {cadence:.0f} steps/min" if cadence is not None else ""
            return f"{self.movement}  steps {frame.gait.steps}{pace}"
        return f"{self.movement}  reps {frame.reps}  {self.last_rep}".rstrip()


def _alert_joints(active: list[Finding]) -> set[int]:
    return {IDX[j] for f in active for j in _FINDING_JOINTS.get(f.code, ())}


def _draw_skeleton(out: Image, points: NDArray[np.float64], scale: float, alert: set[int]) -> None:
    thickness = max(2, int(3 * scale))
    for a, b in SKELETON_EDGES:
        pa, pb = points[a], points[b]
        if np.isfinite(pa).all() and np.isfinite(pb).all():
            colour = _ALERT if a in alert and b in alert else _BONE
            cv2.line(out, _pt(pa), _pt(pb), colour, thickness, cv2.LINE_AA)
    radius = max(3, int(4 * scale))
    for j, p in enumerate(points):
        if j not in FACE_LANDMARKS and np.isfinite(p).all():
            cv2.circle(
                out, _pt(p), radius * (2 if j in alert else 1), _ALERT if j in alert else _JOINT, -1, cv2.LINE_AA
            )


def _blur_face(out: Image, points: NDArray[np.float64]) -> None:
    face = points[list(FACE_LANDMARKS)]
    face = face[np.isfinite(face).all(axis=1)]
    if len(face) < 3:
        return
    centre = face.mean(axis=0)
    half = 1.6 * max(float(np.ptp(face[:, 0])), float(np.ptp(face[:, 1])), 8.0)
    x0, y0 = (max(0, int(c - half)) for c in centre)
    x1, y1 = min(out.shape[1], int(centre[0] + half)), min(out.shape[0], int(centre[1] + half))
    if x1 > x0 and y1 > y0:
        region = out[y0:y1, x0:x1]
        k = max(3, (min(region.shape[:2]) // 3) | 1)
        out[y0:y1, x0:x1] = cv2.GaussianBlur(region, (k, k), 0)


def _pt(p: NDArray[np.float64]) -> tuple[int, int]:
    return round(p[0]), round(p[1])


def _text(out: Image, text: str, origin: tuple[int, int], size: float, colour: tuple[int, int, int]) -> None:
    cv2.putText(out, text, origin, _FONT, size, colour, max(1, int(2 * size)), cv2.LINE_AA)


def _label(out: Image, text: str, anchor: tuple[int, int], scale: float, side: int) -> None:
    """Draw a boxed label beside a joint, to its right (``side`` 1) or left (-1)."""
    size = 0.5 * scale
    (w, h), base = cv2.getTextSize(text, _FONT, size, max(1, int(2 * size)))
    gap = int(12 * scale)
    x = anchor[0] + gap if side > 0 else anchor[0] - gap - w
    y = anchor[1] + h // 2
    cv2.rectangle(out, (x - 3, y - h - 3), (x + w + 3, y + base + 1), _PANEL, -1)
    _text(out, text, (x, y), size, _TEXT)
