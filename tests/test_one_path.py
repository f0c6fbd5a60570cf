"""One path per artifact: rows become a PoseSequence one way, and offline and live build the same report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from movequal.io.atomic import atomic_folder, atomic_text
from movequal.io.video import iter_frames
from movequal.live.session import LiveSession
from movequal.pipeline import AnalysisOptions, analyze_video
from movequal.pose.estimation import EstimatorConfig, PoseEstimator
from movequal.pose.sequence import PoseRow, PoseSequence
from movequal.pose.skeleton import NUM_LANDMARKS
from tests.helpers import SAMPLE


def _rows(frames: int, seed: int = 3) -> list[PoseRow]:
    rng = np.random.default_rng(seed)
    return [
        PoseRow(
            rng.random((NUM_LANDMARKS, 3)),
            rng.random(NUM_LANDMARKS),
            rng.normal(size=(NUM_LANDMARKS, 3)),
            float(rng.normal()),
        )
        for _ in range(frames)
    ]


def test_from_rows_stacks_every_field() -> None:
    rows = _rows(4)
    pose = PoseSequence.from_rows(rows, [0.0, 0.1, 0.2, 0.3], fps=10.0, frame_size=(64, 48), source={"file": "x"})
    assert len(pose) == 4 and pose.frame_size == (64, 48) and pose.source == {"file": "x"}
    np.testing.assert_array_equal(pose.image[2], rows[2].image)
    np.testing.assert_array_equal(pose.visibility[1], rows[1].visibility)
    np.testing.assert_array_equal(pose.world[3], rows[3].world)
    np.testing.assert_array_equal(pose.back_bend, [r.back_bend for r in rows])
    assert not pose.image.flags.writeable


def test_from_rows_without_rows_is_an_empty_sequence() -> None:
    pose = PoseSequence.from_rows([], [], fps=30.0, frame_size=(2, 2), source={"live": True})
    assert len(pose) == 0 and pose.image.shape == (0, NUM_LANDMARKS, 3) and pose.source == {"live": True}


def test_from_rows_refuses_what_does_not_fit() -> None:
    rows = _rows(3)
    with pytest.raises(ValueError, match=r"timestamps: expected one per row \(3\), got shape \(2,\)"):
        PoseSequence.from_rows(rows, [0.0, 0.1], fps=30.0, frame_size=(2, 2))
    short = PoseRow(rows[1].image[:32], rows[1].visibility, rows[1].world)
    with pytest.raises(ValueError, match=r"rows\[1\]\.image: expected shape \(33, 3\), got \(32, 3\)"):
        PoseSequence.from_rows([rows[0], short, rows[2]], [0.0, 0.1, 0.2], fps=30.0, frame_size=(2, 2))
    flat = PoseRow(rows[0].image, rows[0].visibility[:, None], rows[0].world)
    with pytest.raises(ValueError, match=r"rows\[0\]\.visibility: expected shape \(33\)"):
        PoseSequence.from_rows([flat], [0.0], fps=30.0, frame_size=(2, 2))
    with pytest.raises(ValueError, match="timestamps: expected strictly increasing"):
        PoseSequence.from_rows(rows, [0.0, 0.2, 0.1], fps=30.0, frame_size=(2, 2))
    with pytest.raises(ValueError, match="fps: expected a positive number"):
        PoseSequence.from_rows(rows, [0.0, 0.1, 0.2], fps=0.0, frame_size=(2, 2))


@pytest.mark.slow
def test_offline_and_live_reports_name_the_model_that_ran_and_share_one_shape() -> None:
    """Asked for the full model, a worker's lite estimator runs: both reports say lite, with the same fields."""
    with PoseEstimator(EstimatorConfig(model="lite")) as estimator:
        offline = analyze_video(SAMPLE, None, AnalysisOptions(model="full", workers=1), estimator=estimator).report
    with PoseEstimator(EstimatorConfig(model="lite")) as estimator:
        frames = list(iter_frames(SAMPLE))
        size = (frames[0].image.shape[1], frames[0].image.shape[0])
        session = LiveSession(estimator, offline.assessment.movement, size)
        for frame in frames:
            session.process(frame.image, frame.time)
        live, _, _ = session.finish("live session")
    assert offline.source.model == live.source.model == "lite"
    off, on = offline.model_dump(mode="json"), live.model_dump(mode="json")
    assert off.keys() == on.keys()
    assert off["source"].keys() == on["source"].keys()
    assert off["assessment"].keys() == on["assessment"].keys()
    assert (on["source"]["width"], on["source"]["height"]) == (off["source"]["width"], off["source"]["height"])
    assert on["source"]["file"] == "live session" and off["source"]["file"] == SAMPLE.name
    assert abs(on["source"]["duration_s"] - off["source"]["duration_s"]) < 0.1
    assert on["assessment"]["movement"] == off["assessment"]["movement"]


def test_atomic_folder_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    dest = tmp_path / "result"
    dest.mkdir()
    (dest / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(dest) as staging:
        (staging / "new.txt").write_text("new")
        raise RuntimeError("killed mid-write")
    assert [p.name for p in dest.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["result"], "the staging folder was left behind"
    with atomic_folder(dest) as staging, atomic_text(staging / "report.json") as fh:
        fh.write("{}")
    assert [p.name for p in dest.iterdir()] == ["report.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["result"]


def test_atomic_folder_can_leave_creating_the_staging_folder_to_the_writer(tmp_path: Path) -> None:
    staging_path = tmp_path / ".job.attempt1"
    with atomic_folder(tmp_path / "job", staging=staging_path, create=False) as staging:
        assert staging == staging_path and not staging.exists()
        staging.mkdir()
        (staging / "report.json").write_text("{}")
    assert (tmp_path / "job" / "report.json").is_file() and not staging_path.exists()
