"""What a process pays for besides the work: imports a pose worker repeats, memory nothing frees.

Each check runs in a fresh interpreter, because both depend on what was imported first and from where.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, SAMPLE

HEAVY_FOR_A_WORKER = ("scipy.signal", "movequal.core.scoring", "movequal.report.html", "movequal.pipeline")
"""Modules a chunk-parallel pose worker never uses; importing them costs about 2 CPU-seconds per worker."""


def _run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_command_line_module_imports_no_scoring_stack() -> None:
    # A worker process started with "spawn" from the `movequal` command re-imports the command's module
    # before its task: that import must stay light.
    code = f"import json, sys, movequal.cli; print(json.dumps([m for m in {HEAVY_FOR_A_WORKER!r} if m in sys.modules]))"
    assert json.loads(_run_python(code)) == []


def test_a_spawned_pose_worker_does_not_import_the_scoring_stack(tmp_path: Path) -> None:
    code = f"""
import json, multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
import movequal.cli  # the parent is the `movequal` command

def loaded():
    import movequal.pose.parallel  # what a chunk worker imports for its task
    return [m for m in {HEAVY_FOR_A_WORKER!r} if m in sys.modules]

if __name__ == "__main__":
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        print(json.dumps(pool.submit(loaded).result()))
"""
    script = tmp_path / "spawn_check.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_loading_the_pose_model_keeps_no_caller_alive() -> None:
    # MediaPipe's first import stores an exception (no PortAudio for its audio recorder) whose traceback held
    # every frame on the stack, with their locals, for the life of the process.
    code = """
import gc, weakref
from movequal.pose.landmarker import EstimatorConfig, PoseEstimator

class Rows(list):
    pass

def estimate():
    rows = Rows(range(1000))
    with PoseEstimator(EstimatorConfig(model="lite")):
        pass
    return weakref.ref(rows)

ref = estimate()
gc.collect()
print("freed" if ref() is None else "kept")
"""
    assert _run_python(code) == "freed"


def test_an_analysis_keeps_no_scoring_cache_per_frame(tmp_path: Path) -> None:
    # After scoring, the pipeline keeps the raw and the filtered landmarks while it draws and writes; the
    # pixel caches scoring built on them (half the landmarks' size) must not come along.
    code = f"""
import numpy as np
from movequal.pipeline import AnalysisOptions, analyze_video
analysis = analyze_video({str(SAMPLE)!r}, None, AnalysisOptions(workers=1, model="lite", write_video=False))
fresh = analysis.result.filtered
cached = ["_pixels" in vars(s) for s in (analysis.pose, fresh)]
print(cached, np.shares_memory(fresh.image, fresh.without_cache().image))
"""
    assert _run_python(code) == "[False, False] True"
