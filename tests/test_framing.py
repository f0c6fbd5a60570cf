"""A body the picture cuts off: measured per part, refused for tasks done in place, explained for walking.

Synthetic recordings are "filmed too close" by re-expressing their landmarks in a band of the frame (what a
camera with a narrower field would report for the same pose); the last test crops a real clip's frames and runs
the real pose model and the CLI on them.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from eval.evaluate_walk_in import join_walk
from movequal.batch.score import ItemResult, record_report
from movequal.batch.summary import write_summary_csv
from movequal.core.framing import (
    FRAMED_PARTS,
    MAX_OUT_SHARE,
    compute_out_of_picture,
    describe_cut_parts,
    explain_cut_parts,
    find_cut_parts,
    find_parts_outside,
    parts_read_by,
)
from movequal.core.scoring import assess
from movequal.errors import NOTHING_MEASURED_EXIT_CODE
from movequal.io.video import iter_frames
from movequal.live.session import check_framing
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX
from movequal.report.build import build_report
from movequal.report.sections import render_content
from movequal.synthetic import SyntheticSpec, generate
from movequal.synthetic.camera_spec import Camera
from tests.helpers import SAMPLE, run_cli, write_h264


def _synthetic(movement: str = "squat", view: str = "sagittal-left", **spec: object) -> PoseSequence:
    pose, _ = generate(SyntheticSpec(movement=movement, camera=Camera(view=view), noise_px=1.0, seed=3, **spec))
    return pose


def _filmed_in_band(pose: PoseSequence, top: float, bottom: float) -> PoseSequence:
    """The same landmarks as a camera that saw only rows ``top``-``bottom`` (fractions of the height) would give."""
    image = pose.image.copy()
    image[:, :, 1] = (image[:, :, 1] - top) / (bottom - top)
    width, height = pose.frame_size
    return replace(pose, image=image, frame_size=(width, round(height * (bottom - top))))


def _filmed_in_columns(pose: PoseSequence, left: float, right: float) -> PoseSequence:
    """As :func:`_filmed_in_band`, for a camera that saw only the columns ``left``-``right``."""
    image = pose.image.copy()
    image[:, :, 0] = (image[:, :, 0] - left) / (right - left)
    width, height = pose.frame_size
    return replace(pose, image=image, frame_size=(round(width * (right - left)), height))


def _median_y(pose: PoseSequence, name: str) -> float:
    return float(np.nanmedian(pose.image[:, LANDMARK_INDEX[name], 1]))


def _feet_cut(pose: PoseSequence) -> PoseSequence:
    """Cut at mid-shin: the knees stay in, the ankles fall below the frame."""
    knee, ankle = _median_y(pose, "left_knee"), _median_y(pose, "left_ankle")
    return _filmed_in_band(pose, 0.0, knee + 0.5 * (ankle - knee))


def test_a_body_in_view_has_every_part_inside() -> None:
    shares = compute_out_of_picture(_synthetic())
    assert list(shares) == list(FRAMED_PARTS) and set(shares.values()) == {0.0}
    assert find_cut_parts(shares) == [] and explain_cut_parts(shares) is None


def test_the_share_counts_frames_with_a_part_outside_among_frames_with_the_person() -> None:
    pose = _feet_cut(_synthetic())
    shares = compute_out_of_picture(pose)
    assert shares["feet"] > 0.9 and shares["knees"] == 0.0 and shares["head"] == 0.0
    lost = np.zeros(len(pose), dtype=bool)
    lost[: len(pose) // 2] = True  # the person not found in half the frames: those frames do not count
    image = pose.image.copy()
    image[lost] = np.nan
    visibility = pose.visibility.copy()
    visibility[lost] = 0.0
    half = replace(pose, image=image, visibility=visibility)
    assert compute_out_of_picture(half)["feet"] == pytest.approx(shares["feet"], abs=0.05)
    image[:] = np.nan
    assert set(compute_out_of_picture(replace(pose, image=image)).values()) == {0.0}  # nobody found at all


def test_a_part_is_cut_only_above_the_tolerance_and_only_if_the_task_reads_it() -> None:
    at = dict.fromkeys(FRAMED_PARTS, 0.0) | {"feet": MAX_OUT_SHARE}
    above = at | {"feet": MAX_OUT_SHARE + 0.001, "shoulders": 0.5, "head": 0.9, "wrists": 0.9}
    assert find_cut_parts(at) == []
    assert find_cut_parts(above) == ["shoulders", "feet"]  # in body order; the head and wrists do not refuse
    assert find_cut_parts(above, parts_read_by("hand-reach")) == ["shoulders", "feet", "wrists"]
    assert parts_read_by("arm-elevation")[-1] == "elbows" and parts_read_by(None) == parts_read_by("hip-drop")
    text = describe_cut_parts(["shoulders", "feet"], above)
    assert "the shoulders in 50 %" in text and "the feet in 10 %" in text
    assert "tilt the camera up" in text and "tilt the camera down" in text
    with pytest.raises(ValueError, match="at least one part"):
        describe_cut_parts([], at)


def test_one_frame_lists_the_parts_outside_for_the_live_check() -> None:
    pose = _synthetic()
    frame = pose.image[0].copy()
    assert find_parts_outside(frame) == []
    frame[LANDMARK_INDEX["left_heel"], 1] = 1.02  # one heel below the frame
    frame[LANDMARK_INDEX["nose"], 1] = -0.05  # the head above it: measured, but no task refuses it
    frame[LANDMARK_INDEX["right_wrist"], 0] = float("nan")  # unseen is not outside
    assert find_parts_outside(frame) == ["feet"]
    assert find_parts_outside(frame, ("head", "feet")) == ["head", "feet"]


@pytest.mark.parametrize("movement", ["squat", "lift", "sit-to-stand"])
def test_a_repetition_task_with_the_feet_out_of_the_picture_is_not_scored(movement: str) -> None:
    pose = _synthetic(movement, reps=3)
    whole = assess(pose).assessment
    assert whole.cut_off == [] and whole.score is not None and whole.reps
    cut = assess(_feet_cut(pose)).assessment
    assert cut.cut_off == ["feet"] and cut.score is None and cut.rating is None
    assert cut.reps == [] and cut.findings == []
    assert cut.message is not None and cut.message.startswith("Not measurable") and "step back" in cut.message
    given = assess(_feet_cut(pose), movement).assessment  # a movement given explicitly is refused all the same
    assert given.cut_off == ["feet"] and given.score is None and not given.movement_detected


def test_the_live_check_asks_about_a_cut_heel_only_where_the_recording_would_be_refused() -> None:
    pose = _synthetic()
    frame = pose.image[0].copy()
    frame[LANDMARK_INDEX["left_heel"], 1] = 1.02  # one heel below the frame; the other foot in view
    squat = check_framing(frame, pose.visibility[0], pose.world[0], "squat")
    walk = check_framing(frame, pose.visibility[0], pose.world[0], "walk")
    assert not squat.ok and any("feet" in p for p in squat.problems)
    assert not any("feet" in p for p in walk.problems)  # a walker's feet leave the picture by design


def test_a_balance_hold_with_the_shoulders_out_of_the_picture_is_not_scored() -> None:
    pose = _synthetic("single-leg-stance", view="frontal")
    assert assess(pose).assessment.cut_off == []
    shoulders, hips = _median_y(pose, "left_shoulder"), _median_y(pose, "left_hip")
    cut = assess(_filmed_in_band(pose, (shoulders + hips) / 2, 1.0), "single-leg-stance").assessment
    assert cut.cut_off == ["shoulders"] and cut.score is None and cut.balance is None
    assert cut.message is not None and "tilt the camera up" in cut.message


def test_the_head_above_the_picture_is_reported_but_the_squat_is_scored() -> None:
    """Cropped at the top, the real clips read no more differently than with a tight crop (EVALUATION.md §49)."""
    pose = _synthetic("squat", reps=3)
    nose, shoulders = _median_y(pose, "nose"), _median_y(pose, "left_shoulder")
    result = assess(_filmed_in_band(pose, (nose + shoulders) / 2, 1.0))
    assert result.tracking.out_of_picture["head"] > 0.5 and result.tracking.out_of_picture["shoulders"] == 0.0
    assert result.assessment.cut_off == [] and result.assessment.score is not None


@pytest.mark.parametrize(("movement", "part"), [("overhead-reach", "elbows"), ("forward-reach", "wrists")])
def test_a_reach_with_the_arms_out_of_the_picture_is_not_scored(movement: str, part: str) -> None:
    pose = _synthetic(movement, view="sagittal-left", reps=3)
    whole = assess(pose, movement).assessment
    assert whole.cut_off == [] and whole.score is not None
    landmark = FRAMED_PARTS[part][0]
    # Raised elbows go up (image y falls), a forward reach facing image-left goes left (x falls): the picture's
    # top or left edge is set where the arm lies beyond it on 30 % of the frames.
    coordinate = 1 if part == "elbows" else 0
    edge = float(np.nanpercentile(pose.image[:, LANDMARK_INDEX[landmark], coordinate], 30))
    band = _filmed_in_band(pose, edge, 1.0) if part == "elbows" else _filmed_in_columns(pose, edge, 1.0)
    cut = assess(band, movement).assessment
    assert part in cut.cut_off and cut.score is None  # (a forward reach takes a shoulder beyond the edge too)


def test_a_walk_into_the_picture_before_a_set_is_not_held_against_it() -> None:
    """The walker enters across the frame's edge; only the frames of the reps are read."""
    camera = Camera(view="sagittal-left")
    task, _ = generate(SyntheticSpec(movement="squat", reps=4, camera=camera, noise_px=1.5, seed=1))
    walk, _ = generate(SyntheticSpec(movement="walk", camera=camera, noise_px=1.5, seed=1))
    joined = assess(join_walk(task, walk, 4.0, "in"))
    assert max(joined.tracking.out_of_picture.values()) > MAX_OUT_SHARE  # over the whole clip, the body left it
    assert joined.assessment.cut_off == [] and joined.assessment.full_reps == 4


