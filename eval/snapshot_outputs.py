"""Write every assessment the evaluations make as one JSON file, to compare two versions of the code.

A refactor must not change a single output. Run this on both versions and compare the files:

    .venv/bin/python eval/evaluate_clips.py --pose-cache /tmp/mq-poses      # once: caches the landmarks
    .venv/bin/python eval/snapshot_outputs.py --pose-cache /tmp/mq-poses --out /tmp/after.json
    git stash; .venv/bin/python eval/snapshot_outputs.py --pose-cache /tmp/mq-poses --out /tmp/before.json
    cmp /tmp/before.json /tmp/after.json

The snapshot holds, for every cached development clip and for every sequence of the planted-fault grid
(``eval/evaluate_synthetic.py``) plus clean sets of every movement in four views, the full assessment:
reps with their times, depth and metrics, findings with evidence and per-rep severities, clip metrics,
score, extras. Stable metric keys are left out, so snapshots from before the metric registry compare too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from movequal.core.assessment import Assessment
from movequal.core.scoring import assess
from movequal.pose.sequence import PoseSequence
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.spec import MOVEMENTS as GENERATED

REPO = Path(__file__).resolve().parents[1]
VIEWS = ("sagittal-left", "sagittal-right", "frontal", "oblique")


def to_snapshot(assessment: Assessment) -> dict[str, Any]:
    """Return the assessment as JSON-ready data, without the metrics' stable keys."""
    data = assessment.model_dump(mode="json")
    for metric in data["metrics"]:
        metric.pop("key", None)
    return data


def snapshot_clips(cache: Path) -> dict[str, Any]:
    """Assess every cached clip's landmarks."""
    return {npz.stem: to_snapshot(assess(PoseSequence.from_npz(npz)).assessment) for npz in sorted(cache.glob("*.npz"))}


def snapshot_synthetic(seeds: int) -> list[dict[str, Any]]:
    """Assess every sequence of the planted-fault grid, then clean sets of every movement in every view."""
    spec = importlib.util.spec_from_file_location("evaluate_synthetic", REPO / "eval" / "evaluate_synthetic.py")
    assert spec is not None and spec.loader is not None
    grid = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = grid
    spec.loader.exec_module(grid)
    records: list[dict[str, Any]] = []

    def recording_assess(pose: PoseSequence, movement: Any = "auto") -> Any:
        result = assess(pose, movement)
        records.append(to_snapshot(result.assessment))
        return result

    grid.assess = recording_assess  # the grid calls its module-level name
    for case in grid.CASES:
        grid.run_case(case, seeds)
    for movement in GENERATED:  # every movement the generator makes (carries are walks with a load there)
        for view in VIEWS:
            pose, _ = generate(SyntheticSpec(movement=movement, reps=4, camera=Camera(view=view), noise_px=1.5, seed=7))
            records.append(to_snapshot(assess(pose).assessment))
    return records


def main(argv: list[str] | None = None) -> int:
    """Write the snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pose-cache", type=Path, required=True, help="landmarks cached by evaluate_clips.py")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    snapshot = {"clips": snapshot_clips(args.pose_cache), "synthetic": snapshot_synthetic(args.seeds)}
    args.out.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"{len(snapshot['clips'])} clips, {len(snapshot['synthetic'])} synthetic assessments\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
