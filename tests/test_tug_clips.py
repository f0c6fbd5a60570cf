"""The timed up-and-go on real clips with the real pose model: the CLI, the service, and an untimed clip."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from eval.tug_reference import EVENT_TOLERANCE_S, TOTAL_TOLERANCE_S, interval_error, parse_reference
from movequal.errors import NOTHING_MEASURED_EXIT_CODE
from tests.helpers import REPO, SAMPLE, SHARED_VIDEOS, run_cli, shared_clip
from tests.helpers.service import create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # the pose model on real video

TUG_1 = "sts_front-oblique_unknown_amtug1.mp4"
TUG_4 = "sts_front-oblique_unknown_amtug4.mp4"


def _reference(name: str) -> dict[str, tuple[float, float]]:
    """REPS.md's phase times for a clip (by eye from frame timestamps, ±0.25 s)."""
    line = next(row for row in (SHARED_VIDEOS / "REPS.md").read_text().splitlines() if f"`{name}`" in row)
    return parse_reference(line.split("|")[5])


def _analyse(name: str, out: Path, *extra: str) -> dict:
    result = run_cli("analyze", str(shared_clip(name)), "--out", str(out), "--no-video", *extra)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Timed up-and-go" not in result.stderr
    report = json.loads((out / "report.json").read_text())
    jsonschema.validate(report, json.loads((REPO / "schemas" / "report.schema.json").read_text()))
    return report


def _check_against_reps(name: str, tug: dict) -> None:
    reference = _reference(name)
    assert set(reference) == {"lean_onset", "seat_off", "upright", "lowering_onset", "seated"}
    for event, span in reference.items():
        assert abs(interval_error(tug[event], span)) <= EVENT_TOLERANCE_S, (event, tug[event], span)
    total = reference["seated"][0] - reference["lean_onset"][0]
    assert abs(tug["total_s"] - total) <= TOTAL_TOLERANCE_S, (tug["total_s"], total)


def test_a_timed_up_and_go_is_recognised_and_timed_like_the_hand_reference(tmp_path: Path) -> None:
    assessment = _analyse(TUG_1, tmp_path / "tug")["assessment"]
    assert assessment["movement"] == "tug" and assessment["movement_detected"]
    tug = assessment["tug"]
    _check_against_reps(TUG_1, tug)
    assert tug["unseen_s"] > 1.0, "the turn happens out of the picture and is reported"
    assert tug["cutoff_s"] == 13.5 and "Shumway-Cook" in tug["cutoff_source"]
    html = (tmp_path / "tug" / "report.html").read_text()
    assert "Timed up-and-go</h2>" in html and f"{tug['total_s']:.2f} s" in html


FRAMES_4 = {"lean_onset": (4.40, 4.61), "seat_off": (5.20, 5.41), "seated": (17.57, 17.81)}
"""amtug4's events as read frame by frame (eval/frame_strip.py, docs/EVALUATION.md §13): the trunk going forward,
the hips clear of the seat, the buttocks on the seat until settled."""


@pytest.fixture(scope="module")
def second_trial(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _analyse(TUG_4, tmp_path_factory.mktemp("tug4") / "tug")["assessment"]


def test_the_second_trial_is_timed_like_its_frames(second_trial: dict) -> None:
    assert second_trial["movement"] == "tug" and second_trial["tug"]["steps"] >= 4
    for event, span in FRAMES_4.items():
        assert abs(interval_error(second_trial["tug"][event], span)) <= EVENT_TOLERANCE_S, event


@pytest.mark.xfail(
    strict=True,
    reason="REPS.md puts the lean at 5.0 s and seated at 17.5 s; frame by frame the trunk leans from about 4.4 s and "
    "the hips settle onto the seat until about 17.8 s (docs/EVALUATION.md, section 13)",
)
def test_the_second_trial_against_the_hand_reference(second_trial: dict) -> None:
    _check_against_reps(TUG_4, second_trial["tug"])


def test_a_clip_without_a_seated_start_is_not_timed_and_exits_31(tmp_path: Path) -> None:
    out = tmp_path / "squat-as-tug"
    result = run_cli("analyze", str(SAMPLE), "--movement", "tug", "--out", str(out), "--no-video", "--model", "lite")
    assert result.returncode == NOTHING_MEASURED_EXIT_CODE, result.stderr[-2000:]
    assert "could not be timed" in result.stdout and "Traceback" not in result.stderr
    assessment = json.loads((out / "report.json").read_text())["assessment"]
    assert assessment["score"] is None and assessment["tug"]["total_s"] is None
    assert "does not start with the patient seated" in assessment["message"]


def test_the_service_times_an_uploaded_test(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "TUG Clinic")
    clip = shared_clip(TUG_1)
    with running_service(data, "--workers", "1") as service, service.client(key) as client:
        with clip.open("rb") as fh:
            queued = client.post("/v1/analyses", files={"file": (clip.name, fh, "video/mp4")}, data={"movement": "tug"})
        assert queued.status_code == 202, queued.text
        done = wait_for(client, queued.json()["id"])
        assert done["status"] == "done", done
        assessment = done["result"]["assessment"]
        assert assessment["movement"] == "tug" and not assessment["movement_detected"]
        _check_against_reps(TUG_1, assessment["tug"])
        menu = client.get("/v1/movements").json()["items"]
        assert {"name": "tug", "family": "timed-test"}.items() <= next(m for m in menu if m["name"] == "tug").items()
