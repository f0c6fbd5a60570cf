"""UI-PRMD motion capture as MediaPipe landmarks, filmed by the synthetic camera.

A UI-PRMD Vicon file (Vakanski et al. 2018, Data 3(1):2) holds 39 Plug-in-Gait
skin markers (x forward, y left, z up, millimetres, 100 Hz). This module
estimates the joint centres a pose model's landmarks stand for, builds the 33
MediaPipe landmarks from them, resamples to a camera's 30 fps and films them
with :func:`movequal.synthetic.film`. It is evaluation tooling: the data set is
for research only and never ships in ``movequal/``.

What is estimated (none of it is measured directly):

- hip joint centres: Harrington et al. 2007 (J Biomech 40(3):595-602) regression
  from pelvic width (inter-ASIS) and depth (mid-ASIS to mid-PSIS), in the pelvis
  frame: 0.24 PD + 9.9 mm posterior, 0.30 PW + 10.9 mm inferior, 0.33 PW + 7.3 mm
  lateral of the mid-ASIS;
- knee, ankle and elbow centres: on the circle over the proximal centre and the
  lateral marker (the joint axis is at a right angle to the proximal segment, as
  in Plug-in-Gait's chord construction), 60 / 42 / 40 mm from the marker
  (half a joint width plus the marker radius), towards the body's midline;
- shoulder centres: 50 mm below the acromion marker along the trunk axis;
- face points from the four head markers; heel and toe are the HEE / TOE markers;
  wrist the mid-point of the two wrist-bar markers; hand points from them and FIN.
"""

from __future__ import annotations

import gzip
import itertools
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.pose.skeleton import NUM_LANDMARKS
from movequal.synthetic import Camera, CameraView, film

FloatArray = NDArray[np.float64]
MARKERS = (
    *("LFHD", "RFHD", "LBHD", "RBHD", "C7", "T10", "CLAV", "STRN", "RBAK"),
    *("LSHO", "LUPA", "LELB", "LFRM", "LWRA", "LWRB", "LFIN", "RSHO", "RUPA", "RELB", "RFRM", "RWRA", "RWRB", "RFIN"),
    *("LASI", "RASI", "LPSI", "RPSI", "LTHI", "LKNE", "LTIB", "LANK", "LHEE", "LTOE"),
    *("RTHI", "RKNE", "RTIB", "RANK", "RHEE", "RTOE"),
)
"""The 39 Plug-in-Gait markers in file order (see the data set's README)."""
MOCAP_FPS = 100.0
CAMERA_FPS = 30.0
MAX_GAP_S = 0.25
"""Marker gaps up to this long are interpolated linearly; longer ones stay NaN (landmark not visible)."""
KNEE_OFFSET, ANKLE_OFFSET, ELBOW_OFFSET = 0.060, 0.042, 0.040
"""Lateral marker → joint centre (m): half a typical knee / ankle / elbow width plus the marker radius."""
SHOULDER_DROP = 0.05
"""Acromion marker → glenohumeral centre along the trunk axis (m)."""
VERTEX_ABOVE_HEAD_MARKERS = 0.08
"""Top of the head above the highest head marker (m): only sets the camera height (0.55 of body height)."""
VIEWS: tuple[CameraView, ...] = ("sagittal-left", "sagittal-right", "frontal")


@dataclass(frozen=True)
class Recording:
    """One recording as landmarks in the body frame (forward, up, left), metres, at ``fps``."""

    name: str
    points: FloatArray
    """(T, 33, 3) MediaPipe landmarks; hips, knees, ankles, shoulders, elbows and wrists are joint centres."""
    fps: float
    height_m: float