def test_walking_with_the_feet_out_of_the_picture_is_explained_not_refused() -> None:
    pose = _synthetic("walk", view="sagittal-left")
    result = assess(_feet_cut(pose), "walk")
    a = result.assessment
    assert result.tracking.out_of_picture["feet"] > MAX_OUT_SHARE
    assert a.cut_off == []  # walkers leave the picture by design: the gait analysis decides what it can measure
    assert a.gait is not None and a.gait.passes == [] and a.score is None
    assert a.gait.message is not None and "Outside the picture: the feet in" in a.gait.message
    assert a.message == a.gait.message


def test_the_report_page_says_why_nothing_was_scored() -> None:
    pose = _feet_cut(_synthetic())
    report = build_report(
        assess(pose), file="cut.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size, model="full"
    )
    html = render_content(report, None)
    assert "Not measurable: the body was not all in the picture" in html
    assert "No complete repetition found" not in html
    assert "Not counted: the body was not all in the picture." in html
    assert "The feet lay outside the picture in" in html  # the evidence, in the tracking section


def test_the_batch_summary_says_why_a_video_has_no_score(tmp_path: Path) -> None:
    pose = _feet_cut(_synthetic())
    report = build_report(
        assess(pose), file="cut.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size, model="full"
    )
    result = ItemResult("/clinic/cut.mp4", "k", "P-1", None, "queued")
    record_report(result, report)
    assert result.status == "done" and result.score is None and result.cut_off == ["feet"]
    assert ItemResult.from_json(result.to_json()).cut_off == ["feet"]
    write_summary_csv([result], tmp_path / "summary.csv")
    with (tmp_path / "summary.csv").open(newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["cut_off"] == "feet" and row["score"] == ""


@pytest.mark.slow
def test_a_real_clip_filmed_too_close_exits_with_nothing_measured(tmp_path: Path) -> None:
    frames, times = [], []
    for frame in iter_frames(SAMPLE):  # the bundled side-view squat, its lower 40 % cut away
        frames.append(frame.image[: int(frame.image.shape[0] * 0.6) // 2 * 2])
        times.append(frame.time)
    clip = write_h264(tmp_path / "too_close.mp4", frames, times)
    out = tmp_path / "report"
    result = run_cli("analyze", str(clip), "--out", str(out), "--no-video")
    assert result.returncode == NOTHING_MEASURED_EXIT_CODE, result.stderr
    report = json.loads((out / "report.json").read_text())
    assessment = report["assessment"]
    assert assessment["cut_off"] == ["feet"] and assessment["score"] is None and assessment["reps"] == []
    assert report["tracking"]["out_of_picture"]["feet"] > 0.5
    assert "Not measurable" in result.stdout and "Not measurable" in (out / "report.html").read_text()
