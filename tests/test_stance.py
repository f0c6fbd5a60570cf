"""Feet in place, a step, or walking off: the stance rules and how repetition counting uses them."""

from __future__ import annotations

import numpy as np
import pytest

from movequal.core.movement_registry import MOVEMENTS
from movequal.core.peaks import find_prominent_peaks
from movequal.core.reps import MIN_PROMINENCE, merge_tied_tops, segment_reps
from movequal.core.stance import (
    FOOT_STEP,
    MIN_AWAY_S,
    _stance_seen,
    _walked_frames,
    compute_min_frames,
    detect_feet_spread,
    detect_in_place,
    detect_walk_off,
    detect_walk_offs,
)

FPS = 30.0
K = compute_min_frames(FPS)  # each sign's duration in frames at FPS: 3


def _stance(frames: int, seed: int = 0) -> np.ndarray:
    """Two feet 0.3 leg lengths apart, standing still with 0.01 leg lengths of landmark jitter."""
    rng = np.random.default_rng(seed)
    feet = np.tile(np.array([[1.0, 2.0], [1.3, 2.0]]), (frames, 1, 1))
    return feet + rng.normal(0.0, 0.01, feet.shape)


def _walk(feet: np.ndarray, start: int, step: float = 0.4, step_frames: int = 12) -> np.ndarray:
    """From ``start`` on, the feet take alternate steps of ``step`` leg lengths to the left, foot 0 first."""
    out = feet.copy()
    for i in range(start, len(out)):
        k, frac = divmod(i - start, step_frames)  # steps completed, frames into the current one
        moved = np.array([(k + 1) // 2, k // 2], dtype=float) * step  # completed steps per foot
        moved[k % 2] += frac / step_frames * step  # the foot swinging now
        out[i, :, 0] = feet[i, :, 0] - moved
    return out


def test_standing_still_is_in_place_and_not_walking_off() -> None:
    feet = _stance(60)
    assert detect_in_place(feet)
    assert not detect_walk_off(feet, min_frames=K)


def test_alternate_steps_away_are_a_walk_off() -> None:
    feet = _walk(_stance(90), start=45)
    assert not detect_in_place(feet)
    assert detect_walk_off(feet, min_frames=K)
    assert not detect_walk_off(feet[:50], min_frames=K), "the first few frames of the first step are not yet a walk"


def test_a_shuffle_of_one_foot_is_a_step_but_not_a_walk_off() -> None:
    feet = _stance(60)
    feet[30:, 1, 0] += 0.25  # one foot moves 0.25 leg lengths and stays there
    assert not detect_in_place(feet)
    assert not detect_walk_off(feet, min_frames=K)


def test_a_drifting_camera_moves_both_feet_but_keeps_their_spacing() -> None:
    feet = _stance(60)
    feet[:, :, :] += np.linspace(0.0, 0.3, 60)[:, None, None]  # the whole image drifts 0.42 leg lengths
    assert not detect_walk_off(feet, min_frames=K)


def test_the_pose_model_swapping_left_and_right_is_not_a_walk_off() -> None:
    feet = _stance(60)
    feet[20:40] = feet[20:40, ::-1]  # labels swapped for 20 frames
    assert not detect_in_place(feet), "a swap is not told from a step when each foot is followed by its label"
    assert not detect_walk_off(feet, min_frames=K)
    smoothed = feet.copy()  # a live filter passes both through the middle while following the swap
    smoothed[18:22] = feet[18:22].mean(axis=1, keepdims=True)
    assert not detect_walk_off(smoothed, min_frames=K)


def test_a_far_foot_hidden_at_first_is_judged_from_where_it_is_first_seen() -> None:
    feet = _walk(_stance(90), start=45)
    feet[:30, 1] = np.nan  # the far foot of a side view appears only after a second
    assert detect_walk_off(feet, min_frames=K)
    planted = _stance(90)
    planted[:30, 1] = np.nan
    assert not detect_walk_off(planted, min_frames=K)
    assert not detect_walk_off(np.full((30, 2, 2), np.nan), min_frames=K)


def test_the_feet_are_placed_where_they_stood_together_not_where_each_was_last_lost() -> None:
    # A side view's far foot is found on the first frames, but misplaced by the pose model just before it is lost
    # behind the plates; it is found again at its true place once the near foot is seen too. Its first frames
    # paired with the near foot's later ones make a stance that never was, and a short jitter near the threshold
    # then reads as both feet away.
    feet = _stance(90)
    feet[:10, 0] = np.nan  # the near foot hidden at first
    feet[:4, 1] += np.array([0.0, -0.36])  # the far foot misplaced on its first frames
    feet[4:10, 1] = np.nan  # then lost behind the plate
    feet[40:43] += np.array([[0.16, 0.0], [0.0, 0.0]])  # a three-frame jitter of the near foot
    assert not detect_walk_off(feet, min_frames=K)
    assert not detect_walk_offs(feet, np.array([0]), np.array([89]), min_frames=K)[0]
    walking = _walk(_stance(90), start=45)
    walking[:4, 1] += np.array([0.0, -0.36])
    walking[4:10, 1] = np.nan
    walking[:10, 0] = np.nan
    assert detect_walk_off(walking, min_frames=K), "feet that leave their shared stance still walk off"
    alternating = np.where(np.arange(20)[:, None, None] % 2 == np.arange(2)[None, :, None], 0.0, np.nan)
    assert np.isnan(_stance_seen(alternating)).all(), "never both seen: no stance"


def test_a_rep_during_which_the_patient_walks_off_is_partial_for_planted_movements_only() -> None:
    t = np.arange(0, 6.0, 1 / FPS)
    bump = lambda centre: np.clip(1.0 - np.abs(t - centre) / 0.8, 0.0, None)  # noqa: E731
    depth = bump(1.5) + bump(4.0)  # two reps from rest, bottoms at 1.5 s and 4.0 s
    feet = _walk(_stance(t.size), start=int(3.6 * FPS))  # walks off during the second
    assert len(segment_reps(depth, t, feet, planted=True).reps) == 1
    assert len(segment_reps(depth, t, feet, planted=True).partial_bottoms) == 1
    assert len(segment_reps(depth, t, feet, planted=False).reps) == 2  # a lunge steps by design
    assert len(segment_reps(depth, t, _stance(t.size), planted=True).reps) == 2


def test_only_the_lunge_walking_and_the_tug_move_their_feet_by_design() -> None:
    walking = {name for name, p in MOVEMENTS.items() if p.family == "locomotion"}
    assert walking == {"walk", "suitcase-carry", "farmer-carry"}
    assert {name for name, p in MOVEMENTS.items() if not p.planted} == {"lunge", "tug", *walking}
    assert 0.1 < FOOT_STEP < 0.24  # above landmark jitter, below the shortest step on the development clips


def _reference_walk_offs(feet: np.ndarray, starts: np.ndarray, ends: np.ndarray, k: int) -> list[bool]:
    """detect_walk_offs written out window by window: each sign must hold k frames from a frame in the window,
    and a step must begin no later than the last frame from which both feet are away."""
    out = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        places = _stance_seen(feet[s : e + 1])
        signs = _walked_frames(feet[s:], places)
        lasting = np.zeros(3, dtype=bool)
        first_step, last_away = None, None
        for i in range(e - s + 1):
            run = signs[i : i + k].all(axis=0)  # cut short only by the end of the recording
            lasting |= run
            if run[1] and first_step is None:
                first_step = i
            if run[0]:
                last_away = i
        ordered = first_step is not None and last_away is not None and first_step <= last_away
        out.append(bool(lasting.all() and ordered))
    return out


def test_a_sign_seen_on_one_frame_is_a_blip_not_a_walk_off() -> None:
    feet = _stance(60)
    feet[30] += np.array([[0.3, 0.0], [0.6, 0.0]])  # one frame: both feet away, re-spaced, midpoint moved
    assert detect_walk_off(feet, min_frames=1), "without the duration rule one frame decides"
    assert not detect_walk_off(feet, min_frames=compute_min_frames(15.0))
    assert not detect_walk_off(feet, min_frames=compute_min_frames(30.0))


def test_live_a_sign_on_the_last_frames_seen_has_not_yet_lasted() -> None:
    feet = _stance(60)
    feet[-1] += np.array([[0.3, 0.0], [0.6, 0.0]])  # a blip on the frame just seen
    assert detect_walk_off(feet, min_frames=K), "at the end of a recording a sign still holding counts"
    assert not detect_walk_off(feet, min_frames=K, seen_to_end=False), "live, more frames will come"
    walking = _walk(_stance(90), start=40)  # a real walk-off lasts inside the window
    assert detect_walk_off(walking, min_frames=K, seen_to_end=False)


def test_a_walk_off_filmed_at_15_frames_per_second_is_still_one() -> None:
    feet = _walk(_stance(45), start=22, step_frames=6)  # the same steps as at 30 frames/s, half the frames
    assert detect_walk_off(feet, min_frames=compute_min_frames(15.0))


def test_the_duration_in_frames_follows_the_frame_rate() -> None:
    assert pytest.approx(0.1) == MIN_AWAY_S
    rates = (10.0, 15.0, 14.9, 24.0, 25.0, 29.97, 30.0, 30.8, 31.07, 60.0, 60.05)
    assert [compute_min_frames(f) for f in rates] == [1, 2, 2, 3, 3, 3, 3, 3, 3, 6, 6]
    assert compute_min_frames(float("nan")) == 1


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_windows_at_once_match_the_rule_written_out(k: int) -> None:
    rng = np.random.default_rng(k)
    feet = _walk(_stance(200, seed=k), start=150)
    feet[rng.random(200) < 0.05, 1] = np.nan  # a far foot hidden now and then
    blips = rng.choice(np.arange(10, 140), size=6, replace=False)
    feet[blips] += rng.normal(0.0, 0.3, (6, 2, 2))  # single-frame landmark blips
    starts = rng.integers(0, 190, size=40)
    ends = np.minimum(starts + rng.integers(1, 60, size=40), 199)
    got = detect_walk_offs(feet, starts, ends, min_frames=k).tolist()
    assert got == _reference_walk_offs(feet, starts, ends, k)
    assert any(got) and not all(got)


def test_a_walk_off_starting_on_a_windows_last_frames_is_read_past_its_end() -> None:
    feet = _walk(_stance(90), start=40)  # the second foot leaves its place from frame 52, 0.15 away at frame 57
    k = compute_min_frames(30.0)
    assert detect_walk_offs(feet, np.array([0]), np.array([58]), min_frames=k).tolist() == [True]
    early = detect_walk_offs(feet, np.array([0]), np.array([55]), min_frames=k)
    assert early.tolist() == [False], "not yet both feet away"


def test_feet_that_did_not_spread_cannot_walk_off_and_the_shortcut_changes_no_answer() -> None:
    assert not detect_feet_spread(_stance(60)), "landmark jitter is no spread"
    assert detect_feet_spread(_walk(_stance(90), start=40))
    assert not detect_feet_spread(np.full((10, 2, 2), np.nan)), "feet never seen"
    # One foot stays (a hair off its place) while the other walks off past it: the rule pairs each foot with the
    # other's place and reads both away. Only one foot spread, and the shortcut must still leave it to the rule.
    past = np.tile(np.array([[0.0, 0.0], [0.3, 0.0]]), (40, 1, 1))
    past[10:, 0, 0] = 0.02
    past[10:, 1, 0] = np.linspace(0.3, -1.0, 30)
    assert detect_feet_spread(past) and detect_walk_off(past, min_frames=K)
    rng = np.random.default_rng(7)
    spread = 0
    for _ in range(400):  # feet wandering by about the step size, with gaps and left/right swaps
        frames = int(rng.integers(4, 40))
        feet = np.array([[0.0, 0.0], [rng.uniform(0.0, 0.4), 0.0]]) + np.cumsum(
            rng.normal(0.0, rng.choice([0.005, 0.02, 0.05]), (frames, 2, 2)), axis=0
        )
        feet[rng.random(frames) < 0.1, int(rng.integers(2))] = np.nan
        swapped = rng.random(frames) < 0.1
        feet[swapped] = feet[swapped, ::-1]
        spread += detect_feet_spread(feet)
        for k in (1, K):
            reference = _reference_walk_offs(feet, np.array([0]), np.array([frames - 1]), k)[0]
            assert detect_walk_off(feet, min_frames=k) == reference
            assert detect_feet_spread(feet) or not reference
            live = detect_walk_off(feet, min_frames=k, seen_to_end=False)
            assert not live or detect_walk_off(feet, min_frames=k), "live asks more of a sign, never less"
    assert 50 < spread < 350, "both kinds of window were tried"


AT_THE_LIMIT = np.array([0.031902975060765226, 0.14656807354356607])
"""A step whose length rounds to FOOT_STEP through ``np.hypot``, to just over it through ``np.linalg.norm``."""


@pytest.mark.parametrize("step", [AT_THE_LIMIT, AT_THE_LIMIT * 1.05])
def test_feet_that_spread_just_past_a_step_still_walk_off(step: np.ndarray) -> None:
    """One foot steps just over FOOT_STEP, then both, then the other alone: a walk-off the shortcut must leave to
    the rule."""
    places = np.array([[0.0, 0.0], [0.3, 0.0]])
    poses = (places, [places[0] + step, places[1]], places + step, [places[0], places[1] + step])
    feet = np.concatenate([np.tile(p, (3, 1, 1)) for p in poses])
    assert _reference_walk_offs(feet, np.array([0]), np.array([len(feet) - 1]), K)[0]
    assert detect_walk_off(feet, min_frames=K)
    assert detect_feet_spread(feet)


def test_no_frames_spread_nothing_and_walk_nowhere() -> None:
    empty = np.zeros((0, 2, 2))
    assert not detect_feet_spread(empty)
    assert not detect_walk_off(empty, min_frames=K)


def test_two_equal_tops_of_one_flat_hold_are_one_rep() -> None:
    """A hold flat to the last bit has two equally high maxima: ``find_peaks`` gives each the whole prominence."""
    t = np.arange(0.0, 7.0, 1.0 / 30.0)
    hump = np.clip(np.sin(np.pi * (t - 0.5) / 3.0) * 1.4, 0.0, 1.0)  # a rep from 0.5 to 3.5 s, holding 1.0 on top
    depth = hump + hump[np.maximum(np.arange(t.size) - 90, 0)] * (t >= 3.5)  # and the same again from 3.5 s
    held = np.flatnonzero(depth == 1.0)
    assert held.size > 40
    depth[held[10]] -= 1e-12  # a rounding-sized dip splits the first hold into two equal tops
    reps = segment_reps(depth, t).reps
    assert len(reps) == 2
    found = find_prominent_peaks(depth, MIN_PROMINENCE)
    assert len(found[0]) == 3, "find_peaks alone sees the split hold as two peaks"
    peaks, props = merge_tied_tops(depth, *found)
    assert peaks.tolist() == [found[0][0], found[0][2]]
    assert props["right_bases"][0] == found[1]["right_bases"][1], "the kept top's bases span the merged one"
    for scale, merged in ((0.99, True), (1.01, False)):  # a dip just shallower, or just deeper, than a rep's least
        dipped = depth.copy()
        dipped[held[10]] = 1.0 - scale * MIN_PROMINENCE
        tops = find_prominent_peaks(dipped, MIN_PROMINENCE)[0]
        kept = merge_tied_tops(dipped, *find_prominent_peaks(dipped, MIN_PROMINENCE))[0]
        assert len(tops) - len(kept) == (1 if merged else 0), scale
    taller = depth.copy()
    taller[held[15]] += 1e-9  # tops of different heights are left to their prominences
    assert merge_tied_tops(taller, *find_prominent_peaks(taller, MIN_PROMINENCE))[0].size == 2


def test_a_foot_lost_on_the_first_frames_is_placed_where_first_seen() -> None:
    feet = _stance(30)
    feet[:3, 1] = np.nan  # the far foot lost on the window's first frames (a dropped detection)
    assert detect_in_place(feet), "a foot standing still is in place, not unplaceable"
    feet[20:, 1, 0] += 0.3
    assert not detect_in_place(feet)


def test_a_camera_carried_by_hand_and_a_far_foot_wandering_afterwards_is_not_a_walk_off() -> None:
    # The picture moves both feet off their places together (no step), and later the far foot's landmark wanders
    # off its spacing for a moment: each sign holds, but the step does not come before both feet are away.
    feet = _stance(90)
    feet[20:35] += np.array([0.2, 0.0])  # the camera moved: both feet away, the point between them moved
    feet[45:50, 1] += np.array([0.0, 0.17])  # the far foot's landmark alone, later
    assert not detect_walk_off(feet, min_frames=K)
    assert not detect_walk_offs(feet, np.array([0]), np.array([89]), min_frames=K)[0]
    assert _reference_walk_offs(feet, np.array([0]), np.array([89]), K) == [False]
    stepped_first = _stance(90)
    stepped_first[15:20, 1] += np.array([0.0, 0.17])  # a step, then both feet away
    stepped_first[20:35] += np.array([0.2, 0.0])
    stepped_first[20:35, 1] += np.array([0.0, 0.17])
    assert detect_walk_off(stepped_first, min_frames=K)
