"""Walking on real clips with the real pose model: a limp, a walker coming towards the camera."""

from __future__ import annotations

from pathlib import Path

import pytest

from movequal.core.assessment import Assessment
from movequal.core.scoring import assess
from movequal.pose.estimation import EstimatorConfig, estimate_video
from movequal.pose.tracking import filter_identity_switches
from tests.helpers import shared_clip
from tests.helpers.service import create_key, running_service, wait_for

pytestmark = pytest.mark.slow  # the pose model on real video


def _assess(name: str) -> Assessment:
    pose, _ = filter_identity_switches(estimate_video(shared_clip(name), EstimatorConfig(model="full")))
    return assess(pose).assessment


def test_a_limp_is_uneven_steps() -> None:
    a = _assess("walk_side_bad-limp_gait05.mp4")
    assert a.movement == "walk" and a.gait is not None and len(a.gait.passes) == 1
    (walked,) = a.gait.passes
    assert walked.direction == "towards image left" and walked.steps >= 8
    limp = next(f for f in a.findings if f.code == "step_asymmetry")
    assert limp.severity in ("moderate", "severe") and limp.reps == [1]
    left, right = walked.sides
    assert left.step_length is not None and right.step_length is not None
    # REPS.md: long steps and short "step-to" steps, the trailing foot landing beside the other.
    assert min(left.step_length, right.step_length) < 0.5 * max(left.step_length, right.step_length)


def test_walking_towards_the_camera_is_walking_with_its_contacts() -> None:
    a = _assess("walk_front_unknown_sds.mp4")
    assert a.movement == "walk" and a.movement_detected and a.gait is not None
    assert [p.direction for p in a.gait.passes] == ["towards the camera"]
    strikes = [e.time for e in a.gait.heel_strikes]
    # REPS.md, counted by eye from the front (low-medium confidence, about ±0.2 s); the feet leave the frame
    # at about 2.6 s, so the contact at 2.5 s is not required.
    for contact in (0.25, 0.8, 1.4, 2.0):
        assert min(abs(t - contact) for t in strikes) < 0.2, (contact, strikes)
    assert all(t < 2.7 for t in strikes), "no contact is made up once the feet are out of the frame"
    # Seen from the front, the sideways lean is measured (upright: under 5°) and not flagged.
    (walked,) = a.gait.passes
    assert walked.lateral_lean_deg is not None and abs(walked.lateral_lean_deg) < 5.0
    assert not {"lateral_trunk_lean", "circumduction", "short_steps"} & {f.code for f in a.findings}


def test_the_clean_side_walk_gets_no_finding_and_no_sideways_measure() -> None:
    a = _assess("walk_side_good_gait.mp4")
    assert a.movement == "walk" and a.gait is not None and a.findings == []
    assert all(p.lateral_lean_deg is None for p in a.gait.passes), "the sideways lean points into depth side on"


def test_the_service_measures_walking_in_metres_with_the_patients_height(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = create_key(data, "Gait Clinic")
    clip = shared_clip("walk_side_good_gait.mp4")
    with running_service(data, "--workers", "1") as service, service.client(key) as client:
        pid = client.post("/v1/patients", json={"reference": "W-1", "height_m": 1.80}).json()["id"]
        with clip.open("rb") as fh:
            queued = client.post("/v1/analyses", files={"file": (clip.name, fh, "video/mp4")}, data={"patient_id": pid})
        assert queued.status_code == 202, queued.text
        done = wait_for(client, queued.json()["id"])
        assert done["status"] == "done" and done["height_m"] == 1.80
        gait = done["result"]["assessment"]["gait"]
        assert done["result"]["assessment"]["movement"] == "walk" and gait["leg_length_m"] == pytest.approx(0.884)
        (walked,) = gait["passes"]
        assert walked["speed_m_s"] == pytest.approx(walked["speed"] * 0.884, abs=0.01)
