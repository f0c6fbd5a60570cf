"""The development-clip summary may only get better: every figure against its floor (slow: real clips).

Runs ``eval/evaluate_clips.py`` on every development clip through the normal path (the real pose model,
unless ``MOVEQUAL_POSE_CACHE`` names a folder of landmarks cached by the same code) and compares each
figure of its ``--summary-json`` with ``eval/clip_summary_floor.json``: a share or κ that should rise may
not fall, a count that should fall (lift clips without a score) may not rise, and every denominator must be
the floor's, so the figures cannot improve by evaluating fewer clips. When a change raises figures, write
the new summary over the floor file (``--summary-json eval/clip_summary_floor.json``) in the same commit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, SHARED_VIDEOS

FLOOR = REPO / "eval" / "clip_summary_floor.json"


def figures(node: object, path: str = "") -> dict[str, dict[str, object]]:
    """Every figure of a summary (a dict with a ``better`` direction), keyed by its path."""
    if not isinstance(node, dict):
        return {}
    if "better" in node:
        return {path: node}
    out: dict[str, dict[str, object]] = {}
    for key, value in node.items():
        out.update(figures(value, f"{path}/{key}"))
    return out


def regressions(floor: dict[str, object], now: dict[str, object]) -> list[str]:
    """Figures of ``now`` that fell below (or, where lower is better, rose above) ``floor``, or went missing."""
    found, pinned = figures(now), figures(floor)
    problems = []
    for path, old in pinned.items():
        new = found.get(path)
        if new is None:
            problems.append(f"{path}: missing")
            continue
        size = "total" if "total" in old else "n"
        if new.get(size) != old.get(size):
            problems.append(f"{path}: evaluated on {new.get(size)} clips, floor on {old.get(size)}")
            continue
        key = "count" if "count" in old else "value"
        before, after = old[key], new[key]
        if before is None:
            continue
        if after is None:
            problems.append(f"{path}: {key} undefined, floor {before}")
            continue
        assert isinstance(before, int | float) and isinstance(after, int | float)
        worse = after > before + 1e-9 if old["better"] == "lower" else after < before - 1e-9
        if worse:
            problems.append(f"{path}: {key} {after} against floor {before} ({old['better']} is better)")
    return problems


def test_regressions_are_found() -> None:
    floor = {"a": {"count": 3, "total": 5, "better": "higher"}, "k": {"value": 0.5, "n": 9, "better": "higher"}}
    floor["u"] = {"count": 2, "total": 4, "better": "lower"}
    same = json.loads(json.dumps(floor))
    assert regressions(floor, same) == []
    worse = json.loads(json.dumps(floor))
    worse["a"]["count"], worse["k"]["value"], worse["u"]["count"] = 2, 0.4, 3
    assert len(regressions(floor, worse)) == 3
    fewer = json.loads(json.dumps(floor))
    fewer["a"]["total"] = 4
    assert regressions(floor, fewer) == ["/a: evaluated on 4 clips, floor on 5"]
    better = json.loads(json.dumps(floor))
    better["a"]["count"], better["u"]["count"] = 5, 0
    assert regressions(floor, better) == []
    del better["k"]
    assert regressions(floor, better) == ["/k: missing"]


@pytest.mark.slow
@pytest.mark.timeout(3000)
def test_development_clip_summary_does_not_regress(tmp_path: Path) -> None:
    assert (SHARED_VIDEOS / "MANIFEST.md").is_file(), f"development clips missing: {SHARED_VIDEOS}"
    cache = Path(os.environ.get("MOVEQUAL_POSE_CACHE", tmp_path / "poses"))
    out = tmp_path / "summary.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "eval" / "evaluate_clips.py"), "--videos", str(SHARED_VIDEOS)]
    command += ["--pose-cache", str(cache), "--summary-json", str(out)]
    result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=REPO, env=env, timeout=2900)
    assert result.returncode == 0, result.stderr[-2000:]
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    now = json.loads(out.read_text(encoding="utf-8"))
    assert now["model"] == floor["model"] and now["clips"] == floor["clips"]
    problems = regressions(floor, now)
    assert not problems, "clip summary fell below its floor:\n" + "\n".join(problems)


def test_a_label_without_a_finding_code_stops_the_evaluation(tmp_path: Path) -> None:
    row = "| 1 | `squat_side_bad-wobble_x.mp4` | o/r | `p` | `c` | MIT | squat | side | **bad-wobble** | eye |"
    (tmp_path / "MANIFEST.md").write_text(row + "\n", encoding="utf-8")
    (tmp_path / "REPS.md").write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, str(REPO / "eval" / "evaluate_clips.py"), "--videos", str(tmp_path)]
    result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert result.returncode == 2 and "bad-wobble" in result.stderr
