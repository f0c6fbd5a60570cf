"""Timed up-and-go: phase times on the real development clips against REPS.md, and on synthetic tests.

Real clips: every clip MANIFEST.md lists as a timed up-and-go is assessed with ``movement="auto"`` (pose cached
like ``evaluate_clips.py``). REPS.md gives, by eye from frame timestamps (±0.25 s), the trunk lean, seat-off,
upright, lowering and seated times; a reference given as a range ("~5.5–5.8") counts an estimate inside it as
exact. Each event's error is the estimate minus the reference; the total runs from the lean to seated.

Synthetic (``--synthetic-seeds N``): tests generated in every camera view, phase durations drawn per seed
(:func:`draw_test`), without noise, with 2 px of landmark noise, and with 2 px and 2 % of frames undetected.
Two comparisons, because an onset or end of a smooth movement has no single instant: the phases found through the
camera against the same detector run on the generator's own noise-free 3D signals (the
detector's arithmetic through projection, noise and filtering), and those against the generator's exact motion
events (the offset of the 10 % convention itself).

Usage::

    PYTHONPATH=. .venv/bin/python eval/evaluate_tug.py --pose-cache DIR [--synthetic-seeds 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.clip_labels import TIMED_UP_AND_GO, parse_table, read_clip_info
from eval.evaluate_clips import load_pose
from eval.tug_reference import EVENT_TOLERANCE_S, EVENTS, TOTAL_TOLERANCE_S, interval_error, parse_reference
from movequal.core.assessment import TimedUpAndGo
from movequal.core.kinematics import Kinematics
from movequal.core.scoring import assess
from movequal.core.tug import TugPhases, detect_tug
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.tug_spec import Tug

VIDEOS = Path(__file__).resolve().parents[1].parent / "shared" / "videos"
VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")


def _ref_text(reference: tuple[float, float]) -> str:
    low, high = reference
    return f"{low:.1f}" if low == high else f"{low:.1f}–{high:.1f}"


def evaluate_real(cache: Path | None, model: str) -> list[str]:
    """Markdown rows: one per clip and event, plus the total."""
    info = read_clip_info(VIDEOS)
    cells = parse_table(VIDEOS / "REPS.md", {"file": 1, "bottoms": 5})
    rows = []
    for name, clip in sorted(info.items()):
        if clip.task != TIMED_UP_AND_GO:
            continue
        a = assess(load_pose(VIDEOS / name, cache, model)).assessment
        reference = parse_reference(cells[name]["bottoms"])
        tug = a.tug
        if tug is None or tug.total_s is None:
            message = a.message or "not timed"
            rows.append(f"| `{name}` | {a.movement} | – | – | – | {message} |")
            continue
        for event in EVENTS:
            value = getattr(tug, event)
            if event in reference and value is not None:
                error = interval_error(value, reference[event])
                ok = "yes" if abs(error) <= EVENT_TOLERANCE_S else "no"
                rows.append(
                    f"| `{name}` | {a.movement} | {event} | {_ref_text(reference[event])} | {value:.2f} | "
                    f"{error:+.2f} s ({ok}) |"
                )
        rows.append(_total_row(name, a.movement, tug, reference))
    return rows


def _total_row(name: str, movement: str, tug: TimedUpAndGo, reference: dict[str, tuple[float, float]]) -> str:
    if "lean_onset" not in reference or "seated" not in reference or tug.total_s is None:
        return f"| `{name}` | {movement} | total | – | {tug.total_s} | – |"
    ref = reference["seated"][0] - reference["lean_onset"][0]
    error = tug.total_s - ref
    ok = "yes" if abs(error) <= TOTAL_TOLERANCE_S else "no"
    return f"| `{name}` | {movement} | **total** | {ref:.1f} | {tug.total_s:.2f} | {error:+.2f} s ({ok}) |"


@dataclass
class _Errors:
    through_camera: dict[str, list[float]]
    convention: dict[str, list[float]]
    recognised: int = 0
    runs: int = 0


def _truth_phases(timestamps: np.ndarray, angles: dict[str, np.ndarray]) -> TugPhases | None:
    """Run the detector on the generator's noise-free 3D signals (the 10 % convention applied to the truth)."""
    series = {
        "knee_flexion_3d_left": angles["knee_flexion_left"],
        "knee_flexion_3d_right": angles["knee_flexion_right"],
        "trunk_inclination_3d": angles["trunk_inclination"],
        "hip_height": angles["hip_height"],
    }
    return detect_tug(Kinematics(timestamps, series, {})).phases


