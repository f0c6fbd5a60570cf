"""Speed work must not change what a report says: ``report.json`` compared with the one written before it.

Two real development clips go through :func:`movequal.pipeline.analyze_video` with the real ``full`` model and
default outputs (annotated video and HTML included): a short front-view squat labelled knee valgus,
estimated in one process, and a 26-second rounded-back deadlift set, estimated by two chunk-parallel
worker processes (the path ``analyze`` takes by default for a clip that long on two cores; the worker count is
pinned, because a different count cuts different chunks and so gives slightly different landmarks). Each
``report.json`` must equal the one in ``tests/golden/``, written by the code as it was before the speed work of
issue 16 (commit 82c2baa), except for the time it was written.

Notes
-----
Strings, integers, flags and the structure must match exactly; decimals within 1e-6 (relative or absolute),
which on the machine the files were written on means identical, and elsewhere allows for the last bits a
different CPU's SIMD kernels may change in MediaPipe's inference.

Regenerate only when a change of output is intended (and say why in the commit)::

    .venv/bin/python -m tests.test_outputs_unchanged --write
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from movequal.pipeline import AnalysisOptions, analyze_video
from tests.helpers import shared_clip

pytestmark = pytest.mark.slow  # the real pose model over 1,625 frames of real video

GOLDEN = Path(__file__).parent / "golden"
VOLATILE = frozenset({"created_at"})
"""Top-level keys that differ on every run by design."""
TOLERANCE = 1e-6


@dataclass(frozen=True)
class GoldenCase:
    """One clip, the worker count it is estimated with, and its golden file's name."""

    clip: str
    workers: int
    golden: str


CASES = (
    GoldenCase("squat_front_bad-valgus_kaia004.mp4", 1, "kaia004.report.json"),
    GoldenCase("deadlift_side_bad-roundedback_tbyr1.mp4", 2, "tbyr1.report.json"),
)


def analyse(case: GoldenCase, out_dir: Path) -> dict[str, Any]:
    """Run the pipeline with default outputs and return report.json without its volatile keys."""
    analyze_video(shared_clip(case.clip), out_dir, AnalysisOptions(workers=case.workers))
    report = json.loads((out_dir / "report.json").read_text())
    assert (out_dir / "annotated.mp4").stat().st_size > 0  # the default outputs were all written
    return {key: value for key, value in report.items() if key not in VOLATILE}


def differences(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """List every place where ``actual`` departs from ``expected`` (decimals within :data:`TOLERANCE`)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return [f"{where}: keys {sorted(expected.keys() ^ actual.keys())} added or missing"]
        return [d for key in expected for d in differences(expected[key], actual[key], f"{where}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(actual)} items, expected {len(expected)}"]
        return [
            d for k, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in differences(e, a, f"{where}[{k}]")
        ]
    both_decimal = isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool)
    if both_decimal and math.isclose(expected, actual, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
        return []
    return (
        [] if expected == actual and type(expected) is type(actual) else [f"{where}: {actual!r}, expected {expected!r}"]
    )


def test_differences_finds_what_moved() -> None:
    golden = {"reps": [{"score": 81.25, "codes": ["knee_valgus"]}], "n": 3}
    assert differences(golden, {"reps": [{"score": 81.2500000001, "codes": ["knee_valgus"]}], "n": 3}) == []
    assert differences(golden, {"reps": [{"score": 81.3, "codes": ["knee_valgus"]}], "n": 3}) == [
        "$.reps[0].score: 81.3, expected 81.25"
    ]
    assert differences(golden, {"reps": [{"score": 81.25, "codes": []}], "n": 3}) == [
        "$.reps[0].codes: 0 items, expected 1"
    ]
    assert differences(golden, {"reps": [], "n": 3.0}) == ["$.reps: 0 items, expected 1", "$.n: 3.0, expected 3"]


@pytest.mark.parametrize("case", CASES, ids=[c.golden.split(".")[0] for c in CASES])
def test_report_json_unchanged(case: GoldenCase, tmp_path: Path) -> None:
    expected = json.loads((GOLDEN / case.golden).read_text())
    actual = analyse(case, tmp_path)
    assert actual["assessment"]["reps"], "the golden clips were chosen for their repetitions"
    found = differences(expected, actual)
    assert not found, f"{case.clip}: report.json changed in {len(found)} places, first: " + "; ".join(found[:8])


def write_goldens() -> None:
    """Analyse every case with the code on ``sys.path`` and store its report.json (volatile keys removed)."""
    GOLDEN.mkdir(exist_ok=True)
    for case in CASES:
        with tempfile.TemporaryDirectory() as out:
            report = analyse(case, Path(out))
        (GOLDEN / case.golden).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
        print(f"wrote {GOLDEN / case.golden}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write tests/golden/*.report.json from the current code.")
    parser.add_argument("--write", action="store_true", required=True)
    parser.parse_args()
    write_goldens()
