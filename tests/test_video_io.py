"""Video decoding: rotation, PTS timestamps, streaming and every bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from movequal import errors
from movequal.io.video import iter_frames, probe_video
from tests.helpers import SAMPLE, write_h264


def _striped(width: int = 64, height: int = 32) -> np.ndarray:
    image = np.zeros((height, width, 3), np.uint8)
    image[:, : width // 4] = 255  # white band on the left of the coded picture
    return image


def test_display_rotation_is_applied(tmp_path: Path) -> None:
    clip = write_h264(tmp_path / "rot.mp4", [_striped()] * 5, rotation=90)
    info = probe_video(clip)
    assert (info.width, info.height, info.rotation) == (32, 64, 90)
    frame = next(iter_frames(clip))
    assert frame.image.shape == (64, 32, 3)
    rows = frame.image[:, :, 0].mean(axis=1)
    # 90° counter-clockwise: the coded left band ends up at the bottom of the upright picture.
    assert rows[-4:].mean() > 200 and rows[:4].mean() < 50


def test_variable_frame_rate_times_come_from_pts(tmp_path: Path) -> None:
    times = [0.0, 0.04, 0.05, 0.2, 0.21, 0.5]
    clip = write_h264(tmp_path / "vfr.mp4", [_striped()] * len(times), times=times)
    got = [f.time for f in iter_frames(clip)]
    np.testing.assert_allclose(got, times, atol=1e-3)


def test_sample_clip_decodes_upright_portrait() -> None:
    info = probe_video(SAMPLE)
    assert info.height > info.width
    frames = list(iter_frames(SAMPLE))
    assert len(frames) == 65
    assert frames[0].image.shape == (info.height, info.width, 3)
    assert all(b.time > a.time for a, b in itertools.pairwise(frames))


def test_scaled_decode_keeps_orientation(tmp_path: Path) -> None:
    clip = write_h264(tmp_path / "rot.mp4", [_striped()] * 3, rotation=90)
    frame = next(iter_frames(clip, size=(16, 32)))
    assert frame.image.shape == (32, 16, 3)


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("empty", errors.EmptyFileError, "empty"),
        ("text", errors.NotAVideoError, "not a video"),
        ("png", errors.NotAVideoError, "still image"),
        ("truncated", errors.CorruptVideoError, "truncated"),
        ("audio", errors.NoVideoStreamError, "no video stream"),
    ],
)
def test_bad_inputs_raise_clear_errors(
    bad_inputs: dict[str, Path], kind: str, error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as info:
        probe_video(bad_inputs[kind])
    message = str(info.value)
    assert words in message and bad_inputs[kind].name in message and "\n" not in message


def test_exit_codes_are_distinct() -> None:
    classes = [
        errors.EmptyFileError,
        errors.NotAVideoError,
        errors.NoVideoStreamError,
        errors.CorruptVideoError,
        errors.NoPersonError,
        errors.ModelError,
    ]
    codes = [c.exit_code for c in classes] + [errors.INTERNAL_ERROR_EXIT_CODE]
    assert len(set(codes)) == len(codes)
    assert all(code not in (0, 1, 2) for code in codes)
