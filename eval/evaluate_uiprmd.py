"""Score UI-PRMD motion capture (deep squat, sit-to-stand) filmed from both sides and the front.

Each Vicon file of subjects s01–s05 is turned into MediaPipe landmarks and
filmed by the synthetic camera (:mod:`eval.uiprmd`), then assessed by the
scoring core as it is, with the movement given. Measured: correct vs incorrect
AUC of (100 − score), the share of correct reps with a finding, rep counts of
single reps and of 10-rep sets (the ten episodes of one subject joined with a
standing pause), and the error of the core's peak knee, hip and trunk angles
against the same angles on the motion-capture joint centres.

    .venv/bin/python -m eval.evaluate_uiprmd [--data ../shared/datasets/ui-prmd] [--noise-px 0]
        [--out FILE.md]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from eval.uiprmd import CAMERA_FPS, VIEWS, Recording, film_recording, join_recordings, load_recording
from movequal.core.assessment import Assessment
from movequal.core.kinematics import compute_inclination, compute_joint_angle
from movequal.core.movement_registry import Movement
from movequal.core.scoring import assess
from movequal.pose.skeleton import LANDMARK_INDEX as IDX
from movequal.synthetic import CameraView

FloatArray = NDArray[np.float64]
REPO = Path(__file__).resolve().parents[1]
MOVEMENTS: dict[str, Movement] = {"m01": "squat", "m05": "sit-to-stand"}
SUBJECTS = tuple(f"s{i:02d}" for i in range(1, 6))
EPISODES = tuple(f"e{i:02d}" for i in range(1, 11))
ANGLES = ("knee", "hip", "trunk")


@dataclass(frozen=True)
class Outcome:
    """One assessed recording: what the core said and the angle pairs (core, mocap) of each rep."""

    name: str
    movement: str
    view: str
    correct: bool
    reps: int
    partial: int
    score: float | None
    findings: tuple[str, ...]
    angles: tuple[tuple[str, float, float], ...] = ()
    mocap: tuple[float, float, float] = (float("nan"),) * 3
    """The whole recording's peak knee flexion, peak trunk inclination (deg) and sideways hip travel (cm)."""
    recognised: str = ""
    """The movement the core names when it is not told (``movement="auto"``)."""
    recognised_findings: tuple[str, ...] = ()
    """The finding codes of that assessment."""


def compute_auc(positives: list[float], negatives: list[float]) -> float:
    """Area under the ROC curve: P(positive > negative), ties counting one half (Mann–Whitney)."""
    if not positives or not negatives:
        return float("nan")
    pos, neg = np.asarray(positives, dtype=np.float64)[:, None], np.asarray(negatives, dtype=np.float64)[None, :]
    return float(np.mean((pos > neg) + 0.5 * (pos == neg)))


