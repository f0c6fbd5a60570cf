"""The browser-pose ``landmarks`` message: strict checks, and the same live path as the server's pose model."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.live_sessions import LiveStart
from movequal.live.landmark_message import MAX_WORLD_M, parse_landmark_message, same_aspect
from movequal.live.session import LiveSession
from movequal.pose.sequence import PoseRow


def _message(seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    image = np.column_stack([rng.uniform(0.2, 0.8, (33, 2)), rng.uniform(-0.3, 0.3, 33), rng.uniform(0, 1, 33)])
    world = rng.uniform(-0.9, 0.9, (33, 3))
    # Through JSON, as the browser sends it: plain lists of floats.
    return json.loads(
        json.dumps(
            {"type": "landmarks", "t_ms": 1234.5, "size": [640, 480], "image": image.tolist(), "world": world.tolist()}
        )
    )


def test_a_good_message_becomes_the_frames_pose_row() -> None:
    message = _message()
    parsed = parse_landmark_message(message)
    assert parsed.t_ms == 1234.5 and parsed.size == (640, 480)
    image = np.array(message["image"])
    np.testing.assert_array_equal(parsed.row.image, image[:, :3])
    np.testing.assert_array_equal(parsed.row.visibility, image[:, 3])
    np.testing.assert_array_equal(parsed.row.world, np.array(message["world"]))
    assert np.isnan(parsed.row.back_bend), "the back's outline needs the body mask, which the browser does not send"


def test_nobody_seen_is_an_empty_row() -> None:
    message = _message() | {"image": None, "world": None}
    row = parse_landmark_message(message).row
    assert np.isnan(row.image).all() and np.isnan(row.world).all() and (row.visibility == 0).all()


def _broken(path: tuple, value: object) -> dict:
    message = copy.deepcopy(_message())
    target = message
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return message


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (_broken(("image",), _message()["image"][:32]), "image must be a list of 33 landmarks, got 32 items"),
        (_broken(("image", 5), [0.5, 0.5, 0.0]), r"image\[5\] must be a list of 4 numbers"),
        (_broken(("world", 0), [0.1, 0.2, 0.3, 0.4]), r"world\[0\] must be a list of 3 numbers"),
        (_broken(("world",), "33 points"), "world must be a list of 33 landmarks, got str"),
        (_broken(("image", 3, 1), float("nan")), r"image\[3\]\[1\] must be a finite number"),
        (_broken(("world", 7, 2), float("inf")), r"world\[7\]\[2\] must be a finite number"),
        (_broken(("world", 7, 2), 10**400), r"world\[7\]\[2\] must be a finite number"),
        (_broken(("image", 2, 0), "0.5"), r"image\[2\]\[0\] must be a number, got str"),
        (_broken(("image", 2, 0), True), r"image\[2\]\[0\] must be a number, got bool"),
        (_broken(("image", 2, 0), None), r"image\[2\]\[0\] must be a number, got NoneType"),
        (_broken(("image", 9, 0), 1e9), "image coordinates must lie within"),
        (_broken(("image", 9, 3), 1.5), "visibility must lie between 0 and 1"),
        (_broken(("image", 9, 3), -0.1), "visibility must lie between 0 and 1"),
        (_broken(("world", 1, 1), MAX_WORLD_M + 1), "world coordinates must lie within"),
        (_broken(("size",), [640, 0]), "size must be two whole numbers"),
        (_broken(("size",), [640.5, 480]), "size must be two whole numbers"),
        (_broken(("size",), [640]), r"size must be \[width, height\]"),
        (_broken(("size",), [-640, 480]), "size must be two whole numbers"),
        (_broken(("t_ms",), "soon"), "t_ms must be a number, got str"),
        (_broken(("t_ms",), float("nan")), "t_ms must be a finite number"),
        (_broken(("world",), None), "image and world must both be given"),
        (_broken(("type",), "frame"), '"type": "landmarks"'),
        (_message() | {"video": "AAAA"}, r"unknown field\(s\) in a landmarks message: video"),
        ({"type": "landmarks", "t_ms": 1.0, "size": [640, 480], "image": None}, "needs world"),
    ],
)
def test_a_bad_message_is_refused_with_its_reason(message: dict, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_landmark_message(message)


def test_aspect_check() -> None:
    assert same_aspect((1280, 720), (640, 360)) and same_aspect((640, 481), (640, 480))
    assert not same_aspect((480, 640), (640, 480))


def test_browser_pose_start_is_validated() -> None:
    assert LiveStart.model_validate({"type": "start"}).pose == "server"
    assert LiveStart.model_validate({"type": "start", "pose": "browser"}).pose == "browser"
    with pytest.raises(ValueError, match="lite"):
        LiveStart.model_validate({"type": "start", "pose": "browser", "model": "full"})
    with pytest.raises(ValueError, match="pose"):
        LiveStart.model_validate({"type": "start", "pose": "gpu"})


def test_a_session_without_a_model_takes_rows_only() -> None:
    with pytest.raises(ValueError, match="must name the model"):
        LiveSession(None, "squat", (640, 480))
    session = LiveSession(None, "squat", (640, 480), model="lite")
    with pytest.raises(ValueError, match="takes landmarks, not images"):
        session.process(np.zeros((480, 640, 3), np.uint8), 0.0)
    row = parse_landmark_message(_message()).row
    frame = session.process_row(row, 0.0)
    assert frame.landmarks is not None and frame.landmarks.shape == (33, 3)
    np.testing.assert_array_equal(frame.landmarks[:, 2], row.visibility)
    with pytest.raises(ValueError, match="increase"):
        session.process_row(PoseRow(row.image, row.visibility, row.world), 0.0)
    assert session.seen_anyone and session.model == "lite"


_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.just(10**400) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=40) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=200,
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(["t_ms", "size", "image", "world", "extra"]), value=_JSON)
def test_any_json_value_is_either_a_checked_row_or_a_value_error(field: str, value: object) -> None:
    message = _message() | {field: value}
    try:
        parsed = parse_landmark_message(message)
    except ValueError:
        return
    row = parsed.row
    assert row.image.shape == (33, 3) and row.world.shape == (33, 3) and row.visibility.shape == (33,)
    seen = np.isfinite(row.image).all()
    assert seen or (np.isnan(row.image).all() and (row.visibility == 0).all())
    assert not seen or (
        np.abs(row.world).max() <= MAX_WORLD_M and ((row.visibility >= 0) & (row.visibility <= 1)).all()
    )
