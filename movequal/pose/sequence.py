"""The :class:`PoseSequence` data class: one recording's landmarks over time.

A ``PoseSequence`` holds parallel numpy arrays, one row per video frame,
including frames where nobody was detected (those rows are NaN and their
visibility is 0). It is frozen: every transformation returns a new object.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from movequal.pose.skeleton import NUM_LANDMARKS

FloatArray = NDArray[np.float64]
NPZ_FORMAT_VERSION = 1


def _frozen(array: FloatArray) -> FloatArray:
    """Make a freshly built array read-only and return it (a sequence then keeps it without copying)."""
    array.setflags(write=False)
    return array


def _validate_shape(name: str, array: np.ndarray, expected: tuple[int | None, ...]) -> None:
    ok = array.ndim == len(expected) and all(e is None or e == a for e, a in zip(expected, array.shape, strict=True))
    if not ok:
        shown = "(" + ", ".join("T" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name}: expected shape {shown}, got {array.shape}")


@dataclass(frozen=True)
class PoseRow:
    """Landmarks of one frame for the followed subject (NaN image and world, 0 visibility when nobody)."""

    image: FloatArray
    """Shape (33, 3), as a row of :attr:`PoseSequence.image`."""
    visibility: FloatArray
    """Shape (33,)."""
    world: FloatArray
    """Shape (33, 3)."""
    back_bend: float = float("nan")
    """Bend of the back's outline in degrees; NaN when not measured."""


