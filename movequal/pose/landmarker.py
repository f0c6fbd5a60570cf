"""One MediaPipe ``PoseLandmarker`` over a stream of frames, following one subject.

:class:`PoseEstimator` wraps one landmarker (one model load) in VIDEO mode and
turns its results into :class:`~movequal.pose.sequence.PoseRow` rows (stacked by
:meth:`~movequal.pose.sequence.PoseSequence.from_rows`); :func:`estimate_frames` runs it
over frames with decoding prefetched on a background thread. Whole files, in one
process or chunk-parallel, are :mod:`movequal.pose.estimation`'s job: both it and
:mod:`movequal.pose.parallel` build on this module.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from movequal.io.video import Frame, prefetch_frames
from movequal.pose.contour import compute_dorsal_bend
from movequal.pose.model_files import DEFAULT_VARIANT, ModelVariant, ensure_model, validate_variant
from movequal.pose.sequence import PoseRow
from movequal.pose.skeleton import LANDMARK_INDEX, NUM_LANDMARKS

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called with (frames done, frames expected; 0 when unknown)."""

_HIPS = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]
_SHOULDERS = [LANDMARK_INDEX["left_shoulder"], LANDMARK_INDEX["right_shoulder"]]


@dataclass(frozen=True)
class EstimatorConfig:
    """Settings of the pose landmarker.

    ``num_poses`` above 1 lets the estimator see bystanders so it can keep
    following the same subject (see :func:`select_subject`).
    """

    model: ModelVariant = DEFAULT_VARIANT
    num_poses: int = 1
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    back_contour: bool = True
    """Also output the body outline and measure the back's bend from it (about 10 % slower)."""


def _release_audio_import_error() -> None:
    """Let go of the call stack MediaPipe keeps when its optional audio recorder cannot load.

    Notes
    -----
    Importing MediaPipe's tasks imports its audio recorder, which tries ``sounddevice``; without the
    PortAudio library that fails and the module keeps the exception (``audio_record.sd_error``). The
    exception's traceback holds the frames that were running, and each frame its caller, so every
    function on the stack at the first import (``estimate_video`` with its per-frame rows, a worker's
    job loop) stayed in memory with its local variables until the process ended: about 2 KiB per
    analysed frame. Dropping the traceback (the message stays) frees them; nothing reads it.
    """
    module = sys.modules.get("mediapipe.tasks.python.audio.core.audio_record")
    error = getattr(module, "sd_error", None)
    if isinstance(error, BaseException):
        error.__traceback__ = None
        error.__context__ = None


def _empty_row() -> PoseRow:
    nan = np.full((NUM_LANDMARKS, 3), np.nan)
    return PoseRow(nan, np.zeros(NUM_LANDMARKS), nan.copy())


def _facing(image_xyz: NDArray[np.float64]) -> float:
    """+1 when the subject faces image-right on this frame (nose ahead of the trunk), -1 left, 0 unknown."""
    trunk = float(np.mean(image_xyz[_HIPS + _SHOULDERS, 0]))
    return float(np.sign(image_xyz[LANDMARK_INDEX["nose"], 0] - trunk))


