"""PoseSequence: validation, immutability, slicing and lossless save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from movequal.core.kinematics import compute_kinematics
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_NAMES, NUM_LANDMARKS, SKELETON_EDGES
from movequal.report.export import from_trc, to_angles_csv, to_landmarks_csv, to_trc


def _sequence(frames: int = 10, seed: int = 1) -> PoseSequence:
    rng = np.random.default_rng(seed)
    image = rng.random((frames, NUM_LANDMARKS, 3))
    image[3] = np.nan  # a frame with nobody
    visibility = rng.random((frames, NUM_LANDMARKS))
    visibility[3] = 0
    return PoseSequence(
        image=image,
        visibility=visibility,
        world=rng.normal(size=(frames, NUM_LANDMARKS, 3)),
        timestamps=np.arange(frames) / 30 + rng.random(frames) * 0.001,
        fps=30.0,
        frame_size=(640, 480),
        source={"file": "x.mp4"},
    )


def test_shape_errors_say_expected_and_got() -> None:
    good = _sequence()
    with pytest.raises(ValueError, match=r"image: expected shape \(10, 33, 3\), got \(10, 32, 3\)"):
        PoseSequence(good.image[:, :32], good.visibility, good.world, good.timestamps, 30.0, (640, 480))
    with pytest.raises(ValueError, match="timestamps: expected strictly increasing"):
        PoseSequence(good.image, good.visibility, good.world, good.timestamps[::-1], 30.0, (640, 480))
    with pytest.raises(ValueError, match="fps: expected a positive number"):
        PoseSequence(good.image, good.visibility, good.world, good.timestamps, 0.0, (640, 480))


def test_arrays_are_read_only_copies() -> None:
    image = _sequence().image.copy()
    seq = _sequence()
    seq2 = PoseSequence(image, seq.visibility, seq.world, seq.timestamps, 30.0, (640, 480))
    image[0, 0, 0] = 99.0
    assert seq2.image[0, 0, 0] != 99.0
    with pytest.raises(ValueError):
        seq2.image[0, 0, 0] = 1.0


def test_slicing_returns_new_sequence() -> None:
    seq = _sequence()
    part = seq[2:6]
    assert isinstance(part, PoseSequence) and len(part) == 4
    np.testing.assert_array_equal(part.timestamps, seq.timestamps[2:6])
    assert list(part.detected) == [True, False, True, True]
    assert len(seq[seq.detected]) == 9


def test_npz_round_trip_is_lossless(tmp_path: Path) -> None:
    seq = _sequence()
    seq.to_npz(tmp_path / "p.npz")
    back = PoseSequence.from_npz(tmp_path / "p.npz")
    for name in ("image", "visibility", "world", "timestamps"):
        np.testing.assert_array_equal(getattr(back, name), getattr(seq, name))
    assert (back.fps, back.frame_size, back.source) == (seq.fps, seq.frame_size, seq.source)


def test_trc_round_trip_and_axes(tmp_path: Path) -> None:
    seq = _sequence()
    to_trc(seq, tmp_path / "l.trc")
    header = (tmp_path / "l.trc").read_text().splitlines()
    assert header[0].startswith("PathFileType\t4") and header[2].split("\t")[2:4] == ["10", "33"]
    times, markers = from_trc(tmp_path / "l.trc")
    np.testing.assert_allclose(times, seq.timestamps, atol=1e-5)
    np.testing.assert_allclose(markers[:, :, 1], -seq.world[:, :, 1], atol=1e-5)  # Y up in OpenSim


def test_csv_exports_have_one_row_per_frame(tmp_path: Path) -> None:
    seq = _sequence()
    to_landmarks_csv(seq, tmp_path / "l.csv")
    lines = (tmp_path / "l.csv").read_text().splitlines()
    assert len(lines) == 11 and lines[0].split(",")[2] == "nose_x"
    assert lines[4].split(",")[2] == ""  # undetected frame stays empty, not 0
    to_angles_csv(compute_kinematics(seq), tmp_path / "a.csv")
    header = (tmp_path / "a.csv").read_text().splitlines()[0]
    assert "knee_flexion_left_deg" in header


def test_skeleton_constants_are_consistent() -> None:
    assert len(LANDMARK_NAMES) == NUM_LANDMARKS == 33
    assert all(0 <= a < 33 and 0 <= b < 33 for a, b in SKELETON_EDGES)