def reference_angles(points: FloatArray, view: str) -> dict[str, FloatArray]:
    """Knee flexion, hip flexion and trunk inclination (T,) on the 3D joint centres, as the core defines them.

    Knee flexion is 180° minus the hip–knee–ankle angle, hip flexion 180° minus
    the shoulder–hip–knee angle, trunk inclination the hip mid-point → shoulder
    mid-point line from vertical. A side view reads the near leg (the far one is
    masked in the core), the front view the larger of the two legs.
    """
    series: dict[str, list[FloatArray]] = {"knee": [], "hip": []}
    sides = {"sagittal-left": ("left",), "sagittal-right": ("right",)}.get(view, ("left", "right"))
    for side in sides:
        sh, hip, knee, ankle = (points[:, IDX[f"{side}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle"))
        series["knee"].append(180.0 - compute_joint_angle(hip, knee, ankle))
        series["hip"].append(180.0 - compute_joint_angle(sh, hip, knee))
    hips = 0.5 * (points[:, IDX["left_hip"]] + points[:, IDX["right_hip"]])
    shoulders = 0.5 * (points[:, IDX["left_shoulder"]] + points[:, IDX["right_shoulder"]])
    out = {name: np.fmax.reduce(np.stack(values), axis=0) for name, values in series.items()}
    out["trunk"] = compute_inclination(hips, shoulders, (0.0, 1.0, 0.0))
    return out


def compute_mocap_peaks(points: FloatArray) -> tuple[float, float, float]:
    """Peak knee flexion (either leg), peak trunk inclination and sideways range of the hip mid-point (cm)."""
    angles = reference_angles(points, "frontal")
    sideways = 0.5 * (points[:, IDX["left_hip"], 2] + points[:, IDX["right_hip"], 2])
    travel = 100.0 * float(np.nanmax(sideways) - np.nanmin(sideways))
    return float(np.nanmax(angles["knee"])), float(np.nanmax(angles["trunk"])), travel


def finding_codes(assessment: Assessment) -> tuple[str, ...]:
    """Return the distinct finding codes of an assessment, sorted."""
    return tuple(sorted({f.code for f in assessment.findings}))


def evaluate_recording(
    recording: Recording,
    movement: Movement,
    view: CameraView,
    correct: bool,
    noise_px: float = 0.0,
    *,
    recognise: bool = False,
) -> Outcome:
    """Film and assess one recording; pair each rep's peak angles with the mocap peaks over the same frames."""
    filmed = film_recording(recording, view, noise_px)
    result = assess(filmed, movement)
    a = result.assessment
    auto = assess(filmed).assessment if recognise else None
    truth = reference_angles(recording.points, view)
    pairs = []
    for m in result.rep_metrics:
        window = slice(m.start, m.end + 1)
        measured = {"knee": m.peak_knee_flexion, "hip": m.peak_hip_flexion, "trunk": m.peak_trunk_inclination}
        pairs += [(name, float(measured[name]), float(np.nanmax(truth[name][window]))) for name in ANGLES]
    return Outcome(
        name=recording.name,
        movement=movement,
        view=view,
        correct=correct,
        reps=a.full_reps,
        partial=a.partial_reps,
        score=a.score,
        findings=finding_codes(a),
        angles=tuple(pairs),
        mocap=compute_mocap_peaks(recording.points),
        recognised="" if auto is None else auto.movement,
        recognised_findings=() if auto is None else finding_codes(auto),
    )


def file_path(data: Path, code: str, subject: str, episode: str, correct: bool) -> Path:
    """Path of one UI-PRMD position file."""
    folder = "Segmented_Movements" if correct else "Incorrect_Segmented_Movements"
    suffix = "" if correct else "_inc"
    return data / folder / "Vicon" / "Positions" / f"{code}_{subject}_{episode}_positions{suffix}.txt.gz"


def run_single(data: Path, noise_px: float = 0.0, fps: float = CAMERA_FPS, recognise: bool = False) -> list[Outcome]:
    """Every single-rep file of both movements, every view, filmed at ``fps`` (``recognise``: also told nothing)."""
    out = []
    for code, movement in MOVEMENTS.items():
        for correct in (True, False):
            for subject in SUBJECTS:
                for episode in EPISODES:
                    recording = load_recording(file_path(data, code, subject, episode, correct), fps)
                    out += [
                        evaluate_recording(recording, movement, view, correct, noise_px, recognise=recognise)
                        for view in VIEWS
                    ]
    return out


def run_sets(data: Path, noise_px: float = 0.0, fps: float = CAMERA_FPS, recognise: bool = False) -> list[Outcome]:
    """Join the ten episodes of each subject and correctness into one 10-rep set; assess it from every view."""
    out = []
    for code, movement in MOVEMENTS.items():
        for correct in (True, False):
            for subject in SUBJECTS:
                recordings = [load_recording(file_path(data, code, subject, e, correct), fps) for e in EPISODES]
                joined = join_recordings(recordings)
                out += [
                    evaluate_recording(joined, movement, view, correct, noise_px, recognise=recognise) for view in VIEWS
                ]
    return out


def badness(o: Outcome) -> float:
    """100 − score; a recording without a score (no rep found) counts as nothing found (0)."""
    return 0.0 if o.score is None else 100.0 - o.score


def _groups(outcomes: list[Outcome]) -> list[tuple[str, str, list[Outcome]]]:
    return [
        (movement, view, [o for o in outcomes if o.movement == movement and o.view == view])
        for movement in MOVEMENTS.values()
        for view in VIEWS
    ]


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f} % ({part}/{whole})" if whole else "—"


