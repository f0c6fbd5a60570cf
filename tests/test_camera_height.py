"""The synthetic camera's lens height: level by default, tilted to aim at the body's middle from above or below."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.body import Body
from movequal.synthetic.camera import CAMERA_HEIGHT, compute_pitch

HEIGHT_M = 1.75


def _film(camera: Camera) -> object:
    pose, _ = generate(SyntheticSpec(movement="squat", reps=1, camera=camera, height_m=HEIGHT_M))
    return pose


def _world_trunk(pose: object) -> float:
    """The first (standing) frame's 3D trunk lean towards the camera from the camera's vertical, degrees."""
    world = pose.world[0]  # type: ignore[attr-defined]
    trunk = (
        world[IDX["left_shoulder"]] + world[IDX["right_shoulder"]] - world[IDX["left_hip"]] - world[IDX["right_hip"]]
    )
    return float(np.degrees(np.arctan2(-trunk[2], -trunk[1])))  # world z points away from the camera, y down


def test_a_lens_at_the_aim_height_is_the_default_level_camera() -> None:
    level, same = _film(Camera(view="frontal")), _film(Camera(view="frontal", height_m=CAMERA_HEIGHT * HEIGHT_M))
    assert np.array_equal(level.image, same.image) and np.array_equal(level.world, same.world)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lens_m", "sign"), [(2.0, 1.0), (0.3, -1.0)])
def test_a_tilted_camera_tilts_the_world_landmarks_by_its_pitch(lens_m: float, sign: float) -> None:
    camera = Camera(view="frontal", height_m=lens_m)
    pitch = np.degrees(compute_pitch(camera, Body.of_height(HEIGHT_M)))
    assert sign * pitch > 5.0
    level, tilted = _film(Camera(view="frontal")), _film(camera)
    # Facing the camera, a lens above puts the top of the body nearer it: the trunk leans "forward" by the pitch.
    assert _world_trunk(tilted) - _world_trunk(level) == pytest.approx(pitch, abs=0.5)
    assert not np.allclose(level.image, tilted.image)  # type: ignore[attr-defined]


def test_a_lens_height_outside_a_room_is_refused() -> None:
    with pytest.raises(ValueError, match="height_m"):
        Camera(height_m=6.0)
