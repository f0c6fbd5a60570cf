"""Peak RSS of one ``movequal analyze`` run in a fresh process, for the pipeline benchmark (b)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.timing import loadavg


def movequal_command() -> list[str]:
    script = Path(sys.executable).with_name("movequal")
    return [str(script)] if script.exists() else [sys.executable, "-m", "movequal"]


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                kids += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return kids


def tree_rss_kib(pid: int) -> int:
    """Sum of VmRSS over ``pid`` and all its live descendants (shared pages count once per process)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack += _children(current)
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def wait_sampling(pid: int, interval_s: float = 0.1) -> tuple[int, int]:
    """Wait for ``pid``; return (status, peak sampled RSS in KiB of its descendants, itself excluded)."""
    peak = 0
    while True:
        done, status, _ = os.wait4(pid, os.WNOHANG)
        if done:
            return status, peak
        peak = max(peak, sum(tree_rss_kib(child) for child in _children(pid)))
        time.sleep(interval_s)


# Run by a small intermediate Python so that the measured command is forked from a ~10 MiB process.
# (Linux carries the pre-exec RSS high-water mark into ru_maxrss, and Popen uses vfork, so a command
# started straight from this benchmark would report at least this process's own peak RSS.)
_RUSAGE_WRAPPER = """
import json, resource, subprocess, sys
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": rc, "maxrss_kib": ru.ru_maxrss, "cpu_s": ru.ru_utime + ru.ru_stime}, fh)
"""


def peak_rss_cli(video: Path, model: str, out_root: Path, extra_args: list[str]) -> dict[str, Any]:
    """Run ``movequal analyze`` in a fresh grandchild and read its peak RSS.

    ``ru_maxrss`` (RUSAGE_CHILDREN of the intermediate process, i.e. of the one
    CLI run) is the largest peak of any single process in the CLI's tree (the
    CLI or one of its reaped workers), not a sum; the sum over the CLI's
    process tree is sampled from /proc every 0.1 s alongside.
    """
    out_dir = Path(tempfile.mkdtemp(prefix="cli-", dir=out_root))
    log_path = out_root / f"{out_dir.name}.stderr"
    usage_path = out_root / f"{out_dir.name}.rusage.json"
    cmd = [*movequal_command(), "analyze", str(video), "--model", model, "--out", str(out_dir), *extra_args]
    load = loadavg()
    t0 = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", _RUSAGE_WRAPPER, str(usage_path), *cmd], stderr=log)
        status, tree_peak = wait_sampling(proc.pid)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    usage = json.loads(usage_path.read_text()) if usage_path.exists() else {"rc": proc.returncode}
    if proc.returncode != 0 or usage["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {usage['rc']}: {log_path.read_text()[-2000:]}")
    report = json.loads((out_dir / "report.json").read_text())
    shutil.rmtree(out_dir)
    return {
        "cmd": " ".join(cmd),
        "peak_rss_mib": round(usage["maxrss_kib"] / 1024, 1),  # Linux: KiB
        "tree_peak_rss_mib": round(tree_peak / 1024, 1),
        "wall_s": round(seconds, 2),
        "cpu_s": round(usage["cpu_s"], 2),
        "duration_s": report["source"]["duration_s"],
        "load1_before": load,
    }