def _value(phases: TugPhases | TimedUpAndGo, event: str) -> float:
    value = getattr(phases, event)
    return float("nan") if value is None else float(value)


CONDITIONS = ((0.0, 0.0), (2.0, 0.0), (2.0, 0.02))
"""Landmark noise (px) and share of frames with no detection."""


def draw_test(seed: int) -> Tug:
    """Return a test whose phase durations are drawn from plausible ranges (seed 0: the generator's defaults).

    Notes
    -----
    Stand-up 1.0–2.2 s, sit-down 1.2–2.4 s, turns 1.2–2.4 s, seated 1.0–3.0 s before it starts: from brisk to slow
    adults (stand-up and sit-down of 1–2.5 s, Schenkman et al. 1990; a 180° turn of 1.5–3 s).
    """
    if seed == 0:
        return Tug()
    rng = np.random.default_rng(seed)
    return Tug(
        seated_before_s=float(rng.uniform(1.0, 3.0)),
        stand_up_s=float(rng.uniform(1.0, 2.2)),
        turn_s=float(rng.uniform(1.2, 2.4)),
        sit_turn_s=float(rng.uniform(1.2, 2.4)),
        sit_down_s=float(rng.uniform(1.2, 2.4)),
    )


def evaluate_synthetic(seeds: int) -> list[str]:
    """Markdown rows: per view and noise, the mean (max) absolute error of each event and the total."""
    keys = (*EVENTS, "total_s")
    rows = []
    for view in VIEWS:
        for noise, dropout in CONDITIONS:
            errs = _Errors({k: [] for k in keys}, {k: [] for k in keys})
            for seed in range(seeds):
                camera = Camera(view=view, frame_size=(1280, 720)) if view.startswith("sagittal") else Camera(view=view)
                spec = SyntheticSpec(
                    movement="tug", camera=camera, noise_px=noise, dropout=dropout, seed=seed, tug=draw_test(seed)
                )
                pose, truth = generate(spec)
                assert truth.tug is not None
                a = assess(pose).assessment
                convention = _truth_phases(pose.timestamps, truth.angles)
                errs.runs += 1
                errs.recognised += a.movement == "tug"
                if a.tug is None or a.tug.total_s is None or convention is None:
                    continue
                for k in keys:
                    errs.through_camera[k].append(_value(a.tug, k) - _value(convention, k))
                    errs.convention[k].append(_value(convention, k) - float(getattr(truth.tug, k)))
            rows.append(_synthetic_row(view, f"{noise:g} px, {100 * dropout:g} % dropped", errs, keys))
    return rows


def _synthetic_row(view: str, condition: str, errs: _Errors, keys: tuple[str, ...]) -> str:
    def cell(values: list[float]) -> str:
        if not values:
            return "–"
        v = np.asarray(values)
        return f"{np.mean(np.abs(v)):.3f} ({np.max(np.abs(v)):.3f})"

    camera = " | ".join(cell(errs.through_camera[k]) for k in keys)
    offset = " / ".join(f"{np.mean(errs.convention[k]):+.2f}" if errs.convention[k] else "–" for k in keys)
    return f"| {view} | {condition} | {errs.recognised}/{errs.runs} | {camera} | {offset} |"


def main(argv: list[str] | None = None) -> int:
    """Run the evaluations and print (or write) the markdown fragment."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-cache", type=Path, default=None)
    parser.add_argument("--model", default="full")
    parser.add_argument("--synthetic-seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    lines = [
        "| clip | movement | event | REPS.md (s) | found (s) | error (within 0.3 s / total 0.5 s) |",
        "|---|---|---|---|---|---|",
        *evaluate_real(args.pose_cache, args.model),
        "",
        "| view | condition | recognised | lean onset | seat-off | upright | lowering onset | seated | total | "
        "convention − motion (s): lean / seat-off / upright / lowering / seated / total |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *evaluate_synthetic(args.synthetic_seeds),
        "",
        "Synthetic cells: mean (max) absolute error in seconds of the phases found through the camera against the "
        "same detector on the generator's noise-free 3D signals; last column: that convention's mean offset from "
        "the generator's exact motion events.",
    ]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