def read_markers(path: Path) -> FloatArray:
    """Read a UI-PRMD position file as (T, 39, 3) metres in the lab frame, gaps NaN.

    Notes
    -----
    Vicon exports a lost marker as zeros or by repeating its last position: a
    marker at exactly (0, 0, 0), or exactly where it was the frame before, is a
    gap. Gaps up to :data:`MAX_GAP_S` are interpolated linearly.
    """
    with gzip.open(path, "rt", encoding="ascii") as handle:
        raw = np.loadtxt(handle, delimiter=",", ndmin=2)
    xyz = raw.reshape(len(raw), len(MARKERS), 3) / 1000.0
    gap = np.all(xyz == 0.0, axis=-1)
    gap[1:] |= np.all(xyz[1:] == xyz[:-1], axis=-1)
    xyz[gap] = np.nan
    return fill_gaps(xyz, round(MAX_GAP_S * MOCAP_FPS))


def fill_gaps(values: FloatArray, max_frames: int) -> FloatArray:
    """Interpolate interior NaN runs of at most ``max_frames`` along axis 0 of (T, ...) values."""
    flat = values.reshape(len(values), -1).copy()
    frames = np.arange(len(flat))
    for column in flat.T:
        missing = np.isnan(column)
        if not missing.any() or missing.all():
            continue
        filled = np.interp(frames, frames[~missing], column[~missing])
        edges = np.diff(np.concatenate([[0], missing.astype(np.int8), [0]]))
        for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            if stop - start <= max_frames and start > 0 and stop < len(column):
                column[start:stop] = filled[start:stop]
    return flat.reshape(values.shape)


def _unit(v: FloatArray) -> FloatArray:
    return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True))


def _m(markers: FloatArray, name: str) -> FloatArray:
    return np.asarray(markers[:, MARKERS.index(name)])