@dataclass(frozen=True)
class PoseSequence:
    """Pose landmarks of one subject over a recording.

    Parameters
    ----------
    image : ndarray, shape (T, 33, 3)
        Image landmarks: x and y normalised to [0, 1] by frame width and height,
        z the model's relative depth (same scale as x). NaN where undetected.
    visibility : ndarray, shape (T, 33)
        Per-landmark visibility in [0, 1]; 0 where undetected.
    world : ndarray, shape (T, 33, 3)
        World landmarks in metres, origin between the hips, y pointing down.
    timestamps : ndarray, shape (T,)
        Frame times in seconds from the video's presentation timestamps,
        strictly increasing.
    fps : float
        Nominal frame rate of the source (frames per second).
    frame_size : tuple of int
        ``(width, height)`` of the upright frames in pixels.
    source : dict
        Source metadata (file name, model variant, rotation, codec, ...).
    back_bend : ndarray, shape (T,), optional
        Bend of the back's outline in degrees per frame, read from the pose
        model's segmentation mask (:func:`movequal.pose.contour.compute_dorsal_bend`);
        NaN where not measured (all NaN when omitted).

    Notes
    -----
    Image x and y are normalised separately by width and height, so angles
    must be computed after multiplying them back by ``frame_size`` (see
    :meth:`image_pixels`). ``world`` comes from the model's 3D estimate: it is
    view-independent but noisier in depth than in the image plane.
    """

    image: FloatArray
    visibility: FloatArray
    world: FloatArray
    timestamps: FloatArray
    fps: float
    frame_size: tuple[int, int]
    source: dict[str, Any] = field(default_factory=dict)
    back_bend: FloatArray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        """Coerce arrays to float64, make them read-only and check shapes.

        Notes
        -----
        A writeable array is copied before it is frozen, so the caller's array
        is never locked; an array that is already read-only (another sequence's,
        or a fresh result its maker froze) is shared without a copy.
        """
        if np.size(self.back_bend) == 0:  # not measured: NaN on every frame
            object.__setattr__(self, "back_bend", np.full(np.shape(self.timestamps)[:1], np.nan))
        for name in ("image", "visibility", "world", "timestamps", "back_bend"):
            array = np.asarray(getattr(self, name), dtype=np.float64)
            if array.flags.writeable:  # someone else may still write to it: keep a private copy
                array = array.copy()
                array.setflags(write=False)
            object.__setattr__(self, name, array)
        n = self.timestamps.shape[0] if self.timestamps.ndim == 1 else -1
        _validate_shape("timestamps", self.timestamps, (None,))
        _validate_shape("image", self.image, (n, NUM_LANDMARKS, 3))
        _validate_shape("visibility", self.visibility, (n, NUM_LANDMARKS))
        _validate_shape("world", self.world, (n, NUM_LANDMARKS, 3))
        _validate_shape("back_bend", self.back_bend, (n,))
        if n > 1 and not np.all(np.diff(self.timestamps) > 0):
            raise ValueError("timestamps: expected strictly increasing values, got a repeat or a step back")
        if not (self.fps > 0 and np.isfinite(self.fps)):
            raise ValueError(f"fps: expected a positive number, got {self.fps!r}")
        width, height = self.frame_size
        if width <= 0 or height <= 0:
            raise ValueError(f"frame_size: expected positive (width, height), got {self.frame_size!r}")
        object.__setattr__(self, "frame_size", (int(width), int(height)))
        object.__setattr__(self, "source", dict(self.source))

    def __len__(self) -> int:
        """Return the number of frames."""
        return int(self.timestamps.shape[0])

    def __getitem__(self, index: slice | NDArray[np.bool_] | NDArray[np.int_]) -> PoseSequence:
        """Return a new sequence with the selected frames (slice, mask or index array)."""
        if isinstance(index, int | np.integer):
            index = slice(int(index), int(index) + 1 or None)
        return replace(
            self,
            image=self.image[index],
            visibility=self.visibility[index],
            world=self.world[index],
            timestamps=self.timestamps[index],
            back_bend=self.back_bend[index],
        )

    @property
    def detected(self) -> NDArray[np.bool_]:
        """Boolean (T,) mask of frames where a person was detected."""
        return np.asarray(np.isfinite(self.image[:, :, 0]).any(axis=1))

    @property
    def duration(self) -> float:
        """Time from the first to the last frame in seconds (0 for < 2 frames)."""
        return float(self.timestamps[-1] - self.timestamps[0]) if len(self) > 1 else 0.0

    def image_pixels(self) -> FloatArray:
        """Return image landmarks x, y in pixels of the upright frame, shape (T, 33, 2), read-only.

        Notes
        -----
        Computed once per sequence and cached (the sequence is immutable), as
        several steps of the scoring core read it.
        """
        cached = self.__dict__.get("_pixels")
        if cached is None:
            cached = self.image[:, :, :2] * np.asarray(self.frame_size, dtype=np.float64)
            cached.setflags(write=False)
            self.__dict__["_pixels"] = cached  # not a field: bypasses the frozen __setattr__ on purpose
        return cached

    def without_cache(self) -> PoseSequence:
        """Return the same sequence without what it computed and cached (the arrays are shared, not copied).

        Notes
        -----
        The pixel cache of :meth:`image_pixels` costs 528 bytes a frame. A caller that keeps a sequence long
        after scoring (the pipeline, while it draws the video and writes the report) drops it, so memory held
        per frame of video stays at the landmarks themselves.
        """
        return replace(self)

    def with_timestamps(self, timestamps: FloatArray) -> PoseSequence:
        """Return a copy with new timestamps (same length)."""
        return replace(self, timestamps=timestamps)

    @classmethod
    def empty(cls, fps: float, frame_size: tuple[int, int], source: dict[str, Any] | None = None) -> PoseSequence:
        """Return a sequence with zero frames."""
        return cls(
            image=np.zeros((0, NUM_LANDMARKS, 3)),
            visibility=np.zeros((0, NUM_LANDMARKS)),
            world=np.zeros((0, NUM_LANDMARKS, 3)),
            timestamps=np.zeros(0),
            fps=fps,
            frame_size=frame_size,
            source=source or {},
        )

    @classmethod
    def from_rows(
        cls,
        rows: Sequence[PoseRow],
        timestamps: Sequence[float] | FloatArray,
        *,
        fps: float,
        frame_size: tuple[int, int],
        source: dict[str, Any] | None = None,
    ) -> PoseSequence:
        """Stack per-frame rows into a sequence: the one way frames gathered one by one become a sequence.

        Parameters
        ----------
        rows : sequence of PoseRow
            One per frame, in time order.
        timestamps : sequence of float
            The frames' times in seconds, one per row, strictly increasing.
        fps : float
            Nominal frame rate.
        frame_size : tuple of int
            ``(width, height)`` of the frames.
        source : dict, optional
            Source metadata.

        Returns
        -------
        PoseSequence
            An empty sequence when there are no rows.

        Raises
        ------
        ValueError
            When the number of timestamps differs from the number of rows, a
            row's arrays have the wrong shape, or any check of the class fails.
        """
        times = np.asarray(timestamps, dtype=np.float64)
        if times.shape != (len(rows),):
            raise ValueError(f"timestamps: expected one per row ({len(rows)}), got shape {times.shape}")
        if not rows:
            return cls.empty(fps, frame_size, source)
        for k, row in enumerate(rows):
            _validate_shape(f"rows[{k}].image", np.asarray(row.image), (NUM_LANDMARKS, 3))
            _validate_shape(f"rows[{k}].visibility", np.asarray(row.visibility), (NUM_LANDMARKS,))
            _validate_shape(f"rows[{k}].world", np.asarray(row.world), (NUM_LANDMARKS, 3))
        return cls(  # fresh arrays nobody else holds: frozen here, so __post_init__ shares them without a copy
            image=_frozen(np.stack([row.image for row in rows]).astype(np.float64, copy=False)),
            visibility=_frozen(np.stack([row.visibility for row in rows]).astype(np.float64, copy=False)),
            world=_frozen(np.stack([row.world for row in rows]).astype(np.float64, copy=False)),
            timestamps=times,
            back_bend=_frozen(np.array([row.back_bend for row in rows], dtype=np.float64)),
            fps=fps,
            frame_size=frame_size,
            source=source or {},
        )

    @classmethod
    def concatenate(cls, parts: list[PoseSequence]) -> PoseSequence:
        """Join sequences of the same source end to end (timestamps must keep increasing)."""
        if not parts:
            raise ValueError("parts: expected at least one sequence, got none")
        first = parts[0]
        return replace(
            first,
            image=_frozen(np.concatenate([p.image for p in parts])),
            visibility=_frozen(np.concatenate([p.visibility for p in parts])),
            world=_frozen(np.concatenate([p.world for p in parts])),
            timestamps=_frozen(np.concatenate([p.timestamps for p in parts])),
            back_bend=_frozen(np.concatenate([p.back_bend for p in parts])),
        )

    def to_npz(self, path: str | Path) -> None:
        """Save losslessly to a compressed ``.npz`` file."""
        import json

        np.savez_compressed(
            path,
            format_version=np.int64(NPZ_FORMAT_VERSION),
            image=self.image,
            visibility=self.visibility,
            world=self.world,
            timestamps=self.timestamps,
            back_bend=self.back_bend,
            fps=np.float64(self.fps),
            frame_size=np.asarray(self.frame_size, dtype=np.int64),
            source_json=np.str_(json.dumps(self.source, sort_keys=True, default=str)),
        )

    @classmethod
    def from_npz(cls, path: str | Path) -> PoseSequence:
        """Load a sequence written by :meth:`to_npz`."""
        import json

        with np.load(path, allow_pickle=False) as data:
            version = int(data["format_version"])
            if version != NPZ_FORMAT_VERSION:
                raise ValueError(f"{path}: expected npz format version {NPZ_FORMAT_VERSION}, got {version}")
            width, height = (int(v) for v in data["frame_size"])
            return cls(
                image=data["image"],
                visibility=data["visibility"],
                world=data["world"],
                timestamps=data["timestamps"],
                back_bend=data["back_bend"] if "back_bend" in data else np.zeros(0),
                fps=float(data["fps"]),
                frame_size=(width, height),
                source=json.loads(str(data["source_json"])),
            )
