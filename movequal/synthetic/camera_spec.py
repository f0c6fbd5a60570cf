"""Where the synthetic camera stands and how it projects: :class:`Camera` and its :data:`CameraView`.

A frozen dataclass that checks its values on creation; the projection itself is
in :mod:`movequal.synthetic.camera`. Re-exported by :mod:`movequal.synthetic.spec`
and :mod:`movequal.synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from movequal.synthetic.gait import check

CameraView = Literal["sagittal-left", "sagittal-right", "frontal", "oblique"]


@dataclass(frozen=True)
class Camera:
    """Where the camera stands and how it projects.

    Parameters
    ----------
    view : {"sagittal-left", "sagittal-right", "frontal", "oblique"}
        Which side of the subject the camera looks at: ``sagittal-left`` is
        on the subject's left (the left landmarks are the near ones),
        ``frontal`` in front, ``oblique`` 45° between front and left.
    distance_m : float
        Horizontal distance from the camera to the subject (mean hip position;
        for a walk seen from the front or obliquely, the hips' position at the
        end of the walk, its nearest point).
    focal_px : float
        Pinhole focal length in pixels; the pixels-per-metre scale is
        ``focal_px / distance_m``. Lowered automatically if the whole clip
        would not fit in the frame with a 5 % margin.
    frame_size : tuple of int
        ``(width, height)`` in pixels.
    orthographic : bool
        Exact parallel projection at the scale ``focal_px / distance_m``.
    height_m : float, optional
        Height of the lens above the floor. By default 0.55 × body height, the
        height the camera aims at, so its optical axis is horizontal. Higher or
        lower, the camera tilts to keep aiming there: down from a shelf, up
        from the floor (:func:`compute_pitch`).

    Notes
    -----
    The camera is unmirrored, by default at 0.55 × body height, with a horizontal optical
    axis (so vertical lines stay vertical). Seen from the subject's left, a
    subject facing forward faces image-LEFT: the side view that shows the left
    side shows the subject walking out of the frame's left edge.

    A walk is filmed by a fixed camera framed on the whole walk, so the
    subject is in view from the first frame to the last: side views see
    them cross the picture (``sagittal-left`` from right to left), the
    frontal view sees them come towards the camera, growing and moving down
    the picture. For side views pass ``frame_size=(1280, 720)``: the
    default walk (7.7 m of travel) then gets about 140 px per metre (a
    body about 240 px tall) against about 78 in the default portrait frame.
    """

    view: CameraView = "sagittal-left"
    distance_m: float = 4.0
    focal_px: float = 1400.0
    frame_size: tuple[int, int] = (720, 1280)
    orthographic: bool = False
    height_m: float | None = None

    def __post_init__(self) -> None:
        """Check the ranges."""
        views = ("sagittal-left", "sagittal-right", "frontal", "oblique")
        check(self.view in views, "view", f"one of {views}", self.view)
        check(self.distance_m >= 1.0, "distance_m", "at least 1 m", self.distance_m)
        check(self.focal_px > 0, "focal_px", "a positive number", self.focal_px)
        width, height = self.frame_size
        check(width >= 16 and height >= 16, "frame_size", "(width, height) of at least 16 px", self.frame_size)
        if self.height_m is not None:
            check(0.0 <= self.height_m <= 5.0, "height_m", "between 0 and 5 m", self.height_m)