def compute_hip_centres(markers: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Left and right hip joint centres (T, 3) by the Harrington et al. (2007) regression."""
    lasi, rasi = _m(markers, "LASI"), _m(markers, "RASI")
    mid_asis = 0.5 * (lasi + rasi)
    mid_psis = 0.5 * (_m(markers, "LPSI") + _m(markers, "RPSI"))
    width = np.linalg.norm(lasi - rasi, axis=-1, keepdims=True) * 1000.0
    depth = np.linalg.norm(mid_asis - mid_psis, axis=-1, keepdims=True) * 1000.0
    lateral = _unit(rasi - lasi)  # towards the subject's right
    forward = mid_asis - mid_psis
    forward = _unit(forward - np.sum(forward * lateral, axis=-1, keepdims=True) * lateral)
    up = np.cross(lateral, forward)  # right × anterior = superior in a right-handed lab frame
    back, down, side = (-0.24 * depth - 9.9) / 1000.0, (-0.30 * width - 10.9) / 1000.0, (0.33 * width + 7.3) / 1000.0
    base = mid_asis + back * forward + down * up
    return base - side * lateral, base + side * lateral


def compute_chord_centre(proximal: FloatArray, marker: FloatArray, medial: FloatArray, offset: float) -> FloatArray:
    """Joint centre ``offset`` from a lateral ``marker``, at a right angle to the proximal segment.

    The centre lies on the circle with diameter proximal centre → marker (so the
    proximal segment meets the marker→centre line at 90°), on the ``medial``
    side of that line (Plug-in-Gait's chord construction, with the midline
    direction in place of the wand marker).
    """
    along = proximal - marker
    length = np.linalg.norm(along, axis=-1, keepdims=True)
    u = along / length
    v = _unit(medial - np.sum(medial * u, axis=-1, keepdims=True) * u)
    cos = np.clip(offset / length, 0.0, 1.0)
    return np.asarray(marker + offset * (cos * u + np.sqrt(1.0 - cos**2) * v))


def compute_joint_centres(markers: FloatArray) -> dict[str, FloatArray]:
    """Hip, knee, ankle, shoulder, elbow and wrist centres (T, 3) by side, keyed like ``left_knee``."""
    left_hip, right_hip = compute_hip_centres(markers)
    to_left = _unit(_m(markers, "LASI") - _m(markers, "RASI"))
    shoulder_line = _unit(_m(markers, "LSHO") - _m(markers, "RSHO"))
    neck = 0.5 * (_m(markers, "C7") + _m(markers, "CLAV"))
    trunk_up = _unit(neck - 0.5 * (left_hip + right_hip))
    out = {"left_hip": left_hip, "right_hip": right_hip}
    for side, s, sign in (("left", "L", -1.0), ("right", "R", 1.0)):
        medial, arm_medial = sign * to_left, sign * shoulder_line
        knee = compute_chord_centre(out[f"{side}_hip"], _m(markers, f"{s}KNE"), medial, KNEE_OFFSET)
        shoulder = _m(markers, f"{s}SHO") - SHOULDER_DROP * trunk_up
        out[f"{side}_knee"] = knee
        out[f"{side}_ankle"] = compute_chord_centre(knee, _m(markers, f"{s}ANK"), medial, ANKLE_OFFSET)
        out[f"{side}_shoulder"] = shoulder
        out[f"{side}_elbow"] = compute_chord_centre(shoulder, _m(markers, f"{s}ELB"), arm_medial, ELBOW_OFFSET)
        out[f"{side}_wrist"] = 0.5 * (_m(markers, f"{s}WRA") + _m(markers, f"{s}WRB"))
    return out


FACE_OFFSETS: dict[str, tuple[float, float, float]] = {
    "nose": (0.03, -0.07, 0.0),
    "left_eye_inner": (0.01, -0.035, 0.015),
    "left_eye": (0.01, -0.035, 0.032),
    "left_eye_outer": (0.0, -0.035, 0.048),
    "left_ear": (-0.08, -0.06, 0.07),
    "mouth_left": (0.015, -0.11, 0.025),
}
"""Face points from the mid-point of the front head markers, metres along the head's (forward, up, left)."""


def _place_face(points: FloatArray, markers: FloatArray) -> None:
    front = 0.5 * (_m(markers, "LFHD") + _m(markers, "RFHD"))
    back = 0.5 * (_m(markers, "LBHD") + _m(markers, "RBHD"))
    left = _unit(_m(markers, "LFHD") - _m(markers, "RFHD"))
    forward = front - back
    forward = _unit(forward - np.sum(forward * left, axis=-1, keepdims=True) * left)
    up = np.cross(forward, left)
    for name, (f, u, s) in FACE_OFFSETS.items():
        for mirror, label in ((1.0, name), (-1.0, name.replace("left", "right"))):
            points[:, IDX[label]] = front + f * forward + u * up + mirror * s * left


def compute_landmarks(markers: FloatArray) -> FloatArray:
    """Build the 33 MediaPipe landmarks (T, 33, 3) in the lab frame from (T, 39, 3) markers."""
    points = np.full((len(markers), NUM_LANDMARKS, 3), np.nan)
    for name, centre in compute_joint_centres(markers).items():
        points[:, IDX[name]] = centre
    _place_face(points, markers)
    for side, s in (("left", "L"), ("right", "R")):
        thumb_side, little_side, finger = _m(markers, f"{s}WRA"), _m(markers, f"{s}WRB"), _m(markers, f"{s}FIN")
        points[:, IDX[f"{side}_index"]] = finger + 0.2 * (thumb_side - little_side)
        points[:, IDX[f"{side}_pinky"]] = finger - 0.4 * (thumb_side - little_side)
        points[:, IDX[f"{side}_thumb"]] = 0.5 * (thumb_side + finger)
        points[:, IDX[f"{side}_heel"]] = _m(markers, f"{s}HEE")
        points[:, IDX[f"{side}_foot_index"]] = _m(markers, f"{s}TOE")
    return points


def to_body_frame(points: FloatArray, markers: FloatArray) -> FloatArray:
    """Turn lab-frame landmarks into the synthetic body frame (forward, up, left), subject at the origin.

    The lab's x is only roughly where the subject faces; the heading is taken
    from the pelvis (mid-PSIS → mid-ASIS) over the first 0.1 s, when every
    file has the subject standing, and the hip mid-point there is moved to
    forward 0, left 0. Height stays height above the floor.
    """
    start = slice(0, 10)
    heading = np.nanmedian(_m(markers, "LASI")[start] + _m(markers, "RASI")[start], axis=0)
    heading = heading - np.nanmedian(_m(markers, "LPSI")[start] + _m(markers, "RPSI")[start], axis=0)
    angle = float(np.arctan2(heading[1], heading[0]))
    c, s = np.cos(angle), np.sin(angle)
    origin = np.nanmedian(0.5 * (points[start, IDX["left_hip"]] + points[start, IDX["right_hip"]]), axis=0)
    rel = points - np.array([origin[0], origin[1], 0.0])
    forward = c * rel[..., 0] + s * rel[..., 1]
    left = -s * rel[..., 0] + c * rel[..., 1]
    return np.stack([forward, rel[..., 2], left], axis=-1)


def resample(points: FloatArray, fps_in: float, fps_out: float) -> FloatArray:
    """Linearly resample (T, ...) values from ``fps_in`` to ``fps_out``, keeping the first frame."""
    t_in = np.arange(len(points)) / fps_in
    t_out = np.arange(int(np.floor(t_in[-1] * fps_out + 1e-9)) + 1) / fps_out
    flat = points.reshape(len(points), -1)
    out = np.stack([np.interp(t_out, t_in, column) for column in flat.T], axis=1)
    return out.reshape((len(t_out), *points.shape[1:]))


def load_recording(path: Path, fps: float = CAMERA_FPS) -> Recording:
    """Read one UI-PRMD file as a :class:`Recording` at ``fps`` (30 fps: like a camera)."""
    markers = read_markers(path)
    body = to_body_frame(compute_landmarks(markers), markers)
    head = np.nanmax(markers[:10, [MARKERS.index(n) for n in ("LFHD", "RFHD", "LBHD", "RBHD")], 2])
    name = path.name.split("_positions")[0] + ("_inc" if "_inc" in path.name else "")
    return Recording(name, resample(body, MOCAP_FPS, fps), fps, float(head + VERTEX_ABOVE_HEAD_MARKERS))


def join_recordings(recordings: list[Recording], pause_s: float = 1.0) -> Recording:
    """Play recordings one after another, with a standing pause between them joined smoothly.

    Each pause holds the last pose for half its length, then blends it into the
    next recording's first pose with a raised-cosine weight over the other half.
    """
    first = recordings[0]
    hold = round(0.5 * pause_s * first.fps)
    weight = 0.5 - 0.5 * np.cos(np.pi * (np.arange(1, hold + 1) / (hold + 1)))[:, None, None]
    parts = [first.points]
    for before, after in itertools.pairwise(recordings):
        last, next_first = before.points[-1], after.points[0]
        parts += [np.repeat(last[None], hold, axis=0), (1.0 - weight) * last + weight * next_first, after.points]
    height = float(np.mean([r.height_m for r in recordings]))
    return Recording(f"{first.name}+{len(recordings) - 1}", np.concatenate(parts), first.fps, height)


def film_recording(
    recording: Recording, view: CameraView, noise_px: float = 0.0, camera: Camera | None = None
) -> PoseSequence:
    """Film a recording from ``view`` with the default synthetic camera (4 m away, 1400 px focal length).

    ``noise_px`` adds the synthetic camera's Gaussian landmark noise, seeded by
    the recording's name and the view so that every run gives the same arrays.
    ``camera`` replaces the default one (its own ``view`` is used).
    """
    source = {"file": recording.name, "synthetic": False, "mocap": "UI-PRMD"}
    seed = zlib.crc32(f"{recording.name}/{view}".encode())
    camera = Camera(view=view) if camera is None else camera
    return film(
        recording.points, camera, recording.fps, recording.height_m, noise_px=noise_px, seed=seed, source=source
    )
