"""Export formats: landmark CSV, angle CSV and OpenSim ``.trc`` marker files.

Writers go through :func:`movequal.io.atomic.atomic_text`, so an interrupted
export never leaves a half-written file under the final name.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from movequal.core.kinematics import Kinematics
from movequal.io.atomic import atomic_text
from movequal.pose.sequence import PoseSequence
from movequal.pose.skeleton import LANDMARK_NAMES


def _fmt(value: float, digits: int) -> str:
    return "" if not np.isfinite(value) else f"{value:.{digits}f}"


def to_landmarks_csv(pose: PoseSequence, path: Path) -> None:
    """Write one row per frame: time, then x, y, z, visibility of each landmark.

    Image x and y are normalised (0–1); world columns are in metres. Missing
    values are empty cells.
    """
    header = ["frame", "time_s"]
    for name in LANDMARK_NAMES:
        header += [f"{name}_x", f"{name}_y", f"{name}_z", f"{name}_visibility"]
    header += [f"{name}_world_{axis}" for name in LANDMARK_NAMES for axis in "xyz"]
    with atomic_text(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(len(pose)):
            row = [str(i), f"{pose.timestamps[i]:.4f}"]
            for j in range(len(LANDMARK_NAMES)):
                row += [_fmt(v, 6) for v in pose.image[i, j]] + [f"{pose.visibility[i, j]:.4f}"]
            row += [_fmt(v, 5) for v in pose.world[i].ravel()]
            writer.writerow(row)


def to_angles_csv(kinematics: Kinematics, path: Path) -> None:
    """Write the kinematic series, one row per frame, units in the header."""
    names = list(kinematics.series)
    with atomic_text(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(["frame", "time_s"] + [f"{n}_{kinematics.units[n]}" for n in names])
        columns = (
            np.column_stack([kinematics.series[n] for n in names])
            if names
            else np.zeros((len(kinematics.timestamps), 0))
        )
        for i, t in enumerate(kinematics.timestamps):
            writer.writerow([str(i), f"{t:.4f}"] + [_fmt(v, 3) for v in columns[i]])


def to_trc(pose: PoseSequence, path: Path) -> None:
    """Write world landmarks as an OpenSim ``.trc`` marker file (metres, Y up).

    Notes
    -----
    MediaPipe world landmarks have y pointing down and z towards the camera;
    OpenSim expects a right-handed frame with Y up, so (x, y, z) is written as
    (x, -y, -z). Frames without a detection have empty marker cells, which
    OpenSim treats as missing. ``DataRate`` is the nominal fps; the ``Time``
    column carries the true presentation times.
    """
    with atomic_text(path) as fh:
        fh.write(_trc_text(pose, path.name))


def _trc_text(pose: PoseSequence, name: str) -> str:
    out = io.StringIO()
    n = len(pose)
    rate = f"{pose.fps:.3f}"
    out.write(f"PathFileType\t4\t(X/Y/Z)\t{name}\n")
    out.write("DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n")
    out.write(f"{rate}\t{rate}\t{n}\t{len(LANDMARK_NAMES)}\tm\t{rate}\t1\t{n}\n")
    out.write("Frame#\tTime\t" + "\t\t\t".join(LANDMARK_NAMES) + "\t\t\n")
    out.write("\t\t" + "\t".join(f"X{k}\tY{k}\tZ{k}" for k in range(1, len(LANDMARK_NAMES) + 1)) + "\n\n")
    flipped = pose.world * np.array([1.0, -1.0, -1.0])
    for i in range(n):
        cells = "\t".join(_fmt(v, 5) for v in flipped[i].ravel())
        out.write(f"{i + 1}\t{pose.timestamps[i]:.5f}\t{cells}\n")
    return out.getvalue()


def from_trc(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a ``.trc`` written by :func:`to_trc`; return (times (T,), markers (T, M, 3)) in OpenSim axes."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines[6:] if line.strip()]
    times = np.array([float(r[1]) for r in rows])
    values = np.array([[float(v) if v else np.nan for v in r[2:]] for r in rows])
    return times, values.reshape(len(rows), -1, 3)
