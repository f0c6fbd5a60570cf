"""Live sessions: cue gating, position checks, and `movequal live` on a real clip played as a camera."""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest

from movequal.core.assessment import Evidence, Finding
from movequal.live.session import CueGate, check_framing
from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from tests.helpers import run_cli, shared_clip

MULTI_REP = "squat_side_good_ven.mp4"  # 3 reps by hand count (REPS.md)
HAND_COUNT = 3


def _finding(code: str, severity: str, cue: str) -> Finding:
    return Finding(
        code=code,
        title=code,
        severity=severity,  # type: ignore[arg-type]
        confidence=0.9,
        evidence=[Evidence(name="x", value=1.0, unit="deg")],
        cue=cue,
        reps=[1],
        rep_severity=[severity],  # type: ignore[list-item]
        frames=[(0, 1)],
        points_lost=5.0,
    )


def test_cue_gate_gives_one_cue_at_a_time_and_does_not_nag() -> None:
    gate = CueGate(min_gap_s=4.0, repeat_s=12.0)
    lean, heels = _finding("trunk_lean", "mild", "Chest up."), _finding("heel_lift", "severe", "Heels down.")
    first = gate.offer([lean, heels], 10.0)
    assert first is not None and first.code == "heel_lift", "the most severe finding speaks first"
    assert gate.offer([lean], 12.0) is None, "too soon after the last cue"
    second = gate.offer([lean, heels], 14.5)
    assert second is not None and second.code == "trunk_lean", "the same cue is not repeated within 12 s"
    assert gate.offer([heels], 19.0) is None
    again = gate.offer([heels], 22.5)
    assert again is not None and again.code == "heel_lift"


@pytest.fixture(scope="module")
def side_and_front() -> tuple:
    side = estimate_video(shared_clip("squat_side_bad-heelrise_kaia002.mp4"), EstimatorConfig(back_contour=False))
    front = estimate_video(shared_clip("squat_front_good_lnewco7054.mov"), EstimatorConfig(back_contour=False))
    return side, front


@pytest.mark.slow
def test_framing_check_says_how_to_fix_the_set_up(side_and_front: tuple) -> None:
    side, front = side_and_front
    i, j = 5, 5  # standing, before the descent
    assert check_framing(side.image[i], side.visibility[i], side.world[i], "squat").ok
    assert check_framing(front.image[j], front.visibility[j], front.world[j], "squat").ok
    turn = check_framing(front.image[j], front.visibility[j], front.world[j], "lift")
    assert not turn.ok and any(p.startswith("Turn side on") for p in turn.problems)
    cropped = side.image[i].copy()
    for name in ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index"):
        cropped[IDX[name], 1] = 1.05
    feet = check_framing(cropped, side.visibility[i], side.world[i], "squat")
    assert not feet.ok and any("feet" in p for p in feet.problems)
    nobody = check_framing(np.full((33, 3), np.nan), np.zeros(33), np.full((33, 3), np.nan), "squat")
    assert not nobody.ok and "Nobody" in nobody.problems[0]


@pytest.mark.slow
def test_live_cli_headless_matches_analyze(tmp_path: Path) -> None:
    clip = shared_clip(MULTI_REP)
    offline = run_cli(
        "analyze", str(clip), "--model", "lite", "--movement", "squat", "--no-video", "--out", str(tmp_path / "a")
    )
    assert offline.returncode == 0, offline.stderr
    offline_reps = len(json.loads((tmp_path / "a" / "report.json").read_text())["assessment"]["reps"])
    video = tmp_path / "overlay.mp4"
    live = run_cli(
        "live", "--source", str(clip), "--movement", "squat", "--model", "lite",
        "--no-window", "--record", str(video), "--out", str(tmp_path / "live"),
        "--load-kg", "0", "--pain-before", "2", "--pain-after", "3",
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    counted = re.search(r"Live counter: (\d+) rep", live.stdout)
    assert counted, live.stdout
    live_reps = int(counted.group(1))
    assert abs(live_reps - offline_reps) <= 1 and abs(live_reps - HAND_COUNT) <= 1, (live_reps, offline_reps)
    assert len(re.findall(r"^rep \d+: score \d+", live.stderr, re.M)) == live_reps
    saved = json.loads((tmp_path / "live" / "report.json").read_text())
    assert abs(len(saved["assessment"]["reps"]) - HAND_COUNT) <= 1
    assert saved["source"]["file"] == f"live session ({MULTI_REP})"
    assert saved["dose"]["load_kg"] == 0 and (saved["dose"]["pain_before"], saved["dose"]["pain_after"]) == (2, 3)
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(stream)) > 100


def test_live_refuses_a_bad_dose_before_opening_the_source(tmp_path: Path) -> None:
    result = run_cli(
        "live",
        "--source",
        str(shared_clip(MULTI_REP)),
        "--no-window",
        "--pain-after",
        "12",
        "--out",
        str(tmp_path / "x"),
    )
    assert result.returncode == 18, result.stderr
    assert "--pain-after: must be a whole number between 0 and 10" in result.stderr
    assert not (tmp_path / "x").exists()


def test_live_window_without_a_display_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    result = run_cli("live", "--source", str(shared_clip(MULTI_REP)), "--out", str(tmp_path / "x"))
    assert result.returncode == 10, result.stderr
    assert "--no-window" in result.stderr


def test_a_slow_consumer_gets_the_newest_frames_and_the_rest_are_dropped() -> None:
    import time

    from movequal.io.capture import paced_file
    from movequal.io.video import probe_video

    clip = shared_clip("squat_side_bad-heelrise_kaia002.mp4")  # 47 frames, 1.6 s
    total = probe_video(clip).frame_count
    seen = []
    with paced_file(clip, speed=2.0) as source:
        for frame in source:
            seen.append(frame.index)
            time.sleep(0.08)  # slower than the 60 frames/s the file now arrives at
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert source.mailbox.dropped > total // 3, "frames were queued instead of dropped"
    assert source.mailbox.produced == total and seen[-1] == total - 1, "the newest frame is always delivered"
    assert len(seen) + source.mailbox.dropped == total


def test_a_session_past_its_length_limit_must_be_saved_first() -> None:
    from movequal.live.session import MAX_SESSION_S, LiveSession
    from movequal.pose.estimation import PoseEstimator

    blank = np.zeros((64, 64, 3), np.uint8)
    with PoseEstimator(EstimatorConfig(model="lite")) as estimator:
        session = LiveSession(estimator, "squat", (64, 64))
        session.process(blank, 0.0)
        assert not session.full
        session.process(blank, MAX_SESSION_S)
        assert session.full
        with pytest.raises(ValueError, match="stop and save"):
            session.process(blank, MAX_SESSION_S + 1)
        assert len(session.to_pose()) == 2
