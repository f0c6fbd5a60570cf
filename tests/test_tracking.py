"""Identity switches: frames of another person become gaps, the subject stays."""

from __future__ import annotations

import numpy as np

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import NUM_LANDMARKS
from movequal.pose.tracking import compute_tracks, filter_identity_switches


def _body(cx: float, cy: float, height: float, rng: np.random.Generator) -> np.ndarray:
    points = np.zeros((NUM_LANDMARKS, 3))
    points[:, 0] = cx + rng.normal(0, 0.01, NUM_LANDMARKS) * height
    points[:, 1] = cy + np.linspace(-0.5, 0.5, NUM_LANDMARKS) * height
    return points


def _sequence(layout: list[tuple[int, float | None, float]]) -> PoseSequence:
    """Frames of (count, centre x or None for nobody, body height)."""
    rng = np.random.default_rng(3)
    rows, vis = [], []
    for count, cx, height in layout:
        for k in range(count):
            if cx is None:
                rows.append(np.full((NUM_LANDMARKS, 3), np.nan))
                vis.append(np.zeros(NUM_LANDMARKS))
            else:
                rows.append(_body(cx + 0.002 * k, 0.5, height, rng))
                vis.append(np.ones(NUM_LANDMARKS))
    image = np.stack(rows)
    return PoseSequence(image, np.stack(vis), image.copy(), np.arange(len(rows)) / 30.0, 30.0, (640, 480))


def test_bystander_after_a_jump_is_blanked() -> None:
    pose = _sequence([(60, 0.3, 0.8), (20, 0.8, 0.4), (30, None, 0.0), (40, 0.35, 0.8)])
    cleaned, dropped = filter_identity_switches(pose)
    assert dropped == 20
    assert cleaned.detected[:60].all() and not cleaned.detected[60:110].any() and cleaned.detected[110:].all()
    assert pose.detected[60:80].all()  # the input is not modified


def test_one_continuous_subject_is_untouched() -> None:
    pose = _sequence([(90, 0.3, 0.8), (20, None, 0.0), (30, 0.4, 0.75)])
    cleaned, dropped = filter_identity_switches(pose)
    assert dropped == 0 and cleaned is pose
    assert len(compute_tracks(pose)) == 2


def test_a_subject_walking_towards_the_camera_across_a_gap_is_kept() -> None:
    heights = np.linspace(0.25, 0.95, 120)  # the body grows in the picture as it comes closer
    layout = [(1, None, 0.0) if 50 <= k < 68 else (1, 0.5, float(h)) for k, h in enumerate(heights)]
    pose = _sequence(layout)
    before, after = compute_tracks(pose)
    assert max(before.size, after.size) / min(before.size, after.size) > 1.45  # the whole tracks' sizes differ
    cleaned, dropped = filter_identity_switches(pose)
    assert dropped == 0 and cleaned is pose


def test_someone_else_after_a_gap_is_blanked_when_the_body_cannot_have_changed_that_much() -> None:
    # Half the subject's size after a 0.6 s gap (more than standing up or crouching changes), then the subject.
    pose = _sequence([(90, 0.1, 0.8), (18, None, 0.0), (30, 0.6, 0.4), (18, None, 0.0), (60, 0.12, 0.8)])
    cleaned, dropped = filter_identity_switches(pose)
    assert dropped == 30 and not cleaned.detected[108:138].any() and cleaned.detected[156:].all()


def test_half_the_size_a_second_later_is_someone_else() -> None:
    # A reflection or a bystander at half the subject's size, 1 s after the subject was last found nearby.
    pose = _sequence([(90, 0.3, 0.8), (30, None, 0.0), (60, 0.7, 0.42)])
    cleaned, dropped = filter_identity_switches(pose)
    assert dropped == 60 and not cleaned.detected[120:].any()


def test_a_subject_who_walks_out_at_one_side_and_comes_back_there_is_kept() -> None:
    # Out of the picture at its right side for 1.8 s (a turn), back at the same side, nearer and larger.
    pose = _sequence([(150, 0.62, 0.4), (54, None, 0.0), (60, 0.95, 0.6)])  # it drifts right to 0.92
    assert max(t.size for t in compute_tracks(pose)) / min(t.size for t in compute_tracks(pose)) > 1.45
    assert filter_identity_switches(pose)[1] == 0
    # ... but a larger body coming in at the other side is blanked.
    other = _sequence([(150, 0.62, 0.4), (54, None, 0.0), (60, 0.05, 0.6)])
    assert filter_identity_switches(other)[1] == 60