def _to_arrays(landmarks: list[Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xyz = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float64)
    vis = np.array([p.visibility if p.visibility is not None else 0.0 for p in landmarks])
    return xyz, vis


def _anchor(image_xyz: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mid-point of hips and shoulders in normalised image coordinates."""
    return np.asarray(image_xyz[_HIPS + _SHOULDERS, :2].mean(axis=0))


def select_subject(candidates: list[NDArray[np.float64]], previous: NDArray[np.float64] | None) -> int:
    """Pick which detected person to follow.

    Parameters
    ----------
    candidates : list of ndarray, shape (33, 3)
        Image landmarks of each detected person.
    previous : ndarray, shape (2,), optional
        Trunk centre of the followed subject on the last frame where seen.

    Returns
    -------
    int
        Index into ``candidates``: the person nearest the previous trunk centre,
        or, at the start, the largest person (tallest trunk-to-ankle extent).
    """
    if previous is not None:
        distances = [float(np.linalg.norm(_anchor(c) - previous)) for c in candidates]
        return int(np.argmin(distances))
    heights = [float(np.ptp(c[:, 1])) for c in candidates]
    return int(np.argmax(heights))


class PoseEstimator:
    """One MediaPipe PoseLandmarker in VIDEO mode, following one subject.

    Use as a context manager so the native graph is closed deterministically.
    """

    def __init__(self, config: EstimatorConfig | None = None) -> None:
        """Load the model (provisioning it on first use)."""
        from mediapipe.tasks.python import BaseOptions, vision  # heavy import, deferred

        _release_audio_import_error()
        self.config = config or EstimatorConfig()
        model_path = ensure_model(validate_variant(self.config.model))
        self._options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=self.config.num_poses,
            min_pose_detection_confidence=self.config.min_detection_confidence,
            min_pose_presence_confidence=self.config.min_presence_confidence,
            min_tracking_confidence=self.config.min_tracking_confidence,
            output_segmentation_masks=self.config.back_contour,
        )
        self._landmarker = vision.PoseLandmarker.create_from_options(self._options)
        self._last_ms = -1
        self._previous: NDArray[np.float64] | None = None

    @property
    def variant(self) -> ModelVariant:
        """The pose model this estimator runs (what a report should name, whatever was asked for)."""
        return self.config.model

    def __enter__(self) -> PoseEstimator:
        """Return self."""
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the landmarker."""
        self.close()

    def close(self) -> None:
        """Release the native landmarker (idempotent)."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def reset(self) -> None:
        """Forget the previous video: the next frame starts a new one, as on a freshly loaded model.

        Notes
        -----
        A VIDEO-mode landmarker has no reset call, and its tracking and
        landmark smoothing carry state from one frame to the next. Feeding a
        blank frame and shifting later timestamps makes it lose the person,
        but the smoothing still starts from another state, and that moved a
        clip's landmarks by up to 0.005 of the frame: enough, where the far
        leg's visibility hovers at its threshold, to change a knee angle by
        20° and the movement recognised, so a result depended on the video a
        worker had analysed before. The native landmarker is therefore built
        again from the same options (about 0.07 s, the model file already in
        the page cache), which gives a fresh model's landmarks exactly.
        """
        from mediapipe.tasks.python import vision  # already imported by __init__

        self.close()
        self._landmarker = vision.PoseLandmarker.create_from_options(self._options)
        self._last_ms = -1
        self._previous = None

    def process(self, image: NDArray[np.uint8], time_s: float) -> PoseRow:
        """Estimate the pose on one RGB frame taken at ``time_s`` seconds.

        Notes
        -----
        ``mp.Image`` ignores numpy strides: a frame with padded rows (PyAV pads
        lines to SIMD alignment, e.g. 1080-pixel-wide RGB) must be made
        contiguous first or the model sees a sheared picture and finds nobody.
        """
        import mediapipe as mp

        image = np.ascontiguousarray(image)
        ms = max(round(time_s * 1000), self._last_ms + 1)
        self._last_ms = ms
        result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=image), ms)
        if not result.pose_landmarks:
            return _empty_row()
        people = [_to_arrays(p) for p in result.pose_landmarks]
        chosen = select_subject([xyz for xyz, _ in people], self._previous)
        image_xyz, vis = people[chosen]
        world_xyz, _ = _to_arrays(result.pose_world_landmarks[chosen])
        self._previous = _anchor(image_xyz)
        bend = float("nan")
        if result.segmentation_masks:
            height, width = image.shape[:2]
            mask = result.segmentation_masks[chosen].numpy_view().reshape(height, width)
            bend = compute_dorsal_bend(mask, image_xyz[:, :2] * (width, height), vis, _facing(image_xyz))
        return PoseRow(image_xyz, vis, world_xyz, bend)


def estimate_frames(
    frames: Iterator[Frame], estimator: PoseEstimator, on_progress: Callable[[int], None] | None = None
) -> tuple[list[PoseRow], list[float], list[int]]:
    """Run ``estimator`` over frames; return rows, times and frame indices."""
    rows, times, indices = [], [], []
    for frame in prefetch_frames(frames):
        rows.append(estimator.process(frame.image, frame.time))
        times.append(frame.time)
        indices.append(frame.index)
        if on_progress is not None:
            on_progress(len(rows))
    return rows, times, indices


def source_metadata(info: Any, config: EstimatorConfig, warnings: list[str]) -> dict[str, Any]:
    """Describe where a sequence came from (kept in the PoseSequence)."""
    return {
        "file": Path(info.path).name,
        "codec": info.codec,
        "container": info.container,
        "rotation": info.rotation,
        "model": config.model,
        "decode_warnings": list(warnings),
        "pid": os.getpid(),
    }