def _counts(values: list[int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(Counter(values).items()))


def table_single(outcomes: list[Outcome]) -> list[str]:
    """Markdown table of the single-rep measures per movement and view."""
    lines = [
        "| movement | view | AUC incorrect vs correct | correct with a finding | incorrect with a finding "
        "| no score (correct / incorrect) | reps per file (count: files) | mean score correct / incorrect |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for movement, view, group in _groups(outcomes):
        good = [o for o in group if o.correct]
        bad = [o for o in group if not o.correct]
        auc = compute_auc([badness(o) for o in bad], [badness(o) for o in good])
        unscored = f"{sum(o.score is None for o in good)} / {sum(o.score is None for o in bad)}"
        scored = [[o.score for o in g if o.score is not None] for g in (good, bad)]
        means = [f"{np.mean(values):.1f}" if values else "—" for values in scored]
        lines.append(
            f"| {movement} | {view} | {auc:.2f} | {_pct(sum(bool(o.findings) for o in good), len(good))} | "
            f"{_pct(sum(bool(o.findings) for o in bad), len(bad))} | {unscored} | {_counts([o.reps for o in group])} | "
            f"{means[0]} / {means[1]} |"
        )
    return lines


def table_findings(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: how often each finding fired on correct and on incorrect reps."""
    lines = ["| movement | view | findings on correct reps | findings on incorrect reps |", "|---|---|---|---|"]
    for movement, view, group in _groups(outcomes):
        cells = []
        for correct in (True, False):
            codes = Counter(code for o in group if o.correct == correct for code in o.findings)
            cells.append(", ".join(f"{code} {n}" for code, n in codes.most_common()) or "none")
        lines.append(f"| {movement} | {view} | {cells[0]} | {cells[1]} |")
    return lines


def _shown(o: Outcome) -> str:
    return f"{o.reps}" + (f"+{o.partial}p" if o.partial else "")


def table_sets(outcomes: list[Outcome]) -> list[str]:
    """Markdown table of the 10-rep sets: share counted exactly and the counts (subjects s01–s05)."""
    lines = ["| movement | view | sets counted 10 | counts correct (s01–s05) | counts incorrect (s01–s05) |"]
    lines.append("|---|---|---|---|---|")
    for movement, view, group in _groups(outcomes):
        counts = {
            c: [f"{o.reps}" + (f"+{o.partial}p" if o.partial else "") for o in group if o.correct == c]
            for c in (True, False)
        }
        lines.append(
            f"| {movement} | {view} | {_pct(sum(o.reps == 10 for o in group), len(group))} | "
            f"{' '.join(counts[True])} | {' '.join(counts[False])} |"
        )
    return lines


def table_angles(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: mean absolute error and bias (core − mocap) of the peak angles per view."""
    lines = ["| movement | view | reps | " + " | ".join(f"{a} MAE / bias (°)" for a in ANGLES) + " |"]
    lines.append("|---|---|---|" + "---|" * len(ANGLES))
    for movement, view, group in _groups(outcomes):
        pairs = [p for o in group for p in o.angles]
        cells = []
        for name in ANGLES:
            diff = np.array([core - mocap for n, core, mocap in pairs if n == name])
            diff = diff[np.isfinite(diff)]
            cells.append(f"{np.mean(np.abs(diff)):.1f} / {np.mean(diff):+.1f}" if diff.size else "—")
        lines.append(f"| {movement} | {view} | {len(pairs) // len(ANGLES)} | " + " | ".join(cells) + " |")
    return lines


def table_recognition(outcomes: list[Outcome]) -> list[str]:
    """How often the core, not told the movement, names the one recorded, what it names otherwise, and what it finds."""
    lines = [
        "| movement | view | named right | named instead | correct with a finding, not told | findings on them |",
        "|---|---|---|---|---|---|",
    ]
    for movement, view, group in _groups(outcomes):
        named = Counter(o.recognised for o in group)
        right = named.pop(movement, 0)
        instead = ", ".join(f"{name} {count}" for name, count in named.most_common()) or "—"
        correct = [o for o in group if o.correct]
        flagged = [o for o in correct if o.recognised_findings]
        codes = Counter(code for o in correct for code in o.recognised_findings)
        shown = ", ".join(f"{code} {count}" for code, count in codes.most_common()) or "none"
        share = _pct(len(flagged), len(correct))
        lines.append(f"| {movement} | {view} | {_pct(right, len(group))} | {instead} | {share} | {shown} |")
    return lines


def table_mocap(outcomes: list[Outcome]) -> list[str]:
    """Markdown table: how well the motion capture itself separates incorrect from correct (an upper bound)."""
    lines = ["| movement | measure (mocap) | median correct | median incorrect | AUC incorrect vs correct |"]
    lines.append("|---|---|---|---|---|")
    measures: list[tuple[str, float]] = [
        ("peak knee flexion (°), lower = incorrect", -1.0),
        ("peak trunk inclination (°)", 1.0),
        ("sideways hip travel (cm)", 1.0),
    ]
    for movement in MOVEMENTS.values():
        group = [o for o in outcomes if o.movement == movement and o.view == VIEWS[0]]
        for k, (name, sign) in enumerate(measures):
            values = {c: [o.mocap[k] for o in group if o.correct == c] for c in (True, False)}
            auc = compute_auc([sign * v for v in values[False]], [sign * v for v in values[True]])
            lines.append(
                f"| {movement} | {name} | {np.median(values[True]):.1f} | {np.median(values[False]):.1f} | {auc:.2f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run every measure, print the tables and optionally write them to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets" / "ui-prmd")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--noise-px", type=float, default=0.0, help="landmark noise of the synthetic camera (px)")
    parser.add_argument("--fps", type=float, default=CAMERA_FPS, help="frame rate of the synthetic camera")
    args = parser.parse_args(argv)
    single = run_single(args.data, args.noise_px, args.fps, recognise=True)
    sets = run_sets(args.data, args.noise_px, args.fps, recognise=True)
    sections = [
        ("Single reps (50 correct and 50 incorrect files per movement)", table_single(single)),
        ("Findings by code, single reps", table_findings(single)),
        ("10-rep sets (expected 10 reps; `+Np` = N partial excursions)", table_sets(sets)),
        ("Peak angles of the core against the motion-capture joint centres, single reps", table_angles(single)),
        (
            "Peak angles of the core against the motion-capture joint centres, reps of the 10-rep sets",
            table_angles(sets),
        ),
        ("What the motion capture itself separates (single reps; no camera, no core)", table_mocap(single)),
        ("Movement recognised when not given (`movement=auto`), single reps", table_recognition(single)),
        ("Movement recognised when not given (`movement=auto`), 10-rep sets", table_recognition(sets)),
    ]
    text = "\n\n".join(f"#### {title}\n\n" + "\n".join(lines) for title, lines in sections) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
