"""Film any 3D body (33 landmarks in the body frame) with the synthetic camera.

:func:`film` is the step :func:`movequal.synthetic.generate` ends with, open
to landmarks from elsewhere (motion capture, another generator): it projects
them through a :class:`~movequal.synthetic.spec.Camera` and returns the
:class:`~movequal.pose.sequence.PoseSequence` a pose model would ideally have
produced, with image and world landmarks and view-dependent visibility.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from movequal.pose.sequence import PoseSequence
from movequal.synthetic.body import Body
from movequal.synthetic.camera import add_noise, render
from movequal.synthetic.camera_spec import Camera

FloatArray = NDArray[np.float64]


def film(
    points: FloatArray,
    camera: Camera,
    fps: float,
    height_m: float,
    *,
    noise_px: float = 0.0,
    dropout: float = 0.0,
    seed: int = 0,
    source: dict[str, Any] | None = None,
    aim_fwd: float | None = None,
) -> PoseSequence:
    """Project body-frame landmarks (T, 33, 3) into a :class:`PoseSequence`.

    Parameters
    ----------
    points : ndarray, shape (T, 33, 3)
        Landmarks in metres in the body frame of :mod:`movequal.synthetic.body`
        (forward, up, subject's left; floor at 0). NaN marks a landmark not
        known in that frame: it stays NaN in the image and world arrays and
        gets visibility 0.
    camera : Camera
        View, distance, focal length, frame size and projection.
    fps : float
        Frame rate of ``points``; frame ``k`` is at ``k / fps`` seconds.
    height_m : float
        Body height; the camera stands at 0.55 of it.
    noise_px, dropout, seed : float, float, int
        Image noise, dropped frames and their seed, as in
        :class:`~movequal.synthetic.spec.SyntheticSpec`.
    source : dict, optional
        Metadata merged into ``PoseSequence.source`` (after ``view``,
        ``facing`` and ``px_per_m``).
    aim_fwd : float, optional
        Forward position (body frame, metres) the camera's distance is
        measured from; by default the mean hip position. A walk towards a
        frontal camera measures it from the walk's end.

    Returns
    -------
    PoseSequence
        ``T`` frames at ``fps``.
    """
    rendered = render(points, camera, Body.of_height(height_m), aim_fwd)
    rendered = add_noise(rendered, camera.frame_size, noise_px, dropout, np.random.default_rng(seed))
    unknown = ~np.isfinite(points).all(axis=-1)
    visibility = np.where(unknown, 0.0, rendered.visibility)
    info = {"view": camera.view, "facing": rendered.info["facing"], "px_per_m": float(rendered.info["px_per_m"])}
    return PoseSequence(
        image=rendered.image,
        visibility=visibility,
        world=rendered.world,
        timestamps=np.arange(len(points), dtype=np.float64) / fps,
        fps=fps,
        frame_size=camera.frame_size,
        source=info | dict(source or {}),
    )
